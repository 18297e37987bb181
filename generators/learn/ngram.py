"""The baseline the melody model must beat: interpolated Kneser-Ney n-grams, one over the pitch stream and one over
the duration stream, each starting from a symbol for the tune's mode and meter. Written here because the maintained
toolkits do not fit: KenLM needs a build, and nltk.lm's Kneser-Ney rescans its counts on every query."""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Hashable, Sequence

Symbol = Hashable


class KneserNey:
    """P(w | h) = max(c(h, w) − D, 0) / c(h) + D · N₁₊(h •) / c(h) · P(w | h minus its oldest symbol), where c is the
    raw count at the highest order and the continuation count N₁₊(• h w) below it; uniform over the vocabulary at
    the bottom. D per order is Ney's estimate n₁ / (n₁ + 2 n₂)."""

    def __init__(self, order: int, vocabulary: int):
        self.order, self.vocabulary = order, vocabulary
        self.counts: list[dict[tuple[Symbol, ...], Counter[Symbol]]] = [defaultdict(Counter) for _ in range(order)]
        self.discount = [0.75] * order

    def fit(self, sequences: Sequence[tuple[Symbol, Sequence[Symbol]]]) -> "KneserNey":
        """sequences: (start symbol, symbols) pairs."""
        top = self.order - 1
        grams: set[tuple[Symbol, ...]] = set()
        for start, seq in sequences:
            padded = [start] * top + list(seq)
            for i in range(top, len(padded)):
                gram = tuple(padded[i - top:i + 1])
                self.counts[top][gram[:-1]][gram[-1]] += 1
                grams.add(gram)
        for n in range(top, 0, -1):  # continuation counts of order n from the distinct grams of order n+1
            lower: set[tuple[Symbol, ...]] = set()
            for gram in grams:
                self.counts[n - 1][gram[1:-1]][gram[-1]] += 1
                lower.add(gram[1:])
            grams = lower
        for n, table in enumerate(self.counts):
            freq = Counter(c for counter in table.values() for c in counter.values())
            n1, n2 = freq.get(1, 0), freq.get(2, 0)
            self.discount[n] = n1 / (n1 + 2 * n2) if n1 and n2 else 0.75
        return self

    def prob(self, history: tuple[Symbol, ...], w: Symbol) -> float:
        p = 1.0 / self.vocabulary
        for n in range(self.order):
            h = history[len(history) - n:] if n else ()
            counter = self.counts[n].get(h)
            if not counter:
                continue
            total, d = sum(counter.values()), self.discount[n]
            p = max(counter.get(w, 0) - d, 0) / total + d * len(counter) / total * p
        return p

    def bits(self, start: Symbol, seq: Sequence[Symbol]) -> list[float]:
        """−log₂ P of each symbol given the ones before it."""
        top = self.order - 1
        padded = [start] * top + list(seq)
        return [-math.log2(self.prob(tuple(padded[i - top:i]), padded[i])) for i in range(top, len(padded))]
