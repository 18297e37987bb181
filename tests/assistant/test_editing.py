"""The modify skill's decisions, without the classifier: what each slot combination does and says."""
import pytest

from assistant.skills import editing
from generators.compose import Request, compose
from intents.model import Slots


@pytest.fixture(scope="module")
def song():
    return compose(Request(genre="pop", mood="happy", key="Eb major", tempo_bpm=128, seed=3, duration_s=90))


def test_what_is_already_so_is_said_and_nothing_changes(song):
    for slots, said in ((Slots(mode="major"), "It's already in Eb major."), (Slots(key="Eb major"), "already in Eb"),
                        (Slots(genre="pop"), "It's already pop."), (Slots(tempo_bpm=128), "already at 128 BPM"),
                        (Slots(mood="happy"), "It's already happy.")):
        o = editing.apply(song, slots)
        assert o.piece == song and any(said in a for a in o.already), (slots, o.already)


def test_a_missing_section_lists_the_ones_there_are():
    piece = compose(Request(genre="pop", seed=1, duration_s=30, tempo_bpm=110))
    with pytest.raises(editing.form.FormError) as e:
        editing.apply(piece, Slots(section="bridge", section_change="remove"))
    assert str(e.value) == "there's no bridge; it has intro, verse, chorus"


def test_a_compound_request_keeps_every_part_of_it(song):
    o = editing.apply(song, Slots(tempo_change="faster", remove=("bass",)))
    assert o.piece.tempo_bpm > song.tempo_bpm and o.piece.track("bass") is None
    assert "tempo" in o.said[0] and "took out electric bass" in o.said[0]


def test_adding_an_instrument_layers_it_and_handing_over_replaces_the_lead(song):
    o = editing.apply(song, Slots(add=("flute",), layer=True))
    assert o.piece.instruments() == song.instruments() + ["flute"]
    o = editing.apply(song, Slots(add=("flute",), parts=("melody",), layer=False))
    assert o.piece.track("melody").name == "flute" and len(o.piece.tracks) == len(song.tracks)
    assert o.said == ["The flute plays the melody now (it was the synth lead)."]
    layered = editing.apply(song, Slots(add=("flute",), layer=True)).piece
    handed = editing.apply(layered, Slots(add=("flute",), parts=("melody",), layer=False)).piece
    assert handed.instruments().count("flute") == 1 and handed.track("melody").name == "flute"


def test_part_edits_leave_the_other_parts(song):
    o = editing.apply(song, Slots(parts=("bass",), semitones=-12))
    assert [n.pitch for n in o.piece.track("bass").notes] == [n.pitch - 12 for n in song.track("bass").notes]
    assert o.piece.track("melody") == song.track("melody") and o.piece.key == song.key
    o = editing.apply(song, Slots(parts=("melody",), variation=True, livelier=True))
    assert o.piece.track("melody") != song.track("melody") and o.piece.track("bass") == song.track("bass")
    assert o.said[0].startswith("Here's a livelier melody")


def test_section_edits_say_what_they_did(song):
    cases = [(Slots(section="chorus", add=("fill",)), "Added a drum fill before the chorus."),
             (Slots(section="ending", mood="calm"), "The ending is calm now."),
             (Slots(section="verse", section_index=2, level_change="quieter"), "The second verse is quieter now."),
             (Slots(section="intro", remove=("drums",)), "No drums in the intro now."),
             (Slots(section="chorus", variation=True), "Here's a new take on the chorus (each time it comes)"),
             (Slots(section="chorus", add=("strings",), layer=True), "Added strings to the chorus"),
             (Slots(section="bridge", section_change="remove"), "Took out the bridge"),
             (Slots(section="chorus", section_change="repeat"), "The chorus plays twice now"),
             (Slots(section="intro", duration_change="longer"), "The intro is longer now")]
    for slots, said in cases:
        o = editing.apply(song, slots)
        assert o.piece != song and o.said and o.said[0].startswith(said), (slots, o.said)


def test_strings_in_the_chorus_play_only_there(song):
    piece = editing.apply(song, Slots(section="chorus", add=("strings",), layer=True)).piece
    strings = piece.track("strings")
    choruses = [s for s in song.sections if s.label == "chorus"]
    assert strings.notes and all(any(c.start - 0.1 <= n.start < c.start + c.duration for c in choruses)
                                 for n in strings.notes)
