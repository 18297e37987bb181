"""The key finder, one for everything maestro hears: a hummed tune's notes, a recording's chroma and a MIDI file's
notes. Each becomes `Evidence`: how much each pitch class sounds in all, at the opening and at the close. A key is
scored by a linear model per mode over that evidence turned to the key's tonic, so the 24 keys share 2 × 49 weights.

The weights (generators/learn/weights/keys.json) come from `python -m generators.learn.keys`, one table per kind
of evidence: "tune" is naive Bayes over folk-tune openings (its weights are log-probabilities), "audio" and "notes"
are multinomial logistic regressions over renders with a written key. The data, the split and the figures are in
that module's docstring."""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from generators.theory import Key, key_from_pc

TABLE_FILE = Path(__file__).parent / "learn" / "weights" / "keys.json"
MODES = ("major", "minor")
KINDS = ("tune", "audio", "notes")
EDGE_S = 2.0
"""Seconds of sound that make a recording's or a MIDI file's opening and close."""


@dataclass(frozen=True)
class Evidence:
    """What a key is judged on. Each field has 12 values, indexed by pitch class (C = 0)."""

    kind: str
    """Which table scores it: "tune", "audio" or "notes"."""
    overall: tuple[float, ...]
    """How much each pitch class sounds over the whole (a tune: beats on it, scaled to one unit a note)."""
    opening: tuple[float, ...]
    """What sounds first (a tune: its first note, one-hot)."""
    closing: tuple[float, ...]
    """What sounds last (a tune: its last note, one-hot)."""
    bass: tuple[float, ...] = (0.0,) * 12
    """What sounds lowest (a tune has none: zeros)."""

    def features(self, tonic: int) -> np.ndarray:
        """The 48 values seen from a tonic (degree 0 first), then 1 for the bias."""
        parts = [np.roll(np.asarray(v, float), -tonic) for v in (self.overall, self.opening, self.closing, self.bass)]
        return np.concatenate(parts + [np.ones(1)])


@cache
def tables() -> dict[str, dict[str, np.ndarray]]:
    """Per kind, per mode: 49 weights (12 each for overall, opening, closing and bass, then the bias)."""
    raw = json.loads(TABLE_FILE.read_text())
    return {kind: {mode: np.asarray(raw[kind][mode], float) for mode in MODES} for kind in KINDS}


def ranked(evidence: Evidence, table: dict[str, np.ndarray] | None = None) -> list[tuple[Key, float]]:
    """The 24 keys, best first, with their probabilities under the model: the shipped table for the evidence's
    kind, or `table` (per mode, 49 weights: one being learned)."""
    table = table if table is not None else tables()[evidence.kind]
    keys, scores = [], []
    for mode in MODES:
        for tonic in range(12):
            keys.append(key_from_pc(tonic, mode))
            scores.append(float(evidence.features(tonic) @ table[mode]))
    z = np.asarray(scores)
    p = np.exp(z - z.max())
    p /= p.sum()
    order = np.argsort(-p, kind="stable")
    return [(keys[i], float(p[i])) for i in order]


def key_of(evidence: Evidence) -> Key:
    return ranked(evidence)[0][0]


def _share(values: np.ndarray) -> tuple[float, ...]:
    total = float(values.sum())
    return tuple(float(v) for v in (values / total if total > 0 else values))


def of_tune(pitches: Sequence[int], lengths: Sequence[float]) -> Evidence:
    """A monophonic tune: beats on each pitch class (scaled to one unit a note), its first note and its last."""
    p = np.asarray(pitches, int)
    time_on = np.zeros(12)
    np.add.at(time_on, p % 12, np.asarray(lengths, float))
    time_on *= len(p) / max(time_on.sum(), 1e-9)
    first, last = np.zeros(12), np.zeros(12)
    first[p[0] % 12] = last[p[-1] % 12] = 1.0
    return Evidence("tune", tuple(float(v) for v in time_on), tuple(first), tuple(last))


def of_chroma(chroma: np.ndarray, energy: np.ndarray, frame_s: float, bass: np.ndarray) -> Evidence:
    """A recording: its chroma (12 × frames), each frame's energy, and the energy of each pitch class below C3 over
    the whole. The opening and the close are the first and the last EDGE_S seconds of frames that sound (above 1%
    of the loudest)."""
    sounding = np.flatnonzero(energy > 0.01 * max(float(energy.max()), 1e-12)) if energy.size else np.zeros(0, int)
    edge = max(1, round(EDGE_S / frame_s))
    weighted = chroma * energy[None, :]
    first, last = sounding[:edge], sounding[-edge:]
    return Evidence("audio", _share(weighted.sum(axis=1)), _share(weighted[:, first].sum(axis=1)),
                    _share(weighted[:, last].sum(axis=1)), _share(np.asarray(bass, float)))


def of_notes(notes: Sequence[tuple[int, float, float]]) -> Evidence:
    """Pitched notes as (MIDI pitch, start s, end s): seconds on each pitch class, what sounds in the first and the
    last EDGE_S seconds, and the lowest sounding note's pitch class, looked at ten times a second."""
    overall, opening, closing = np.zeros(12), np.zeros(12), np.zeros(12)
    if not notes:
        return Evidence("notes", tuple(overall), tuple(opening), tuple(closing))
    begin, end = min(n[1] for n in notes), max(n[2] for n in notes)
    for pitch, start, stop in notes:
        overall[pitch % 12] += stop - start
        opening[pitch % 12] += max(0.0, min(stop, begin + EDGE_S) - start)
        closing[pitch % 12] += max(0.0, stop - max(start, end - EDGE_S))
    return Evidence("notes", _share(overall), _share(opening), _share(closing), _share(_lowest(notes, begin, end)))


def _lowest(notes: Sequence[tuple[int, float, float]], begin: float, end: float, rate: float = 10.0) -> np.ndarray:
    """Frames (at `rate` a second) in which each pitch class is the lowest note sounding."""
    frames = max(1, int(np.ceil((end - begin) * rate)))
    roll = np.zeros((128, frames), bool)
    for pitch, start, stop in notes:
        roll[pitch, int((start - begin) * rate):max(int((start - begin) * rate) + 1, int((stop - begin) * rate))] = True
    sounding = roll.any(axis=0)
    counts = np.zeros(12)
    np.add.at(counts, np.argmax(roll[:, sounding], axis=0) % 12, 1.0)
    return counts
