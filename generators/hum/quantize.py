"""The notes heard → a tune: the voice's tuning taken out, the key and the tempo found, and each note snapped to
the grid and to the scale (a chromatic note held for a beat or more is kept: it was meant)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from generators.hum.transcribe import Heard
from generators.keys import key_of, of_tune
from generators.piece import Note
from generators.theory import Key

MIN_NOTES = 4
"""Fewer notes than this is not a tune."""

TUNING_WINDOW = 3
"""Notes either side whose deviation from the semitone grid says where the voice's tuning has drifted."""


def _circular_mean(deviations: np.ndarray) -> float:
    """The mean of deviations from the nearest semitone, in semitones (-0.5..0.5), taken around the circle."""
    angle = np.angle(np.mean(np.exp(2j * np.pi * deviations)))
    return float(angle / (2 * np.pi))


def semitones(pitches: Sequence[float]) -> list[int]:
    """MIDI note numbers for sung pitches: each rounded against its neighbours' tuning, so a voice that drifts up
    to half a semitone over the tune, slowly, is heard on the notes it meant."""
    p = np.asarray(pitches, float)
    deviation = p - np.round(p)
    out = []
    for i, pitch in enumerate(p):
        window = deviation[max(0, i - TUNING_WINDOW): i + TUNING_WINDOW + 1]
        out.append(int(np.round(pitch - _circular_mean(window))))
    return out


GRID = 0.25
"""Beats: notes snap to sixteenths."""
PERIODS = np.linspace(60 / 180, 60 / 60, 241)
"""Candidate beat lengths (s): 60-180 BPM."""


def beat_period(onsets: Sequence[float]) -> float:
    """The beat (s) that makes the gaps between onsets whole numbers of eighths, tolerant of a few percent of
    rubato, with a preference for 100 BPM (a beat that fits, halved or doubled, fits as well)."""
    iois = np.diff(np.asarray(onsets, float))
    iois = iois[(iois > 0.08) & (iois < 1.3)]
    if len(iois) < 2:
        return 0.6
    best, period = -1.0, 0.6
    for candidate in PERIODS:
        units = iois / (candidate / 2)
        fit = float(np.mean(np.exp(-0.5 * ((units - np.round(units)) / 0.15) ** 2)))
        prior = float(np.exp(-0.5 * (np.log2(60 / candidate / 100) / 0.6) ** 2))
        if fit * prior > best:
            best, period = fit * prior, float(candidate)
    return period


def on_the_grid(onsets: Sequence[float], offsets: Sequence[float], period: float) -> tuple[list[float], list[float]]:
    """Onsets and lengths in beats, snapped to GRID: the beat is followed through the tune (each gap, once snapped,
    says how long the beat was, and the beat moves a third of the way there), so rubato does not pile up."""
    starts, lengths, position = [0.0], [], 0.0
    for i in range(len(onsets)):
        if i + 1 < len(onsets):
            gap = onsets[i + 1] - onsets[i]
            steps = max(1, round(gap / period / GRID))
            period += (gap / (steps * GRID) - period) / 3
            position += steps * GRID
            starts.append(position)
        sounding = max(GRID, round((offsets[i] - onsets[i]) / period / GRID) * GRID)
        lengths.append(sounding)
    for i in range(len(lengths) - 1):  # legato unless there is a rest of at least half a beat
        room = starts[i + 1] - starts[i]
        lengths[i] = room if room - lengths[i] < 0.5 else lengths[i]
    return starts, lengths


HELD_BEATS = 1.0
"""A note off the scale held this long was meant, and stays."""


def in_scale(pitches: Sequence[int], lengths: Sequence[float], key: Key) -> tuple[list[int], int]:
    """Each short note off the key's scale (the raised seventh counts as in a minor key) moved to the nearest
    degree, on a tie to the one nearer the note before; the number of chromatic notes kept for being held."""
    scale = set(key.scale()) | ({(key.pc + 11) % 12} if key.is_minor else set())
    out, kept = [], 0
    for pitch, length in zip(pitches, lengths):
        if pitch % 12 in scale:
            out.append(pitch)
        elif length >= HELD_BEATS:
            out.append(pitch)
            kept += 1
        else:
            before = out[-1] if out else pitch
            options = [p for p in (pitch - 1, pitch + 1) if p % 12 in scale]
            out.append(min(options, key=lambda p: (abs(p - pitch), abs(p - before))))
    return out, kept


def bars_of(starts: Sequence[float], lengths: Sequence[float]) -> tuple[int, float]:
    """Beats to a bar (4 or 3) and where the tune starts in its first bar: the grouping and phase that put the
    most sounding time on downbeats, beyond what any beat would get by chance. Measured on the hum set's
    sung-perfectly notes: the grouping right for 34 of 40 tunes, grouping and phase for 20."""
    s, length = np.asarray(starts, float), np.asarray(lengths, float)
    best = (-np.inf, 4, 0.0)
    for bar in (4, 3):
        for phase in np.arange(0, bar, 0.5):
            position = (s + phase) % bar
            downbeat = np.isclose(position, 0) | np.isclose(position, bar)
            on_beat = np.isclose(position % 1, 0) | np.isclose(position % 1, 1)
            score = float((length * downbeat).sum() - (length * on_beat).sum() / bar)
            if score > best[0] + 1e-9:
                best = (score, bar, float(phase))
    return best[1], best[2]


@dataclass(frozen=True)
class HummedTune:
    """A hummed melody, in a key, on a grid of bars."""

    key: Key
    tempo_bpm: float
    beats_per_bar: int
    notes: tuple[Note, ...]
    """MIDI pitches; starts in beats from the first downbeat (a pickup starts inside the first bar)."""
    length_beats: float
    """Whole bars."""
    chromatic_kept: int
    """Notes off the scale kept because they were held."""

    @property
    def meter(self) -> str:
        return f"{self.beats_per_bar}/4"


def tune_of(heard: Sequence[Heard], velocity: int = 96) -> HummedTune | None:
    """The tune in the notes heard; None when fewer than MIN_NOTES were sung."""
    if len(heard) < MIN_NOTES:
        return None
    pitches = semitones([h.pitch for h in heard])
    period = beat_period([h.onset for h in heard])
    starts, lengths = on_the_grid([h.onset for h in heard], [h.offset for h in heard], period)
    key = key_of(of_tune(pitches, lengths))
    pitches, kept = in_scale(pitches, lengths, key)
    bar, phase = bars_of(starts, lengths)
    notes = tuple(Note(p, s + phase, length, velocity) for p, s, length in zip(pitches, starts, lengths))
    end = notes[-1].start + notes[-1].duration
    return HummedTune(key, float(round(60 / period)), bar, notes, float(np.ceil(end / bar - 1e-9) * bar), kept)
