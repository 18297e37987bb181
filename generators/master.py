"""Mastering: loudness to -14 LUFS (ITU-R BS.1770 via pyloudnorm) under a true-peak ceiling, never clipping."""
from __future__ import annotations

import numpy as np

TARGET_LUFS = -14.0
CEILING_DBTP = -1.0


def loudness(audio: np.ndarray, sample_rate: int) -> float:
    """Integrated loudness in LUFS; -inf for silence or audio shorter than one 400 ms block."""
    import pyloudnorm

    if len(audio) < int(0.4 * sample_rate) or not np.any(audio):
        return float("-inf")
    return float(pyloudnorm.Meter(sample_rate).integrated_loudness(audio))


def true_peak(audio: np.ndarray) -> float:
    """Peak of the 4x oversampled signal (linear), as BS.1770 estimates inter-sample peaks."""
    from scipy.signal import resample_poly

    if len(audio) == 0:
        return 0.0
    return float(np.max(np.abs(resample_poly(audio, 4, 1, axis=0))))


def limit(audio: np.ndarray, ceiling: float, sample_rate: int, release_s: float = 0.08) -> np.ndarray:
    """A look-ahead-free peak limiter: the gain falls at once to keep |x| ≤ ceiling and recovers smoothly."""
    from scipy.ndimage import maximum_filter1d
    from scipy.signal import lfilter

    peak = np.max(np.abs(audio), axis=1)
    need = np.minimum(1.0, ceiling / np.maximum(peak, 1e-9))
    window = max(1, int(0.005 * sample_rate))
    need = -maximum_filter1d(-need, size=2 * window + 1)  # open the gain dip around each peak
    a = np.exp(-1.0 / (release_s * sample_rate))
    smooth = lfilter([1 - a], [1, -a], need - 1.0) + 1.0  # smoothed recovery
    gain = np.minimum(need, smooth)
    limited: np.ndarray = (audio * gain[:, None]).astype(np.float32)
    return limited


def preview_gain(head: np.ndarray, sample_rate: int, target: float = TARGET_LUFS, max_db: float = 12.0) -> float:
    """The gain that brings the first seconds of a render to the target: for playing while the rest renders,
    before the whole piece can be mastered. At most +max_db, so a quiet intro is not blown up."""
    level = loudness(head, sample_rate)
    return 1.0 if not np.isfinite(level) else float(10 ** (min(max_db, target - level) / 20))


def master(audio: np.ndarray, sample_rate: int, target: float = TARGET_LUFS,
           ceiling_dbtp: float = CEILING_DBTP) -> np.ndarray:
    """Gain to the target loudness, then limit so the true peak stays under the ceiling."""
    level = loudness(audio, sample_rate)
    if not np.isfinite(level):
        return audio.astype(np.float32)
    out = (audio * 10 ** ((target - level) / 20)).astype(np.float32)
    ceiling = 10 ** (ceiling_dbtp / 20)
    for _ in range(4):
        if true_peak(out) <= ceiling:
            break
        out = limit(out, ceiling * 0.94, sample_rate)
        level = loudness(out, sample_rate)
        out = (out * min(10 ** ((target - level) / 20), 1.0 / max(1e-9, true_peak(out) / ceiling))).astype(np.float32)
    return np.clip(out, -ceiling, ceiling)
