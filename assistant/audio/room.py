"""A synthetic room for the echo tests and the benches: what the speaker plays reaches the microphone after a delay,
through a reverberant tail (an impulse response of exponentially decaying noise), and the echo-return-loss
enhancement says how much of it a canceller took out. Also what plays (a piece rendered as the speaker plays it)
and a voice mixed into another sound at a given level."""
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


def played(genre: str, seconds: float, seed: int = 11) -> np.ndarray:
    """A piece as the speaker plays it, mono at the microphone's rate."""
    import soxr

    from assistant.audio.constants import MUSIC_RATE, SPEECH_RATE
    from generators import engine
    from generators.compose import Request
    from generators.master import master

    music = engine.get()
    piece = music.compose(Request(genre=genre, seed=seed, duration_s=seconds))
    mono = master(engine.render(music, piece), MUSIC_RATE).mean(axis=1)
    return soxr.resample(mono, MUSIC_RATE, SPEECH_RATE).astype(np.float32)


def mixed(said: np.ndarray, noise: np.ndarray, at: int, snr_db: float,
          level_of: np.ndarray | None = None) -> np.ndarray:
    """`said` spoken from sample `at` of `noise` (the capture is as long as the noise), its active speech (louder
    than 0.01) snr_db over the noise in the same samples (over `level_of` there, when the noise is that sound
    changed, such as ducked music)."""
    speech = np.zeros(len(noise), np.float32)
    speech[at:at + len(said)] = said[:len(noise) - at]
    active = np.abs(speech) > 0.01
    level = noise if level_of is None else level_of
    gain = np.sqrt(np.mean(speech[active] ** 2) / np.mean(level[active] ** 2)) / 10 ** (snr_db / 20)
    return (speech + gain * noise).astype(np.float32)
