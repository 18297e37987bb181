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


def peak_envelope(audio: np.ndarray) -> np.ndarray:
    """Each frame's true peak: the largest magnitude of the 4x oversampled signal between it and the next, over
    the channels (BS.1770 estimates inter-sample peaks this way)."""
    from scipy.signal import resample_poly

    if len(audio) == 0:
        return np.zeros(0, np.float32)
    over = resample_poly(np.ascontiguousarray(audio, dtype=np.float32), 4, 1, axis=0)
    np.abs(over, out=over)
    envelope: np.ndarray = over.reshape(len(audio), -1).max(axis=1)  # a frame's 4 phases × channels in a row
    return envelope


def true_peak(audio: np.ndarray) -> float:
    """Peak of the 4x oversampled signal (linear)."""
    return float(peak_envelope(audio).max()) if len(audio) else 0.0


def limiter_gain(peak: np.ndarray, ceiling: float, sample_rate: int, release_s: float = 0.08) -> np.ndarray:
    """A look-ahead-free peak limiter's gain for a peak envelope: it falls at once to keep the peak at or under the
    ceiling and recovers smoothly."""
    from scipy.ndimage import maximum_filter1d
    from scipy.signal import lfilter

    need = np.minimum(1.0, ceiling / np.maximum(peak, 1e-9))
    window = max(1, int(0.005 * sample_rate))
    need = -maximum_filter1d(-need, size=2 * window + 1)  # open the gain dip around each peak
    a = np.exp(-1.0 / (release_s * sample_rate))
    smooth = lfilter([1 - a], [1, -a], need - 1.0) + 1.0  # smoothed recovery
    gain: np.ndarray = np.minimum(need, smooth).astype(np.float32)
    return gain


def preview_gain(head: np.ndarray, sample_rate: int, target: float = TARGET_LUFS, max_db: float = 12.0) -> float:
    """The gain that brings the first seconds of a render to the target: for playing while the rest renders,
    before the whole piece can be mastered. At most +max_db, so a quiet intro is not blown up."""
    level = loudness(head, sample_rate)
    return 1.0 if not np.isfinite(level) else float(10 ** (min(max_db, target - level) / 20))


def master(audio: np.ndarray, sample_rate: int, target: float = TARGET_LUFS,
           ceiling_dbtp: float = CEILING_DBTP) -> np.ndarray:
    """Gain to the target loudness, then limit so the true peak stays under the ceiling. The 4x oversampling, the
    costly part, is done once: gains scale the true-peak envelope exactly, and the limiter's gain is constant
    across the few samples the oversampling filter spans around a peak, so the envelope is carried along."""
    level = loudness(audio, sample_rate)
    if not np.isfinite(level):
        return audio.astype(np.float32)
    gain = 10 ** ((target - level) / 20)
    out = (audio * gain).astype(np.float32)
    peak = peak_envelope(audio) * gain
    ceiling = 10 ** (ceiling_dbtp / 20)
    for _ in range(4):
        if peak.max() <= ceiling:
            break
        limited = limiter_gain(peak, ceiling * 0.94, sample_rate)
        out, peak = out * limited[:, None], peak * limited
        gain = min(10 ** ((target - loudness(out, sample_rate)) / 20), ceiling / max(1e-9, float(peak.max())))
        out, peak = (out * gain).astype(np.float32), peak * gain
    return np.clip(out, -ceiling, ceiling)
