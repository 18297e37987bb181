"""Melodies: a motif per section type, developed across 4-bar phrases; chord tones on strong beats, scale tones
between; a rising-then-falling arc per phrase; a long note and a breath at each phrase end."""
from __future__ import annotations

import bisect
import random
from dataclasses import dataclass

from generators.piece import ChordSpan, Note, Section
from generators.theory import Key


@dataclass(frozen=True)
class Motif:
    rhythm: tuple[tuple[float, float], ...]
    """(onset, length) in beats within one bar."""
    contour: tuple[int, ...]
    """Scale steps from the phrase line at each onset."""


def make_motif(rng: random.Random, bar_beats: float, step: float, density: float) -> Motif:
    slots = int(round(bar_beats / step))
    onsets = [0] + [i for i in range(1, slots) if rng.random() < density]
    rhythm = []
    for j, i in enumerate(onsets):
        nxt = onsets[j + 1] if j + 1 < len(onsets) else slots
        rhythm.append((i * step, (nxt - i) * step * rng.choice((0.9, 1.0, 1.0))))
    contour = tuple(rng.choice((-2, -1, -1, 0, 1, 1, 2)) for _ in rhythm)
    return Motif(tuple(rhythm), contour)


def _scale_pitches(key: Key, low: int, high: int) -> list[int]:
    scale = set(key.scale())
    return [p for p in range(low, high + 1) if p % 12 in scale]


def _nearest(pitches: list[int], target: float) -> int:
    return min(pitches, key=lambda p: abs(p - target))


def chord_at(chords: tuple[ChordSpan, ...], starts: list[float], beat: float) -> ChordSpan:
    """The chord sounding at `beat` (`starts`: the chords' start beats, in order)."""
    return chords[max(0, bisect.bisect_right(starts, beat) - 1)]


def _arc(position: float) -> float:
    """Phrase contour in semitones: rises to a peak two thirds in, then falls back."""
    return 5 * (position / 0.66 if position < 0.66 else (1 - position) / 0.34)


def melody_part(key: Key, chords: tuple[ChordSpan, ...], sections: tuple[Section, ...], bar_beats: float,
                register: int, density: float, step: float, rng: random.Random, velocity: int) -> list[Note]:
    starts = [c.start for c in chords]
    scale = _scale_pitches(key, register - 9, register + 12)
    motifs: dict[str, Motif] = {}
    notes = []
    for section in sections:
        if section.label in ("intro", "outro"):
            continue
        motif = motifs.setdefault(section.label, make_motif(rng, bar_beats, step, density))
        lift = 3 if section.label == "chorus" else 0
        bars = max(1, int(section.duration // bar_beats))
        for b in range(bars):
            bar_start = section.start + b * bar_beats
            phrase_pos = (b % 4) / 4
            if b % 4 == 3 or b == bars - 1:
                notes += _cadence_note(bar_start, bar_beats, chords, starts, scale, register + lift)
                continue
            shift = (b % 4) - (1 if b % 4 == 2 else 0)  # sequence: the motif climbs, then answers
            for (onset, length), c in zip(motif.rhythm, motif.contour):
                beat = bar_start + onset
                target = register + lift + _arc(phrase_pos + onset / bar_beats / 4) + 2 * (c + shift)
                strong = abs(onset - round(onset)) < 1e-6 and int(round(onset)) % 2 == 0
                pool = scale
                if strong:
                    pcs = chord_at(chords, starts, beat).chord.pitch_classes()
                    pool = [p for p in scale if p % 12 in pcs] or scale
                vel = velocity + (8 if strong else 0) + rng.randint(-4, 4)
                notes.append(Note(_nearest(pool, target), beat, length, max(1, min(127, vel))))
    return notes


def _cadence_note(bar_start: float, bar_beats: float, chords: tuple[ChordSpan, ...], starts: list[float],
                  scale: list[int], centre: float) -> list[Note]:
    """A held chord tone for most of the bar, then a breathing rest."""
    pcs = chord_at(chords, starts, bar_start).chord.pitch_classes()
    pool = [p for p in scale if p % 12 in pcs] or scale
    return [Note(_nearest(pool, centre), bar_start, bar_beats * 0.75, 84)]
