"""Learned melodies inside the composer: same seed same tune, the plan's key, register and bars kept, strong
beats on chord tones, phrases ending on cadences, sections that come back repeating their material."""
import pytest

from generators import styles
from generators.compose import Request, compose, learned
from generators.learn import runtime, tokens


@pytest.fixture(autouse=True)
def weights_in_use():
    assert runtime.status().engine == "learned", runtime.status().detail


def melody(genre="pop", **kw):
    piece = compose(Request(genre=genre, **{"seed": 3, "duration_s": 40, **kw}))
    return piece, piece.track("melody").notes


def test_same_seed_same_melody_other_seed_other_melody():
    assert melody(seed=5)[1] == melody(seed=5)[1]
    assert melody(seed=5)[1] != melody(seed=6)[1]


def in_key(piece, note) -> bool:
    """In the key's scale, or a tone of the chord under it (minor's leading tone over the major V is in the key)."""
    under = next(c for c in reversed(piece.chords) if c.start <= note.start + 0.05)  # humanized: a little early
    return note.pitch % 12 in set(piece.key.scale()) | set(under.chord.pitch_classes())


@pytest.mark.parametrize("genre", styles.GENRES)
def test_melodies_keep_the_key_the_register_and_the_bars(genre):
    g = styles.genres()[genre]
    for mood, key in (("happy", "E major"), ("sad", "F# minor"), ("calm", "Bb major")):
        piece, notes = melody(genre, mood=mood, key=key)
        assert notes, (genre, mood)
        assert sum(in_key(piece, n) for n in notes) / len(notes) >= 0.9
        centre = g.melody_register + styles.moods()[mood].register
        assert all(centre - 10 <= n.pitch <= centre + 12 for n in notes), (genre, mood)
        sung = [s for s in piece.sections if s.label not in learned.SKIPPED]
        for s in sung:  # every sung section has notes in its first bar, none past its end
            inside = [n for n in notes if s.start - 0.1 <= n.start < s.start + s.duration]
            assert inside and min(n.start for n in inside) < s.start + piece.bar_beats
        assert max(n.start + n.duration for n in notes) <= piece.length_beats + 1e-6


@pytest.mark.parametrize("meter", ["4/4", "3/4", "6/8"])
def test_strong_beats_are_chord_tones_and_the_end_is_the_tonic(meter):
    piece, notes = melody("folk", time_signature=meter, duration_s=45, key="D major")
    strong = learned.strong_positions(meter)
    bar = tokens.bar_ticks(meter)
    on = [n for n in notes if round(n.start * tokens.TICKS) % bar in strong]
    def chord_at(beat):  # at the note's grid position: humanized onsets sit a hundredth or so either side
        grid = round(beat * tokens.TICKS) / tokens.TICKS
        return next(c for c in reversed(piece.chords) if c.start <= grid + 1e-6).chord
    hits = sum(n.pitch % 12 in chord_at(n.start).pitch_classes() for n in on)
    assert on and hits / len(on) >= 0.7  # real tunes: 0.80 (generators.learn.evaluate); the rules force 1.0
    last = max(notes, key=lambda n: n.start)
    assert last.pitch % 12 in (piece.key.pc, (piece.key.pc + 4) % 12, (piece.key.pc + 7) % 12)


def test_a_chorus_that_comes_back_brings_its_tune_back():
    piece, notes = melody("pop", duration_s=90)
    choruses = [s for s in piece.sections if s.label == "chorus"]
    assert len(choruses) >= 2

    def shape(s, bars):  # onsets from the section's start (humanized by a few hundredths), pitches
        end = s.start + bars * piece.bar_beats - 0.1
        return [(n.start - s.start, n.pitch) for n in notes if s.start - 0.1 <= n.start < end]
    a, b = shape(choruses[0], 4), shape(choruses[1], 4)
    assert a and [p for _, p in a] == [p for _, p in b]
    assert all(abs(x - y) < 0.08 for (x, _), (y, _) in zip(a, b))


def test_unknown_meters_fall_back_to_the_rules():
    assert not learned.supported("5/4") and learned.supported("6/8")
    piece = compose(Request(genre="pop", time_signature="5/4", seed=2, duration_s=20))
    assert piece.track("melody").notes
