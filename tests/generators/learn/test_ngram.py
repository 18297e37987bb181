"""The Kneser-Ney baseline: a proper distribution, and better than uniform on what it was fitted to."""
import math

from generators.learn.ngram import KneserNey


def test_probabilities_sum_to_one_in_seen_and_unseen_contexts():
    seqs = [("s", [1, 2, 3, 1, 2, 3, 1, 2, 4]), ("s", [2, 3, 1, 2, 3, 0])]
    lm = KneserNey(3, 5).fit(seqs)
    for history in [(1, 2), (2, 3), (4, 4), ("s", "s"), ()]:
        assert math.isclose(sum(lm.prob(history, w) for w in range(5)), 1.0, rel_tol=1e-9), history


def test_patterns_are_learned():
    seqs = [("s", [0, 1, 2] * 30)]
    lm = KneserNey(3, 4).fit(seqs)
    assert lm.prob((0, 1), 2) > 0.9
    assert sum(lm.bits("s", [0, 1, 2] * 5)) / 15 < 0.5 < math.log2(4)
