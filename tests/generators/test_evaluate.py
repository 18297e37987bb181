"""The analyzer's evaluation sets: maestro's renders and Bach chorales from the music21 corpus."""
import pytest

from generators import evaluate

pytestmark = pytest.mark.slow


def test_a_chorale_keeps_its_written_key():
    from music21 import corpus

    from generators.learn.keys import written_key

    assert written_key(corpus.parse("bach/bwv1.6")) == "F major"
    assert written_key(corpus.parse("bach/bwv10.7")) == "G minor"


def test_both_sets_are_rendered_and_scored():
    ours, bach = evaluate.renders(1, duration_s=12), evaluate.chorales(2)
    assert [r["name"] for r in ours] == ["pop"] and len(bach) == 2
    assert all(r["key_found"] for r in ours + bach)
    s = evaluate.summary(ours, bach)
    assert s["analysis_pieces"] == 1 and s["corpus_pieces"] == 2 and 0 <= s["corpus_key_accuracy"] <= 1
