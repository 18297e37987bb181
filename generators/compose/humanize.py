"""Swing and human feel: off-beat eighths delayed by the swing amount, small timing and velocity variation."""
from __future__ import annotations

import random

from generators.piece import Note


def swung(beat: float, swing: float) -> float:
    """Delay a note on an off-beat eighth by `swing` of an eighth (0.33 ≈ triplet feel)."""
    frac = beat % 1.0
    return beat + swing * 0.5 if swing and abs(frac - 0.5) < 1e-6 else beat


def humanize(notes: list[Note], rng: random.Random, swing: float, timing: float = 0.01,
             velocity: float = 4.0) -> tuple[Note, ...]:
    out = []
    for n in sorted(notes, key=lambda n: (n.start, n.pitch)):
        start = max(0.0, swung(n.start, swing) + (rng.gauss(0, timing) if n.start > 0 else 0.0))
        vel = max(1, min(127, round(n.velocity + rng.gauss(0, velocity))))
        out.append(Note(n.pitch, round(start, 4), round(max(0.05, n.duration), 4), vel))
    return tuple(out)
