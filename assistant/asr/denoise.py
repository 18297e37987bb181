"""Steady noise (a fan, air conditioning, pink noise) taken out of an utterance before Whisper hears it, by WebRTC's
noise suppressor (pywebrtc-audio, 10 ms frames). Music and other changing sounds are left as they are: the
suppressor damages speech over them (bench_noise's requests over music at 10 dB: 0.905 understood with it, 0.960
without; over pink noise: 0.950 with it, 0.935 without; session 12).

Whether the room's sound is steady is read from the utterance's first LEAD_S, which is the microphone's pre-roll,
before the speech: how much the energy of 16 bands moves from one 32 ms frame to the next there. Pink noise and a
quiet room measured 0.13-0.16, music 0.23-1.18. What is said while maestro plays is not denoised
(asr.OverSound): the canceller's output over music was understood less well denoised, 26 of 30 against 28."""
from __future__ import annotations

import numpy as np

LEAD_S = 0.3
STEADY = 0.2
"""Below this spread (the mean over bands of the standard deviation of log10 band energy), the sound is steady."""
LEVEL = 1
"""The suppressor's level, 0-3 (3 understood 0.945 over pink noise at 10 dB, 1 understood 0.950)."""
FRAME = 512
BANDS = 16


def spread(audio: np.ndarray) -> float:
    """How much the band energies of `audio` move from frame to frame."""
    frames = audio[:len(audio) // FRAME * FRAME].reshape(-1, FRAME)
    if len(frames) < 2:
        return float("inf")
    power = np.abs(np.fft.rfft(frames * np.hanning(FRAME), axis=1)) ** 2
    bands = np.stack([band.sum(axis=1) for band in np.array_split(power, BANDS, axis=1)], axis=1)
    return float(np.mean(np.std(np.log10(bands + 1e-12), axis=0)))


def denoised(audio: np.ndarray, rate: int = 16000) -> np.ndarray:
    """`audio` (float32 mono) with steady noise suppressed, or as it is when the sound before the speech changes."""
    if spread(audio[:int(LEAD_S * rate)]) >= STEADY:
        return audio
    from pywebrtc_audio import NoiseSuppressor

    suppressor, step = NoiseSuppressor(rate, 1, LEVEL), rate // 100
    whole = np.ascontiguousarray(audio[:len(audio) // step * step], np.float32)
    return np.concatenate([suppressor.process(whole[i:i + step]) for i in range(0, len(whole), step)] or [audio[:0]])
