"""The corpus builder on tunes written here in ABC and on one chorale of music21's corpus: keys, meters, pickups,
ties and rests come out as a musician reads them; the split is fixed by name."""
import pytest

from generators.learn import corpus, tokens

music21 = pytest.importorskip("music21")

JIG = """X:1
T:Test jig
M:6/8
L:1/8
K:G
D|GAB c2A|B2G A2F|G3- G2 D|GAB d2c|B2G {a}A2F|G3 z2 D|G6|]
"""

# A Dorian tune whose key signature names the relative major (C), as Essen and O'Neill often write it.
DORIAN = """X:2
T:Signature of the relative
M:4/4
L:1/8
K:C
D2FA d2cA|G2E2 C2E2|D2FA d2f2|e2c2 d4|]
"""


def parse_abc(text):
    return music21.converter.parse(text, format="abc")


def test_a_jig_is_quantized_with_its_pickup_ties_rests_and_graces():
    tune = corpus.tune_of(parse_abc(JIG), folk=True)
    assert (tune.mode, tune.meter, tune.pickup) == ("major", "6/8", 60)
    # G major, semitones from G4: the pickup D4 is -5; the tie G3-G2 is one note of 5 eighths, z2 a rest of 2,
    # the grace note {a} is dropped; an eighth is 12 ticks
    assert tune.notes[:4] == ((-5, 12), (0, 12), (2, 12), (4, 12))
    assert (0, 60) in tune.notes and (None, 24) in tune.notes
    assert tune.notes[-1] == (0, 72) and sum(d for _, d in tune.notes) == 12 + 7 * 72
    assert len(tune.notes) == 25
    assert tokens.decode(*tokens.encode(tune)) == tune


def test_the_tonic_is_the_final_note_when_the_signature_names_the_relative_key():
    tune = corpus.tune_of(parse_abc(DORIAN), folk=True)
    assert tune.mode == "minor"  # D with F natural: the D Dorian family, not C major
    assert tune.notes[0] == (0, 24) and tune.notes[-1] == (12, 48)


def test_a_chorale_keeps_its_written_key():
    score = music21.corpus.parse("bach/bwv104.6")
    tune = corpus.tune_of(score, folk=False)
    assert tune.mode == "major" and tune.meter == "4/4"
    assert tune.notes[-1][0] == 0  # ends on the tonic


def test_the_split_is_fixed_by_name():
    names = [("essenFolksong/erk5.abc", i) for i in range(400)]
    splits = [corpus.split_of(*n) for n in names]
    assert splits == [corpus.split_of(*n) for n in names]
    assert 5 <= splits.count("test") <= 40 and 5 <= splits.count("valid") <= 40


def test_duplicates_share_a_fingerprint_in_any_key():
    tune = corpus.tune_of(parse_abc(JIG), folk=True)
    higher = tuple((None if p is None else p + 2, d) for p, d in tune.notes)
    up = tokens.Tune(tune.mode, tune.meter, tune.pickup, higher)
    assert corpus.fingerprint(up) == corpus.fingerprint(tune)


def test_an_unreadable_file_is_one_dropped_source(tmp_path):
    bad = tmp_path / "bad.abc"
    bad.write_bytes(b"\x00\xff not abc at all")
    assert corpus.parse_file(bad) in ([], [(0, None)])
