"""The one key finder (generators.keys): its tables, each kind of evidence, and the same answer in every key."""
from __future__ import annotations

import numpy as np
import pytest

from generators import keys
from generators.theory import Key, key_from_pc

TWINKLE = (0, 0, 7, 7, 9, 9, 7, 5, 5, 4, 4, 2, 2, 0)
LENGTHS = (1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 2)
# A minor: i - iv - V (with its raised seventh) - i, two seconds each, bass under three upper voices.
CADENCE = ((45, 60, 64, 69), (50, 62, 65, 69), (52, 59, 64, 68), (45, 60, 64, 69))


def test_every_kind_has_a_table_per_mode():
    tables = keys.tables()
    assert set(tables) == set(keys.KINDS)
    for kind in keys.KINDS:
        for mode in keys.MODES:
            assert tables[kind][mode].shape == (49,) and np.all(np.isfinite(tables[kind][mode]))


@pytest.mark.parametrize("tonic", range(12))
def test_a_tune_is_found_in_every_key(tonic):
    found = keys.ranked(keys.of_tune([60 + tonic + p for p in TWINKLE], LENGTHS))
    assert found[0][0] == key_from_pc(tonic, "major")
    assert abs(sum(p for _, p in found) - 1) < 1e-9 and found[0][1] > found[1][1]


def test_a_minor_cadence_from_its_notes_in_every_key():
    for shift in range(12):
        notes = [(p + shift, 2.0 * i, 2.0 * i + 2) for i, chord in enumerate(CADENCE) for p in chord]
        assert keys.key_of(keys.of_notes(notes)) == key_from_pc((9 + shift) % 12, "minor")


def test_the_lowest_note_is_the_bass():
    evidence = keys.of_notes([(n, s, e) for i, chord in enumerate(CADENCE) for n, s, e in
                              [(p, 2.0 * i, 2.0 * i + 2) for p in chord]])
    assert evidence.bass[9] == pytest.approx(0.5) and evidence.bass[2] == evidence.bass[4] == pytest.approx(0.25)


def test_no_notes_is_no_evidence():
    assert not any(keys.of_notes([]).overall)


def test_chroma_opening_and_closing_are_what_sounds_first_and_last():
    frames = 100
    chroma, energy = np.zeros((12, frames)), np.ones(frames)
    chroma[0, :50] = chroma[7, 50:] = 1.0
    energy[:5] = 0.0  # silence first: not the opening
    found = keys.of_chroma(chroma, energy, 0.1, np.eye(12)[0])
    assert found.opening[0] == 1.0 and found.closing[7] == 1.0 and found.bass[0] == 1.0
    assert found.overall[0] == pytest.approx(45 / 95)


@pytest.mark.slow
def test_chorales_the_old_profiles_missed_are_heard_from_audio(tmp_path):
    """Two of the evaluation chorales Temperley's profiles heard in their relative major (92.5% → the figures in
    generators/learn/keys.py)."""
    from music21 import corpus

    from generators.analysis import analyze_audio
    from generators.learn.keys import render_score

    for name, truth in (("bach/bwv10.7", "G minor"), ("bach/bwv111.6", "A minor")):
        _, wav = render_score(corpus.parse(name), tmp_path)
        assert Key.parse(analyze_audio(wav).key) == Key.parse(truth), name
