"""The start of the user's words over maestro's own output, given back from what AEC3's suppressor took.

Where the user starts talking over a reply, AEC3's suppressor holds its output tens of dB down for the first
50-250 ms of the voice (it cannot tell the voice from the echo yet): the "st" of "stop" is lost and Whisper hears
"Ah." (sessions 12-13, from dumps of the live interrupt bench). The raw microphone still has it.

So, over an utterance heard with the canceller on, each bin of a short-time spectrum where the raw microphone is
well over the loudest echo that what was played could make there is taken from the raw microphone, less that echo
(spectral subtraction), wherever that is louder than what the canceller let through. The loudest echo a bin can
hold is the reference's power in that bin at the worst of the lags 0-300 ms, times the room's gain in that bin:
the PERCENTILE-th of the raw microphone's ratio to it over LEARN_S before the utterance, where only the echo was
heard. A bin the canceller let through keeps the canceller's output, so a user talking where nothing plays gets
back what they said, unchanged.

Measured (the same utterances, given back or not; Whisper base, as the session hears what is said while it plays):
- the live interrupt test (test_echo.py, "stop" over a reply over music), 16 runs: "Stop." in 15 given back, in
  10 from the canceller's output alone ("Um.", "So.", "Da.", "");
- session 12's six dumps of the same: 5 and 4 of 6 (tiny.en: 5 and 2);
- offline, through bench_echo's rooms and AEC3, a reply over music and a request said over it, the reply hushed
  at its speech start: 33 held-out requests at 0 dB, 30 and 28 understood; ten short commands ("stop", "hold on",
  "louder", ...) six times each, at +6 dB 48 and 45 of 57 cut, at +12 dB 52 and 52 of 60.
With the room's gain taken as the median, or a margin of 3 dB, the reply's own words came back ("Right, stop.")."""
from __future__ import annotations

import collections

import numpy as np

LEARN_S = 1.25
"""The span before the utterance from which the room's gain is learnt."""
MAX_LAG_S = 0.3
"""The echo's delay and tail behind the reference, searched up to this (measured here: 60-170 ms delay)."""
PERCENTILE = 90
MARGIN_DB = 6.0
"""A bin is the user's where the raw microphone is this much over the loudest echo it could hold."""
MIN_PLAYED_S = 0.25
"""RoomGain learns a bin's gain from a span only where something was played in it for this long."""
WINDOW, HOP = 512, 160
NOTHING_PLAYED = 1e-10
"""A bin's echo bound under this (about -100 dB) holds nothing of what was played: the room's gain is not learnt
from it. Learnt from such frames, where the microphone hears no echo at all (headphones, a room without the
harness's loop), the gain came out at 1 (silence over silence), the ceiling at the music's own level, and a voice
over the music was left as AEC3 had damaged it: "What he is this end?" for "what key is this in", in 3 of 3 live
runs of test_audio's spoken requests with the canceller on (session 16); with this, "What key is this end?"."""


def _spectrum(x: np.ndarray, window: np.ndarray) -> np.ndarray:
    """Frames (HOP apart) × bins."""
    frames = np.lib.stride_tricks.sliding_window_view(x, WINDOW)[::HOP] * window
    return np.fft.rfft(frames, axis=1)


def _overlap_add(spectrum: np.ndarray, window: np.ndarray, like: np.ndarray) -> np.ndarray:
    """The signal back from `_spectrum`; where its frames do not cover, `like`'s samples."""
    frames = np.fft.irfft(spectrum, WINDOW, axis=1) * window
    at = (np.arange(len(frames))[:, None] * HOP + np.arange(WINDOW)).ravel()
    y = np.bincount(at, frames.ravel(), len(like))
    weight = np.bincount(at, np.tile(window ** 2, len(frames)), len(like))
    covered = weight > 1e-3
    return np.where(covered, y / np.where(covered, weight, 1.0), like).astype(np.float32)


def _loudest_before(power: np.ndarray, frames: int) -> np.ndarray:
    """For each frame, the largest power of each bin over it and the `frames` - 1 before it."""
    out = power.copy()
    for lag in range(1, min(frames, len(power))):
        np.maximum(out[lag:], power[:-lag], out=out[lag:])
    return out


def _room_gain(p_raw: np.ndarray, echo: np.ndarray) -> np.ndarray:
    """Each bin's PERCENTILE-th of raw ÷ echo bound over the frames where something was played in it (linear
    between the two nearest, as np.percentile); 0 where nothing was. Sorted once for all bins: np.nanpercentile
    took 7 ms here for LEARN_S, this 0.4 ms, and the session asks for it every VAD frame while it plays."""
    played = echo >= NOTHING_PLAYED
    ratio = np.sort(np.where(played, p_raw / np.where(played, echo, 1.0), np.inf), axis=0)
    n = played.sum(axis=0)
    at = (np.maximum(n, 1) - 1) * PERCENTILE / 100
    low = np.floor(at).astype(int)
    high = np.minimum(low + 1, np.maximum(n - 1, 0))
    bins = np.arange(ratio.shape[1])
    below, above = ratio[low, bins], ratio[high, bins]
    with np.errstate(invalid="ignore"):  # inf - inf in bins where nothing was played
        gain = np.where(high > low, below + (above - below) * (at - low), below)
    return np.where(n > 0, gain, 0.0)


