"""Choosing the SoundFont: MuseScore General when the set-up installed it, the next one installed when the
configured one is missing or broken."""
import numpy as np
import pytest

from generators import soundfont
from generators.compose import Request, compose
from generators.render import POOL, join, open_synth, render_blocks


def test_musescore_general_is_the_default_once_set_up():
    assert any(p.is_file() for p in soundfont.MUSESCORE), "the set-up installs musescore-general-soundfont-lossless"
    chosen = soundfont.choose(None)
    assert chosen.path.name.startswith("MuseScore_General") and chosen.fallback_from is None
    assert chosen.path.suffix == ".sf2"  # the lossless one: the SF3 takes 3.4 s to load whole


def test_a_missing_soundfont_falls_back_to_the_next(tmp_path):
    gone = tmp_path / "gone.sf2"
    chosen = soundfont.choose(str(gone))
    assert chosen.path == soundfont.candidates()[0]
    assert chosen.fallback_from == f"the configured SoundFont {gone} does not exist"


@pytest.mark.slow
def test_a_broken_soundfont_falls_back_to_the_next(tmp_path):
    broken = tmp_path / "broken.sf2"
    broken.write_bytes(b"RIFF\x00\x00\x00\x00not a soundfont")
    synth = open_synth(str(broken))
    POOL.release(synth)
    assert synth.soundfont == soundfont.candidates()[0]
    audio = join(render_blocks(compose(Request(genre="pop", seed=1, duration_s=3)), str(broken)))
    assert np.sqrt(np.mean(audio ** 2)) > 0.005


def test_no_soundfont_at_all_says_what_to_install(monkeypatch):
    monkeypatch.setattr(soundfont, "candidates", lambda: [])
    with pytest.raises(soundfont.SoundFontMissing, match="apt-get install"):
        soundfont.choose(None)
