import json

import mido
import numpy as np
import pytest
import soundfile

from generators import export, score
from generators.compose import Request, compose

from .scorecheck import midi_reads_back


@pytest.fixture
def piece():
    return compose(Request(genre="funk", seed=8, duration_s=12))


def test_json_round_trip(piece, tmp_path):
    path = tmp_path / "p.json"
    export.write_score(piece, path)
    assert score.from_dict(json.loads(path.read_text())) == piece


def test_midi_read_back_equals_score(piece, tmp_path):
    midi_reads_back(piece, tmp_path)
    midi = mido.MidiFile(str(tmp_path / "edit.mid"))
    tempo = next(m.tempo for t in midi.tracks for m in t if m.type == "set_tempo")
    assert mido.tempo2bpm(tempo) == pytest.approx(piece.tempo_bpm, abs=0.01)


@pytest.mark.parametrize("ext", ["wav", "flac", "mp3"])
def test_audio_formats(tmp_path, ext):
    tone = (0.3 * np.sin(np.linspace(0, 2000, 44100))).astype(np.float32)
    path = tmp_path / f"t.{ext}"
    export.write_audio(np.stack([tone, tone], axis=1), 44100, path)
    audio, rate = soundfile.read(str(path))
    assert rate == 44100 and abs(len(audio) - 44100) < 2000


def test_unknown_format(tmp_path):
    with pytest.raises(export.ExportError):
        export.format_of(tmp_path / "x.txt")


def test_failed_write_leaves_the_old_file(tmp_path, piece):
    path = tmp_path / "keep.json"
    path.write_text("old")

    def boom(tmp):
        tmp.write_text("half")
        raise OSError(28, "No space left on device")
    with pytest.raises(OSError):
        export.atomic_write(path, boom)
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.json"]