class RoomGain:
    """The room's gain in each bin, remembered: learnt (_room_gain) from each span in the bins where something was
    played for at least MIN_PLAYED_S of it, and kept in the others (the room does not change when maestro falls
    silent). Without it, a reply that starts after a silence finds nothing to learn from, each bin's gain comes out
    0, and the whole of the echo is given back as the user's."""

    def __init__(self, rate: int) -> None:
        self.gain: np.ndarray | None = None
        self._enough = round(MIN_PLAYED_S * rate / HOP)
        """Frames a bin must have been played in to be learnt from a span."""

    def learn(self, p_raw: np.ndarray, echo: np.ndarray) -> np.ndarray:
        """The gain after learning from a span's frames × bins: the raw microphone's power, and the echo bound."""
        if self.gain is None or len(self.gain) != p_raw.shape[1]:
            self.gain = np.zeros(p_raw.shape[1])
        enough = (echo >= NOTHING_PLAYED).sum(axis=0) >= self._enough
        if enough.any():
            self.gain[enough] = _room_gain(p_raw[:, enough], echo[:, enough])
        return self.gain


def _window() -> np.ndarray:
    return np.sqrt(np.hanning(WINDOW + 1)[:-1])  # periodic; squared, its overlaps add up to a constant


def _ceiling(p_raw: np.ndarray, p_far: np.ndarray, learnt: int, rate: int, room: RoomGain | None,
             margin_db: float) -> np.ndarray:
    """Frames × bins: `margin_db` over the loudest echo each bin could hold, the room's gain learnt from the first
    `learnt` frames (into `room` when one is given). Over it, a bin is the user's."""
    echo = _loudest_before(p_far, round(MAX_LAG_S * rate / HOP))
    gain = _room_gain(p_raw[:learnt], echo[:learnt]) if room is None else room.learn(p_raw[:learnt], echo[:learnt])
    ceiling: np.ndarray = gain * echo * 10 ** (margin_db / 10)
    return ceiling


def restored(out: np.ndarray, raw: np.ndarray, far: np.ndarray, before: int, rate: int,
             room: RoomGain | None = None, margin_db: float = MARGIN_DB) -> np.ndarray:
    """The utterance, out[before:], with bins that are the user's taken back from the raw microphone. `out`,
    `raw` and `far` (the canceller's output, the microphone, and what was played) cover the same span, whose first
    `before` samples precede the utterance (the room's gain is learnt there, into `room` when one is given).
    `margin_db`: how far over the loudest echo a bin must be to be the user's."""
    if before < WINDOW or len(out) < before + WINDOW or not far.any():
        return out[before:]
    window = _window()
    spectra = [_spectrum(x.astype(np.float64), window) for x in (out, raw, far)]
    p_out, p_raw, p_far = (np.abs(s) ** 2 + 1e-14 for s in spectra)
    learnt = (before - WINDOW) // HOP + 1  # frames wholly before the utterance
    keep = np.sqrt(np.clip(1 - _ceiling(p_raw, p_far, learnt, rate, room, margin_db) / p_raw, 0, 1))
    taken = keep ** 2 * p_raw > p_out
    taken[:learnt] = False
    if not taken.any():
        return out[before:]
    merged = np.where(taken, spectra[1] * keep, spectra[0])
    return _overlap_add(merged, window, out)[before:]


def over_echo(raw: np.ndarray, far: np.ndarray, learn: int, before: int, rate: int,
              margin_db: float = MARGIN_DB) -> float:
    """The share of the raw microphone's energy after its first `before` samples that lies in bins `margin_db` over
    the loudest echo that `far` could make there, the room's gain learnt from the first `learn` samples: near 0
    where the microphone holds nothing but maestro's output; 1 where nothing was played."""
    if learn < WINDOW or len(raw) < before + WINDOW or not far.any():
        return 1.0
    window = _window()
    p_raw, p_far = (np.abs(_spectrum(x.astype(np.float64), window)) ** 2 + 1e-14 for x in (raw, far))
    ceiling = _ceiling(p_raw, p_far, (learn - WINDOW) // HOP + 1, rate, None, margin_db)
    start = -(-before // HOP)  # the first frame that starts at or after `before`
    span = p_raw[start:]
    return float(np.sum(span * (span > ceiling[start:])) / np.sum(span))


class History:
    """The last `seconds` of the canceller's output, the raw microphone and the reference, block by block."""

    def __init__(self, rate: int, seconds: float, block: int):
        self._blocks: collections.deque[tuple[np.ndarray, np.ndarray, np.ndarray]] = collections.deque(
            maxlen=int(np.ceil(seconds * rate / block)) + 1)

    def add(self, out: np.ndarray, raw: np.ndarray, far: np.ndarray) -> None:
        self._blocks.append((out, raw, far))

    def last(self, n: int, skip: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The n samples (fewer if not held) of each that end `skip` samples before the newest."""
        held, blocks = 0, []
        for block in reversed(self._blocks):
            blocks.append(block)
            held += len(block[0])
            if held >= n + skip:
                break
        if not blocks:
            return (np.zeros(0, np.float32),) * 3
        joined = [np.concatenate([b[k] for b in reversed(blocks)]) for k in range(3)]
        end = len(joined[0]) - skip
        return tuple(x[max(0, end - n):end] for x in joined)  # type: ignore[return-value]
