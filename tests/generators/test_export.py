import json

import mido
import numpy as np
import pytest
import soundfile

from generators import export, score
from generators.compose import Request, compose


@pytest.fixture
def piece():
    return compose(Request(genre="funk", seed=8, duration_s=12))


def test_json_round_trip(piece, tmp_path):
    path = tmp_path / "p.json"
    export.write_score(piece, path)
    assert score.from_dict(json.loads(path.read_text())) == piece


def test_midi_read_back_equals_score(piece, tmp_path):
    path = tmp_path / "p.mid"
    export.write_score(piece, path)
    midi = mido.MidiFile(str(path))
    got: dict[int, list[float]] = {}
    for track in midi.tracks:
        tick = 0
        for msg in track:
            tick += msg.time
            if msg.type == "note_on" and msg.velocity > 0:
                got.setdefault(msg.note, []).append(tick / midi.ticks_per_beat)
    want: dict[int, list[float]] = {}
    for t in piece.tracks:
        for n in t.notes:
            want.setdefault(n.pitch, []).append(n.start)
    assert sorted(got) == sorted(want)
    for pitch in want:  # every onset within a tick of the score
        assert sorted(got[pitch]) == pytest.approx(sorted(want[pitch]), abs=1.5 / midi.ticks_per_beat)
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
