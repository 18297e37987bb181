import pytest

from generators.theory import Chord, Key, diatonic_chord, parse_pitch_class, parse_roman


@pytest.mark.parametrize("text, name", [("A minor", "A minor"), ("F# minor", "F# minor"), ("Bb major", "Bb major"),
                                        ("Am", "A minor"), ("c", "C major")])
def test_key_parse(text, name):
    assert Key.parse(text).name == name


def test_bad_key():
    with pytest.raises(ValueError):
        Key.parse("H major")


def test_pitch_classes():
    assert [parse_pitch_class(n) for n in ("C", "F#", "Bb", "Cb")] == [0, 6, 10, 11]


def test_diatonic_and_roman():
    c = Key("C", "major")
    assert diatonic_chord(c, 4, True).symbol(c) == "G7"
    assert diatonic_chord(c, 1, True).symbol(c) == "Dm7"
    a = Key("A", "minor")
    assert parse_roman("V", a, False).symbol(a) == "E"      # harmonic-minor dominant
    assert parse_roman("v", a, False).symbol(a) == "Em"
    assert parse_roman("bVII", c, False).symbol(c) == "Bb"  # borrowed: flats
    assert parse_roman("I7", c, False).symbol(c) == "C7"    # explicit 7: dominant


def test_transpose_chord():
    assert Chord(0, "maj7").transposed(3).symbol(Key("Eb", "major")) == "Ebmaj7"
