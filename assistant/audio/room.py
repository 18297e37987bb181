"""A synthetic room for the echo tests and the bench: what the speaker plays reaches the microphone after a delay,
through a reverberant tail (an impulse response of exponentially decaying noise), and the echo-return-loss
enhancement says how much of it a canceller took out."""
from __future__ import annotations

import numpy as np

DIRECT_DB = 6.0
"""Direct-to-reverberant ratio: how much louder the speaker's direct sound is than the room's tail at the microphone
(a laptop's or a smart speaker's own microphone, centimetres from the speaker)."""


def impulse_response(rate: int, delay_s: float, decay_s: float, seed: int = 0,
                     direct_db: float = DIRECT_DB) -> np.ndarray:
    """A direct path after `delay_s`, then a tail of decaying noise that falls 60 dB over `decay_s` (its RT60),
    `direct_db` under the direct path in energy."""
    rng = np.random.default_rng(seed)
    delay, tail = int(delay_s * rate), max(2, int(decay_s * rate))
    t = np.arange(1, tail) / rate
    reverb = rng.normal(0, 1, tail - 1) * 10 ** (-3 * t / decay_s)
    reverb *= np.sqrt(10 ** (-direct_db / 10) / np.sum(reverb ** 2))
    ir = np.zeros(delay + tail, np.float32)
    ir[delay] = 1.0
    ir[delay + 1:] = reverb
    return ir


def echo_of(played: np.ndarray, rate: int, delay_s: float, decay_s: float, gain: float = 0.5,
            seed: int = 0) -> np.ndarray:
    """What the microphone hears of `played` (mono) in the room, as long as `played`."""
    from scipy.signal import fftconvolve

    return (gain * fftconvolve(played, impulse_response(rate, delay_s, decay_s, seed))[:len(played)]).astype(
        np.float32)


def erle_db(echo: np.ndarray, residual: np.ndarray) -> float:
    """Echo-return-loss enhancement: the echo's energy over what is left of it, in dB."""
    return float(10 * np.log10(np.sum(echo.astype(np.float64) ** 2) / max(1e-20, float(np.sum(
        residual.astype(np.float64) ** 2)))))
