"""The user's tune kept and grown (generators.hum.develop): read back out of its piece through edits, played as
long as asked, and continued by the learned melody model."""
from __future__ import annotations

import pytest

from generators import edit, layers
from generators.compose import Request
from generators.hum.arrange import piece_of
from generators.hum.develop import continued, is_hummed, tune_in
from generators.hum.quantize import HummedTune
from generators.learn import runtime
from generators.piece import Note
from generators.theory import Key

# "Twinkle" in D major, 4/4, two bars of pickup-free quarter and half notes: the kind of tune people hum.
TWINKLE = (62, 62, 69, 69, 71, 71, 69, 67, 67, 66, 66, 64, 64, 62)
LENGTHS = (1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 2)


def tune(pitches: tuple[int, ...] = TWINKLE, lengths: tuple[float, ...] = LENGTHS) -> HummedTune:
    notes, at = [], 0.0
    for p, d in zip(pitches, lengths):
        notes.append(Note(p, at, d, 90))
        at += d
    return HummedTune(Key.parse("D major"), 100.0, 4, tuple(notes), at, 0)


def plain(t: HummedTune) -> list[tuple[int, float, float]]:
    """Pitches relative to the first note, starts and lengths."""
    return [(n.pitch - t.notes[0].pitch, n.start, n.duration) for n in t.notes]


@pytest.fixture(scope="module")
def piece():
    return piece_of(tune(), Request(genre="folk", seed=3))


def test_the_tune_reads_back_out_of_its_piece(piece):
    assert is_hummed(piece)
    back = tune_in(piece)
    assert back is not None and plain(back) == plain(tune())
    assert back.key == piece.key and back.length_beats == 16


def test_a_composed_piece_has_no_tune():
    from generators import engine

    composed = engine.get().compose(Request(genre="folk", seed=3, duration_s=12))
    assert not is_hummed(composed) and tune_in(composed) is None


def test_edits_keep_the_tune(piece):
    moved = edit.transpose(edit.restyle(piece, "jazz"), 3)
    back = tune_in(moved)
    assert back is not None and plain(back) == plain(tune()) and back.notes[0].pitch % 12 == (62 + 3) % 12
    longer = edit.set_duration(moved, 60)
    assert 60 <= longer.duration_s < 60 + 16 * 60 / moved.tempo_bpm
    assert plain(tune_in(longer)) == plain(tune()) and longer.instruments() == moved.instruments()
    again = edit.recompose(moved, seed=99)
    assert plain(tune_in(again)) == plain(tune()) and again.title == moved.title


def test_the_tune_keeps_its_meter(piece):
    with pytest.raises(edit.EditError, match="4/4"):
        edit.set_time_signature(piece, "3/4")


def test_the_learned_model_answers_the_tune():
    model = runtime.available()
    assert model is not None, runtime.status().detail
    first = continued(tune(), model, "folk", seed=1)
    assert first.notes[:len(TWINKLE)] == tune().notes  # the tune itself, untouched, first
    answer = first.notes[len(TWINKLE):]
    assert first.length_beats == 32 and len(answer) >= 4
    assert all(16 <= n.start and n.start + n.duration <= 32 + 1e-9 for n in answer)
    assert answer[-1].pitch % 12 in (2, 6, 9)  # home: the D major triad
    assert all(50 <= n.pitch <= 86 for n in answer)  # in the tune's register, not wandering off
    assert continued(tune(), model, "folk", seed=1) == first
    assert continued(tune(), model, "folk", seed=2) != first


def test_continuing_keeps_the_parts_and_the_layers(piece):
    layered, _ = layers.add(piece, "cello", seed=4)
    longer, beats = edit.continue_tune(layered, seed=5)
    assert beats == 16 and longer.instruments() == layered.instruments()
    grown = tune_in(longer)
    assert grown is not None and plain(grown)[:len(TWINKLE)] == plain(tune()) and grown.length_beats == 32
    again, beats = edit.continue_tune(longer, seed=6)  # a third phrase: up to four bars more
    assert beats == 16 and tune_in(again).length_beats == 48
