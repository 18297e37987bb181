"""Progressions that make the asked key heard: they start on the tonic, sound the fourth degree on the way home,
end on a cadence that does not stall, and play the tonic as a triad."""
import random

import pytest

from generators import styles
from generators.compose.harmony import chord_spans, sections
from generators.compose.plan import Request, make_plan


def chords(genre, key, seed, duration_s=20):
    plan = make_plan(Request(genre=genre, key=key, seed=seed, duration_s=duration_s))
    return plan, chord_spans(plan, sections(plan), random.Random(seed))


@pytest.mark.parametrize("genre", styles.GENRES)
@pytest.mark.parametrize("key", ["C major", "A minor"])
def test_pieces_start_home_and_end_on_a_cadence(genre, key):
    if key.endswith("minor") and "minor" not in dict(styles.genres()[genre].modes):
        key = "C major"
    for seed in range(6):
        plan, spans = chords(genre, key, seed)
        tonic = plan.key.pc
        assert spans[0].chord.root == tonic and spans[-1].chord.root == tonic, (genre, seed)
        roots = [s.chord.root for s in spans]
        if len(roots) >= 3:
            assert roots[-2] == (tonic + 7) % 12, (genre, seed, roots)  # V I
        if len(roots) >= 4 and roots[-3] != tonic:
            assert roots[-4] != roots[-3], (genre, seed, roots)  # no stalled "ii | ii V I"


@pytest.mark.parametrize("genre", ["jazz", "lofi", "blues"])
def test_the_tonic_is_a_triad_in_seventh_styles(genre):
    """Cmaj7 sounds the leading tone all along, and C6 holds Am7's notes: the tonic is played as C."""
    for seed in range(6):
        plan, spans = chords(genre, "C major", seed, duration_s=60)
        tonics = [s.chord for s in spans if s.chord.root == 0]
        assert tonics and all(c.quality in ("maj", "dom7") for c in tonics), (seed, tonics)


def test_major_sections_lead_home_by_the_subdominant():
    plan, spans = chords("pop", "G major", 4, duration_s=90)
    starts = {s.start for s in sections(plan)[1:]}
    before = [prev.chord for prev, span in zip(spans, spans[1:]) if span.start in starts]
    assert any(c.root == 0 for c in before)  # C, the IV of G, somewhere into a section
