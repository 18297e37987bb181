import pytest

from generators import edit
from generators.compose import Request, compose
from generators.theory import Key


@pytest.fixture
def jazz():
    return compose(Request(genre="jazz", key="C major", tempo_bpm=120, seed=3))


def test_tempo(jazz):
    assert edit.set_tempo(jazz, 150).tempo_bpm == 150
    with pytest.raises(edit.EditError):
        edit.set_tempo(jazz, 1000)


def test_transpose_moves_everything_but_drums(jazz):
    up = edit.transpose(jazz, 3)
    assert up.key.name == "Eb major"
    assert [n.pitch - 3 for n in up.track("melody").notes] == [n.pitch for n in jazz.track("melody").notes]
    assert up.track("drums").notes == jazz.track("drums").notes


def test_minor_is_respelled_not_shifted(jazz):
    minor = edit.change_mode(jazz, "minor")
    assert minor.key.name == "C minor"
    assert minor.chord_symbols()[0] == "Cm"  # the tonic triad (C) respelled
    scale = set(minor.key.scale())
    assert all(c.chord.root in scale for c in minor.chords)
    pcs = {n.pitch % 12 for n in minor.track("melody").notes}
    assert 4 not in pcs  # no E natural left in C minor's tune


def test_change_key(jazz):
    assert edit.change_key(jazz, Key.parse("F# minor")).key.name == "F# minor"


def test_parts(jazz):
    no_drums = edit.remove_part(jazz, "drums")
    assert "drums" not in no_drums.instruments()
    assert "drums" in edit.add_part(no_drums, "drums").instruments()
    with pytest.raises(edit.EditError):
        edit.add_part(jazz, "drums")
    assert edit.replace_instrument(jazz, "piano", "acoustic guitar").track("chords").name == "acoustic guitar"
    assert "strings" in edit.add_part(jazz, "strings").instruments()


def test_restyle_keeps_the_melody(jazz):
    reggae = edit.restyle(jazz, "reggae")
    assert reggae.genre == "reggae"
    assert [n.pitch for n in reggae.track("melody").notes] == [n.pitch for n in jazz.track("melody").notes]


def test_duration_keeps_parts(jazz):
    longer = edit.set_duration(edit.remove_part(jazz, "drums"), 60)
    assert longer.duration_s == pytest.approx(60)
    assert longer.instruments() == ["piano", "acoustic bass", "tenor sax"]


def test_levels(jazz):
    assert edit.set_level(jazz, "drums", True).track("drums").gain > 1
