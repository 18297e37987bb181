"""Bass, comping and register choices that keep the key heard on rendered audio (generators.compose)."""
import random

from generators.compose import Request, compose, reachable
from generators.compose.bass import bass_line
from generators.compose.comping import comp_part, power_voicing
from generators.piece import ChordSpan, Note
from generators.theory import Chord, Key

F7 = Chord(5, "dom7")


def test_a_walking_line_comes_back_to_the_root():
    """Beats after the first: the root's octave among the chord tones, so the third is not what the line leans on."""
    rng = random.Random(1)
    spans = tuple(ChordSpan(4.0 * i, 4.0, F7) for i in range(40))
    notes = bass_line("walking", spans, Key.parse("F major"), rng)
    inner = [n for n in notes if n.start % 4 in (1.0, 2.0)]
    share = {pc: sum(n.pitch % 12 == pc for n in inner) / len(inner) for pc in (5, 9)}
    assert share[5] > 0.15 and share[9] < 0.35, share


def test_root_fifth_holds_the_root():
    notes = bass_line("root_fifth", (ChordSpan(0.0, 4.0, Chord(0, "maj")),), Key.parse("C major"), random.Random(0))
    root = sum(n.duration for n in notes if n.pitch % 12 == 0)
    fifth = sum(n.duration for n in notes if n.pitch % 12 == 7)
    assert root >= 3 * fifth > 0


def test_power_chords_sound_the_minor_third_when_asked():
    assert power_voicing(Chord(4, "min"), third=False) == (40, 47, 52)
    assert power_voicing(Chord(4, "min"), third=True) == (40, 47, 52, 55)  # E5 plus G a tenth above
    assert power_voicing(Chord(4, "power"), third=True) == (40, 47, 52)
    notes = comp_part("power", (ChordSpan(0.0, 4.0, Chord(9, "min")),), random.Random(0), third_above=True)
    assert {n.pitch % 12 for n in notes} == {9, 4, 0}


def test_a_bass_line_given_to_a_cello_is_moved_into_its_range():
    assert [n.pitch for n in reachable([Note(33, 0, 1, 90), Note(44, 1, 1, 90)], 36)] == [45, 56]
    assert reachable([Note(40, 0, 1, 90)], None)[0].pitch == 40
    piece = compose(Request(genre="classical", seed=4, duration_s=20))
    assert min(n.pitch for n in piece.track("bass").notes) >= 36
