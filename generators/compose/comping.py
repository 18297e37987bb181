"""Chord parts: voicings led smoothly from chord to chord, and the style's comping rhythm."""
from __future__ import annotations

import random

from generators.piece import ChordSpan, Note
from generators.theory import Chord

Voices = tuple[int | str, ...]
"""Indices into the voicing (empty: all of it), or ("power",) for a power chord."""
Hit = tuple[float, float, Voices, int]  # onset in span, length, voices, velocity


def voicing(chord: Chord, previous: tuple[int, ...] | None, centre: int = 62) -> tuple[int, ...]:
    """The inversion of the chord, in close position, nearest to the previous voicing (or to the centre)."""
    pcs = chord.pitch_classes()
    candidates = []
    for bottom in range(centre - 10, centre + 3):
        if bottom % 12 in pcs:
            start = pcs.index(bottom % 12)
            notes, p = [], bottom
            for k in range(len(pcs)):
                pc = pcs[(start + k) % len(pcs)]
                while p % 12 != pc:
                    p += 1
                notes.append(p)
            candidates.append(tuple(notes))
    ref = previous or (centre,)
    mean = sum(ref) / len(ref)
    return min(candidates, key=lambda v: abs(sum(v) / len(v) - mean) + 0.1 * (v[-1] - v[0]))


def _each_beat(span: float, step: float, length: float, vel: int, voices: Voices = ()) -> list[Hit]:
    return [(i * step, length, voices, vel) for i in range(int(round(span / step)))]


def block(span: float, rng: random.Random) -> list[Hit]:
    return [(0.0, span, (), 70)]


def sustain(span: float, rng: random.Random) -> list[Hit]:
    return [(0.0, span, (), 64)]


def pulse(span: float, rng: random.Random) -> list[Hit]:
    return _each_beat(span, 1.0, 0.9, 68)


def stab(span: float, rng: random.Random) -> list[Hit]:
    choices = ([(0.0, 0.6), (1.5, 0.4), (3.0, 0.4)], [(0.5, 0.4), (2.0, 0.9)], [(0.0, 1.4), (2.5, 0.4), (3.5, 0.4)])
    return [(t, d, (), 72) for t, d in rng.choice(choices) if t < span]


def skank(span: float, rng: random.Random) -> list[Hit]:
    return [(t + 1.0, 0.3, (), 74) for t in range(0, int(span), 2)]


def power(span: float, rng: random.Random) -> list[Hit]:
    return _each_beat(span, 0.5, 0.45, 84, voices=("power",))


def strum(span: float, rng: random.Random) -> list[Hit]:
    return [(t, d, (), v) for t, d, v in ((0, 1, 78), (1, 0.5, 62), (1.5, 0.5, 66), (2, 1, 74), (3, 0.5, 62),
                                         (3.5, 0.5, 66)) if t < span]


def arpeggio(span: float, rng: random.Random) -> list[Hit]:
    return [(i * 0.5, 0.5, (i % 4 if i % 4 < 3 else 1,), 64) for i in range(int(span * 2))]


def alberti(span: float, rng: random.Random) -> list[Hit]:
    order = (0, 2, 1, 2)
    return [(i * 0.5, 0.5, (order[i % 4],), 58) for i in range(int(span * 2))]


def shuffle(span: float, rng: random.Random) -> list[Hit]:
    return [(b + off, 0.3, (), 66 if off else 72) for b in range(int(span)) for off in (0.0, 2 / 3)]


def montuno(span: float, rng: random.Random) -> list[Hit]:
    return [(t, 0.4, (), 70) for t in (0.0, 0.75, 1.5, 2.5, 3.0) if t < span]


PATTERNS = {f.__name__: f for f in (block, sustain, pulse, stab, skank, power, strum, arpeggio, alberti, shuffle,
                                     montuno)}


def _pitches(voiced: tuple[int, ...], chord: Chord, voices: Voices, third: bool = False) -> tuple[int, ...]:
    if voices == ("power",):
        return power_voicing(chord, third)
    if not voices:
        return voiced
    return tuple(voiced[int(i) % len(voiced)] for i in voices)


def power_voicing(chord: Chord, third: bool) -> tuple[int, ...]:
    """Root, fifth and octave from the low E string up; with `third`, the chord's third a tenth above the root (a
    power chord is neither major nor minor, and the guitar's overtones then make a minor key sound major)."""
    low = 40 + (chord.root - 4) % 12
    pcs = chord.pitch_classes()
    tenth = (low + 12 + (pcs[1] - low) % 12,) if third and len(pcs) >= 3 else ()
    return (low, low + 7, low + 12) + tenth


def with_third_above(voiced: tuple[int, ...], chord: Chord) -> tuple[int, ...]:
    """The voicing with the chord's third doubled above its top note: the tone that tells major from minor (and,
    in V, the leading tone) weighs as much as the root and fifth that the instruments' overtones reinforce."""
    pcs = chord.pitch_classes()
    if len(pcs) < 3 or chord.quality == "power":
        return voiced
    top = voiced[-1]
    third = top + ((pcs[1] - top) % 12 or 12)
    return voiced + (third,)


def comp_part(pattern: str, chords: tuple[ChordSpan, ...], rng: random.Random, centre: int = 62,
              third_above: bool = False) -> list[Note]:
    notes, prev = [], None
    for span in chords:
        voiced = voicing(span.chord, prev, centre)
        prev = voiced
        if third_above:
            voiced = with_third_above(voiced, span.chord)
        for onset, length, voices, vel in PATTERNS[pattern](span.duration, rng):
            if onset >= span.duration:
                continue
            length = min(length, span.duration - onset)
            pitches = _pitches(voiced, span.chord, voices, third_above)
            notes += [Note(p, span.start + onset, length, vel) for p in pitches]
    return notes
