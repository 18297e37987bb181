"""Layers join what plays: doubling, countermelody or pad as the style and instrument suit; nothing else moves."""
import pytest

from generators import layers
from generators.compose import Request, compose


def test_a_flute_in_a_busy_pop_melody_doubles_it_an_octave_up():
    piece = compose(Request(genre="pop", mood="happy", seed=2, duration_s=30))
    after, said = layers.add(piece, "flute", seed=1)
    assert after.tracks[:-1] == piece.tracks and "octave up" in said
    flute, melody = after.tracks[-1], piece.track("melody")
    assert flute.name == "flute" and flute.role == "double"
    assert [n.pitch for n in flute.notes] == [n.pitch + 12 for n in melody.notes]


def test_strings_hold_the_chords():
    piece = compose(Request(genre="rock", seed=2, duration_s=30))
    after, said = layers.add(piece, "strings", seed=1)
    pad = after.tracks[-1]
    assert pad.role == "pad" and said == "holds the chords" and pad.notes


def test_over_a_sparse_melody_a_clarinet_answers_with_a_countermelody():
    piece = compose(Request(genre="ambient", mood="calm", seed=2, duration_s=40))
    after, said = layers.add(piece, "clarinet", seed=1)
    counter, melody = after.tracks[-1], piece.track("melody")
    assert counter.role == "counter" and said == "plays a countermelody" and counter.notes
    assert sum(n.pitch for n in counter.notes) / len(counter.notes) < sum(n.pitch for n in melody.notes) / len(
        melody.notes)
    onsets = {(round(n.start, 2), n.pitch) for n in melody.notes}
    assert not [n for n in counter.notes if (round(n.start, 2), n.pitch) in onsets]


def test_the_track_limit_and_a_second_flute_are_refused_with_a_reason():
    piece = compose(Request(genre="pop", seed=2, duration_s=20))
    with pytest.raises(layers.LayerError, match="already has a flute"):
        layers.add(layers.add(piece, "flute", 1)[0], "flute", 2)
    for name in ("flute", "violin", "choir", "oboe", "harp"):
        if len(piece.tracks) < layers.MAX_TRACKS:
            piece = layers.add(piece, name, 1)[0]
    assert len(piece.tracks) == layers.MAX_TRACKS
    with pytest.raises(layers.LayerError, match="the most I keep"):
        layers.add(piece, "trumpet", 1)


@pytest.mark.parametrize("genre, instrument", [("pop", "flute"), ("ambient", "clarinet"), ("rock", "strings")])
def test_a_rebuilt_layer_is_written_as_it_was_added(genre, instrument):
    """A recomposed piece (a new take, another length) writes its layers again the way `add` wrote them: a
    doubling stays softer than the tune, a countermelody keeps its level and swing."""
    piece = compose(Request(genre=genre, mood="calm", seed=2, duration_s=30))
    added = layers.add(piece, instrument, seed=5)[0].tracks[-1]
    again = layers.rebuild(piece, added, seed=5)
    assert (again.name, again.role, again.pan, again.program) == (added.name, added.role, added.pan, added.program)
    assert again.notes == added.notes
