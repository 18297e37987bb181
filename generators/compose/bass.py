"""Bass lines that follow the harmony. Each pattern turns one chord span into notes; the style names the pattern."""
from __future__ import annotations

import random
from typing import Callable

from generators.piece import ChordSpan, Note
from generators.theory import Chord, Key

Hit = tuple[float, float, int, int]  # onset within the span (beats), length, semitones above the root, velocity


def bass_pitch(pc: int) -> int:
    """The root in the bass's home octave: A1 (33) .. G#2 (44)."""
    return 33 + (pc - 9) % 12


def _fifth(chord: Chord) -> int:
    pcs = chord.pitch_classes()
    return (pcs[2] - chord.root) % 12 if len(pcs) > 2 else 7


def _even(span: float, step: float, length: float, interval_of: Callable[[int], int], vel: int = 92) -> list[Hit]:
    n = max(1, int(round(span / step)))
    return [(i * step, min(length, span - i * step), interval_of(i), vel - (8 if i % 2 else 0)) for i in range(n)]


def root(span: float, chord: Chord, nxt: Chord | None, key: Key, rng: random.Random) -> list[Hit]:
    return [(0.0, span, 0, 96)]


def root_fifth(span: float, chord: Chord, nxt: Chord | None, key: Key, rng: random.Random) -> list[Hit]:
    """The root held, the fifth as a short step back to the next root: a fifth held as long as the root weighs
    the chord's dominant side as much as its root (its overtones add more), and the key leans a fifth up."""
    held = span * 3 / 4 if span >= 2 else span
    return [(0.0, held, 0, 96)] + ([(held, span - held, _fifth(chord), 84)] if held < span else [])


def pulse(span: float, chord: Chord, nxt: Chord | None, key: Key, rng: random.Random) -> list[Hit]:
    return _even(span, 0.5, 0.45, lambda i: 0)


def octave(span: float, chord: Chord, nxt: Chord | None, key: Key, rng: random.Random) -> list[Hit]:
    return _even(span, 0.5, 0.45, lambda i: 12 if i % 2 else 0, 100)


def offbeat(span: float, chord: Chord, nxt: Chord | None, key: Key, rng: random.Random) -> list[Hit]:
    return [(t + 0.5, 0.4, 0, 96) for t in range(int(span))]


def walking(span: float, chord: Chord, nxt: Chord | None, key: Key, rng: random.Random) -> list[Hit]:
    """Quarter notes: the root, then chord tones (the root's octave among them: a line that never returns to
    the root weighs the chord's third as much, and a blues in F is heard in A minor), then a chromatic approach
    to the next root."""
    beats = max(1, int(round(span)))
    tones = [12] + [(pc - chord.root) % 12 for pc in chord.pitch_classes()[1:]]
    line = [0] + [rng.choice(tones) for _ in range(beats - 2)]
    if beats > 1:
        target = ((nxt.root if nxt else chord.root) - chord.root) % 12
        line.append(target + rng.choice((-1, 1)))
    return [(float(i), 0.95, iv, 92 if i % 2 == 0 else 84) for i, iv in enumerate(line)]


def reggae(span: float, chord: Chord, nxt: Chord | None, key: Key, rng: random.Random) -> list[Hit]:
    return [(0.0, 1.4, 0, 100), (1.5, 0.5, _fifth(chord), 88), (2.0, 1.0, 12, 90), (3.5, 0.5, _fifth(chord), 84)]


def funk(span: float, chord: Chord, nxt: Chord | None, key: Key, rng: random.Random) -> list[Hit]:
    pattern = [(0.0, 0.3, 0, 110), (0.75, 0.2, 12, 90), (1.5, 0.3, 0, 100), (2.5, 0.2, 10, 88),
               (3.0, 0.3, 0, 104), (3.75, 0.2, 12, 92)]
    return [h for bar in range(int(span // 4) or 1) for h in [(t + 4 * bar, d, iv, v) for t, d, iv, v in pattern]]


def tumbao(span: float, chord: Chord, nxt: Chord | None, key: Key, rng: random.Random) -> list[Hit]:
    return [(1.5, 1.4, _fifth(chord), 96), (3.0, 1.0, 0, 100)] if span >= 4 else root(span, chord, nxt, key, rng)


def sustain(span: float, chord: Chord, nxt: Chord | None, key: Key, rng: random.Random) -> list[Hit]:
    return root(span, chord, nxt, key, rng)


PATTERNS = {f.__name__: f for f in (root, root_fifth, pulse, octave, offbeat, walking, reggae, funk, tumbao, sustain)}


def bass_line(pattern: str, chords: tuple[ChordSpan, ...], key: Key, rng: random.Random) -> list[Note]:
    notes = []
    for i, span in enumerate(chords):
        nxt = chords[i + 1].chord if i + 1 < len(chords) else None
        base = bass_pitch(span.chord.root)
        for onset, length, interval, vel in PATTERNS[pattern](span.duration, span.chord, nxt, key, rng):
            if onset < span.duration:
                length = min(length, span.duration - onset)
                notes.append(Note(base + interval, span.start + onset, length, vel))
    return notes
