"""A recording → the tune in it, or the reason there is none: the first 30 s at basic-pitch's rate, the notes
heard (transcribe.py), and the tune on its grid (quantize.py). Speech is not a tune: its pitched syllables are
short and far apart, so a recording counts as sung only when notes sound through most of the span they cover."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from generators.hum import quantize, transcribe
from generators.hum.quantize import HummedTune

MAX_S = 30.0
"""Longer recordings are cut to their first 30 s."""
SUNG = 0.6
"""The fraction of the span from the first note to the last that notes must fill (the hum set's first eight
tunes: 0.80-0.94; five piper requests: 0.03-0.56)."""


@dataclass(frozen=True)
class Hearing:
    tune: HummedTune | None
    """None when no tune was heard (silence, speech, noise)."""
    seconds: float
    """The recording's length."""
    heard: tuple[transcribe.Heard, ...] = ()
    """The notes transcribed, before the tune was made of them."""

    @property
    def cut(self) -> bool:
        """Only the first MAX_S seconds were listened to."""
        return self.seconds > MAX_S


def sung(heard: list[transcribe.Heard]) -> bool:
    if len(heard) < quantize.MIN_NOTES:
        return False
    span = heard[-1].offset - heard[0].onset
    return sum(h.offset - h.onset for h in heard) >= SUNG * span


def hear(audio: np.ndarray, rate: int) -> Hearing:
    """Mono float audio at any rate."""
    import soxr

    seconds = len(audio) / rate
    clip = audio[: int(MAX_S * rate)].astype(np.float32)
    if rate != transcribe.RATE:
        clip = soxr.resample(clip, rate, transcribe.RATE).astype(np.float32)
    if not np.any(np.abs(clip) > 1e-4):
        return Hearing(None, seconds)
    heard = transcribe.notes(clip / max(1e-9, float(np.abs(clip).max())) * 0.7)
    tune = quantize.tune_of(heard) if sung(heard) else None
    return Hearing(tune, seconds, tuple(heard))
