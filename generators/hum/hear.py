"""A recording → the tune in it, or the reason there is none: the first 30 s at basic-pitch's rate, the notes
heard (transcribe.py), and the tune on its grid (quantize.py). Speech is not a tune: its pitched syllables are
short and far apart, so a recording counts as sung only when notes sound through most of the span they cover."""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from generators.hum import quantize, transcribe
from generators.hum.quantize import HummedTune

MAX_S = 30.0
"""Longer recordings are cut to their first 30 s."""
SUNG = 0.6
"""The fraction of the span from the first note to the last that notes must fill (the hum set's first eight
tunes: 0.80-0.94; five piper requests: 0.03-0.56)."""


HIGH_HZ = 1000.0
"""A voice whose usual pitch is above this (a whistle) is heard slowed down, an octave lower per doubling (at most
two): basic-pitch misses pure tones that high. The hum set whistled (generators.hum.evaluate --whistle, 2026-12-02)
two octaves up: note F-measure 0.916 → 0.906, keys 0.85 → 0.90, notes in order 0.87 → 0.91; three octaves up
(tunes to 3.7 kHz): F-measure 0.72 → 0.76, 36 of 40 heard either way."""


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


def usual_pitch_hz(clip: np.ndarray) -> float:
    """The median over the louder frames of each frame's strongest frequency."""
    frames = np.lib.stride_tricks.sliding_window_view(clip, 2048)[::512]
    if not len(frames):
        return 0.0
    spectrum = np.abs(np.fft.rfft(frames * np.hanning(2048), axis=1))
    level = spectrum.max(axis=1)
    loud = level > 0.1 * level.max()
    return float(np.median(np.argmax(spectrum[loud], axis=1))) * transcribe.RATE / 2048


def _heard(clip: np.ndarray) -> list[transcribe.Heard]:
    """The notes, heard from a recording slowed by 2^k (an octave lower per step) when the voice is high."""
    import soxr

    octaves = 0
    usual = usual_pitch_hz(clip)
    while usual / 2 ** octaves > HIGH_HZ and octaves < 2:
        octaves += 1
    if not octaves:
        return transcribe.notes(clip)
    slow = 2 ** octaves
    lowered = soxr.resample(clip, transcribe.RATE / slow, transcribe.RATE).astype(np.float32)
    return [replace(h, onset=h.onset / slow, offset=h.offset / slow, pitch=h.pitch + 12 * octaves)
            for h in transcribe.notes(lowered)]


def hear(audio: np.ndarray, rate: int) -> Hearing:
    """Mono float audio at any rate."""
    import soxr

    seconds = len(audio) / rate
    clip = audio[: int(MAX_S * rate)].astype(np.float32)
    if rate != transcribe.RATE:
        clip = soxr.resample(clip, rate, transcribe.RATE).astype(np.float32)
    if not np.any(np.abs(clip) > 1e-4):
        return Hearing(None, seconds)
    heard = _heard(clip / max(1e-9, float(np.abs(clip).max())) * 0.7)
    tune = quantize.tune_of(heard) if sung(heard) else None
    return Hearing(tune, seconds, tuple(heard))
