"""Is what just started at the microphone the user, or maestro's own output that the echo canceller let through?

AEC3 loses the echo for a few hundred ms when the echo's delay against the reference moves (at an output restart,
or when the input's count is snapped back to its clock). What it lets through is maestro's own voice at nearly its
full level, and Silero rates it as speech: the reply was hushed by its own echo (8 of 30 replies talked over in
session 13) and the leak could become a request.

Such a leak is told from the user by how the levels of the microphone, in five bands, move with those of what was
played, at the best of the lags 0-300 ms (the room's delay is not known after a jump), over the last 250 ms:
- 18 leaks dumped from the interrupt bench (sessions 13-14): 0.89-1.00 with the raw microphone, 0.63-0.99 with the
  canceller's output; 6 more traced live: 0.85-1.00, and 0.26-0.46 with the output in 3 of them;
- a voice said over a reply at 0 and +6 dB, 88 cases from the same dumps, at the frame where the cutter would
  start: 0.01-0.99 and -0.36-0.82; 1 of 88 was taken for a leak (0.99 and 0.82, at +6 dB);
- "stop" said over a reply live (the same bench, 77 traced): -0.12-0.52 with the raw microphone.
A start is taken for a leak when the raw microphone follows closely, or follows and the cancelled signal does
too (or, just after a leak, when the raw microphone still follows). Requests over music (bench_barge_in) were
understood as often with the check as without (0.933 / 0.900 at 0 / +6 dB). Its limits: in a room with a long tail
(0.3 s) the echo follows its reply at only 0.8-0.99, so fewer leaks are caught there; and a voice that starts while
a leak is held may start a little later."""
from __future__ import annotations

import numpy as np

WINDOW_S = 0.25
"""The span compared: the last 250 ms before a speech start."""
MAX_LAG_S = 0.3
"""The echo's delay behind the reference is searched from 0 to this (measured here: 60-170 ms)."""
HOP_S, FRAME_S = 0.01, 0.02
BANDS_HZ = (100, 500, 1000, 2000, 4000, 8000)
NEAR_FOLLOWS = 0.9
"""The raw microphone's band levels move with the reference's at least this much: it holds nothing else."""
OUT_FOLLOWS = 0.6
"""And the canceller's output still follows the reference this much: the canceller let the echo through."""
NEAR_ALONE = 0.95
"""The raw microphone following this much is a leak whatever the canceller's output does: in 3 of 6 leaks live
it followed 0.85-0.97 while AEC3's output, partly cancelled, followed only 0.26-0.46."""
HOLD_S = 1.0
HELD_NEAR = 0.85
"""Within HOLD_S of a leak found, the raw microphone following this much is enough for what starts to be the same
leak: AEC3 takes 1-2 s to find a delay that jumped by 80 ms or more, and lets the reply through again and again
meanwhile, the cancelled signal not always following (0.38 once). A voice soon moves the raw microphone its own
way. (With either signal enough, one rehearsal failed test_talking_over_a_reply_cuts_it: the reply sounded on 1.25 s
after the user began, likely held back so; not seen in 9 runs since.)"""
FLOOR_DB = -70.0


def band_levels(x: np.ndarray, rate: int) -> np.ndarray:
    """Frames × bands: the level (dB) of each band in FRAME_S frames every HOP_S."""
    hop, size = round(HOP_S * rate), round(FRAME_S * rate)
    if len(x) < size:
        return np.zeros((0, len(BANDS_HZ) - 1))
    frames = np.lib.stride_tricks.sliding_window_view(x, size)[::hop] * np.hanning(size)
    power = np.abs(np.fft.rfft(frames, axis=1)) ** 2
    edges = [round(hz * size / rate) for hz in BANDS_HZ]
    bands = np.add.reduceat(power[:, :edges[-1]], edges[:-1], axis=1)
    return np.maximum(10 * np.log10(bands + 1e-12), FLOOR_DB)


def follows(heard: np.ndarray, played: np.ndarray, rate: int) -> float:
    """The best correlation, over lags 0..MAX_LAG_S, between how the band levels of `heard` (the last WINDOW_S)
    move and how those of `played` as long before move (`played` ends where `heard` does and is MAX_LAG_S longer);
    each band's mean is taken out, so that two sounds with the same spectral tilt do not follow each other for
    that. -1 when either holds no change to follow."""
    return levels_follow(band_levels(heard, rate), band_levels(played, rate))


def levels_follow(near: np.ndarray, far: np.ndarray) -> float:
    """`follows`, from the band levels of what was heard and of what was played."""
    frames = len(near)
    if frames == 0 or len(far) < frames:
        return -1.0
    near = (near - near.mean(axis=0)).ravel()
    shifted = np.stack([far[lag:lag + frames] for lag in range(len(far) - frames + 1)])
    shifted = (shifted - shifted.mean(axis=1, keepdims=True)).reshape(len(shifted), -1)
    spread, own = np.linalg.norm(shifted, axis=1), np.linalg.norm(near)
    ok = spread >= np.sqrt(near.size)  # at least 1 dB of movement
    if own < np.sqrt(near.size) or not ok.any():
        return -1.0
    return float(np.max(shifted[ok] @ near / spread[ok]) / own)


class Check:
    """The recent microphone (raw and cancelled) and reference, fed block by block as the cutter takes them."""

    def __init__(self, rate: int):
        self.rate = rate
        self._window = round(WINDOW_S * rate)
        size = self._window + round(MAX_LAG_S * rate)
        self._near, self._out, self._far = (np.zeros(size, np.float32) for _ in range(3))
        self._taken = 0
        """Samples added in all."""
        self._leak_at: int | None = None
        """When (in samples added) a leak was last found."""

    def add(self, out: np.ndarray, near: np.ndarray, far: np.ndarray) -> None:
        for ring, block in ((self._out, out), (self._near, near), (self._far, far)):
            n = min(len(block), len(ring))
            if n:
                ring[:-n] = ring[n:]
                ring[-n:] = block[-n:]
        self._taken += len(near)

    def leaked(self) -> bool:
        """What the microphone holds now is maestro's own output that the canceller let through."""
        played = band_levels(self._far, self.rate)  # once for both
        near = levels_follow(band_levels(self._near[-self._window:], self.rate), played)
        out = levels_follow(band_levels(self._out[-self._window:], self.rate), played)
        held = self._leak_at is not None and self._taken - self._leak_at <= HOLD_S * self.rate
        if near >= NEAR_ALONE or (near >= NEAR_FOLLOWS and out >= OUT_FOLLOWS) or (held and near >= HELD_NEAR):
            self._leak_at = self._taken
            return True
        return False
