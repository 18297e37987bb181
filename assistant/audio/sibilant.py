"""The user's first sibilant over maestro's output: the "s" of "stop", heard before its vowel.

Silero hears a voice from its first vowel. Over maestro's reply, "stop" starts with 100-250 ms of "s" and a "t"
before it, under the reply's echo (at 0 dB, the "s" is 15 dB under it over the whole band): speech started 170-260
ms after the word's first sound (the interrupt bench; sessions 22-25), and with the path and the hush that kept
`reply_interrupt_ms` near 300. Above HIGH_HZ, though, piper's voice and its echo are weak, and an "s" is not.

So, each VAD frame while maestro's output sounds, the raw microphone's power above HIGH_HZ over the last SPAN STFT
frames is looked at bin by bin against the loudest echo the room could make there: the reference's power at the
worst of the lags 0-300 ms (onset's bound) times the room's gain in that bin (Gains) and MARGIN_DB. It is the user's
where at least SHARE of that power is over it and that much is FLOOR_DB over the band's floor (its quietest recent
level, rising RISE_DB_S: a steady hiss or noise in the room is not a start).

Measured offline (bench_capture.cut of live captures of the interrupt bench: session 22's 20 replies, and 20 each
from sessions 24 and 25 after one whole reply), from the first sound of "stop" to the speech start, median / p95 /
max in ms: 184 / 215 / 223 -> 91 / 105 / 112 (each reply cut 0.3 s in: the room never learnt, PRIOR_GAIN); 208 /
228 / 232 -> 85 / 101 / 108; 218 / 259 / 268 -> 81 / 99 / 99. Live, `reply_interrupt_ms` 175 / 210 (session 25,
`bench_echo.measure()`; 285 / 320 in session 24). Never a start where there was none before (the same starts,
sibilant or not): replies alone through three rooms (36 each, half over music; live captures); ten minutes of
maestro's music and voice through the harness's rooms, three sets of seeds (none); 70 replies as the echo's delay
jumps (11); six words said over 10 replies each in three rooms at three gains (test_mic's _said_over_replies: 51
starts before the word and 76 words missed, as without). Cost: 0.35 ms a frame while maestro's output sounds (1%
of a core)."""
from __future__ import annotations

import numpy as np

from assistant.audio.onset import HOP, MAX_LAG_S, NOTHING_PLAYED, WINDOW, _loudest_before, _spectrum, _window

HIGH_HZ = 4000
SPAN = 2
"""STFT frames (10 ms apart, 32 ms long) looked at: the last 42 ms."""
MARGIN_DB = 8.0
SHARE = 0.4
FLOOR_DB = 15.0
RISE_DB_S = 3.0
QUIETEST_DBFS = -60.0
"""Nor under the band's share of white noise at this level: the harness's silences are digital zeros, where the
floor is nothing and a rounding error was a start."""
LEARN_BACK_S = 0.3
"""The room's gain is learnt from frames this old: the start of a voice that Silero has not heard yet is newer."""
RING = 300
"""Frames (in which something was played, per bin) the gain is learnt over: the last 3 s of each bin."""
MIN_LEARNT = 100
"""A bin's gain is known from this many frames (1 s of it played); until then it is PRIOR_GAIN. From 25, where
each reply was cut short by a long request said over it (3 frames learnt from each, its echo's first), the gain came
out low and a reply's own echo started speech 0.35 s before the request in 6 of 10 (the 80/300 ms room)."""
NEIGHBOURS = 16
"""Each bin's gain is the largest of its own and of the bins this many on either side (500 Hz): a room whose tail
differs (the harness's rooms, one random tail per reply) put a reply's own echo 8-10 dB over the bin's own gain at
its peaks, and started speech before the word in 16 of 160 replies (the 20/50 and 80/300 ms rooms, four words over
each at gains 0.5 and 2, test_mic's _said_over_replies); with this, in none, as without this module."""
PRIOR_GAIN = 4.0
"""The room's echo taken as at most 6 dB over what was played, where it is not learnt yet: a reply cut 0.3 s after
it began (its echo arriving 85 ms after it) leaves 2-3 frames to learn from. The harness's rooms: gain 0.5-2."""
SILENT_FRAMES = 30
"""After this many frames with nothing played (0.3 s), an output that begins is learnt from only once its echo has
reached the microphone: RISE over the floor heard while nothing played."""
RISE = 4.0


def _power(x: np.ndarray, frames: np.ndarray, window: np.ndarray) -> np.ndarray:
    """The power spectra of `x`'s STFT frames numbered `frames` (onset's frames, HOP apart): frames × bins."""
    at = frames[:, None] * HOP + np.arange(WINDOW)
    return np.abs(np.fft.rfft(x[at].astype(np.float64) * window, axis=1)) ** 2 + 1e-14


class Gains:
    """The room's gain in each bin: the largest ratio of the raw microphone's power to the echo bound over the last
    RING frames in which something was played in that bin. (Over ten minutes of maestro's music through the
    harness's rooms, the 90th percentile that onset takes left hi-hats and cymbals 9-15 dB over it: 14-42 false
    starts, where the largest left none.)"""

    def __init__(self, bins: int) -> None:
        self._ratios = np.zeros((RING, bins))
        self._written = np.zeros(bins, int)
        self._gain: np.ndarray | None = None

    def add(self, p_raw: np.ndarray, echo: np.ndarray) -> None:
        """One frame: the raw microphone's power and the echo bound, per bin."""
        played = np.flatnonzero(echo >= NOTHING_PLAYED)
        self._ratios[self._written[played] % RING, played] = p_raw[played] / echo[played]
        self._written[played] += 1
        self._gain = None

    def gain(self) -> np.ndarray:
        """Per bin: the largest learnt ratio around it (NEIGHBOURS), PRIOR_GAIN where fewer than MIN_LEARNT."""
        if self._gain is None:
            gain = np.where(self._written >= MIN_LEARNT, self._ratios.max(axis=0), PRIOR_GAIN)
            if NEIGHBOURS:
                padded = np.pad(gain, NEIGHBOURS, mode="edge")
                gain = np.lib.stride_tricks.sliding_window_view(padded, 2 * NEIGHBOURS + 1).max(axis=1)
            self._gain = gain
        return self._gain


class Sibilant:
    """Fed, each VAD frame while maestro's output sounds and no utterance is being cut, the last `span` samples of
    the raw microphone and of the reference."""

    def __init__(self, rate: int, frame: int) -> None:
        self.rate, self._frame = rate, frame
        self._lag, self._back = round(MAX_LAG_S * rate), round(LEARN_BACK_S * rate)
        self.span = self._lag + WINDOW + self._back + frame
        self._low = round(HIGH_HZ * WINDOW / rate)
        self._gains = Gains(WINDOW // 2 + 1 - self._low)
        self._floor: float | None = None
        self._quietest = 10 ** (QUIETEST_DBFS / 10) * float(np.sum(_window() ** 2)) * (WINDOW // 2 + 1 - self._low)
        self._rise = 10 ** (RISE_DB_S * frame / rate / 10)
        self._silent = SILENT_FRAMES
        self._quiet_level: float | None = None
        """The raw microphone's power while nothing was played (a running mean)."""
        self._echo_due = False
        """An output began after a silence and its echo has not reached the microphone yet."""

    def heard(self, raw: np.ndarray, far: np.ndarray) -> bool:
        """Whether the last SPAN frames hold a sound above HIGH_HZ that the room's echo of what was played cannot
        make. Learns the room's gain from the frames LEARN_BACK_S old."""
        if len(raw) < self.span:
            return False
        window = _window()
        p_far = np.abs(_spectrum(far[-self.span:].astype(np.float64), window)) ** 2 + 1e-14
        echo = _loudest_before(p_far, round(MAX_LAG_S * self.rate / HOP))
        ends = np.arange(len(p_far)) * HOP + WINDOW
        old = (ends > self.span - self._back - self._frame) & (ends <= self.span - self._back)
        learn, last = np.flatnonzero(old & (ends > self._lag + WINDOW)), np.arange(len(p_far) - SPAN, len(p_far))
        p_raw = _power(raw[-self.span:], np.concatenate([learn, last]), window)
        for k, f in enumerate(learn):
            self._learn(p_raw[k], p_far[f], echo[f])
        return self._over(p_raw[len(learn):, self._low:], echo[last, self._low:])

    def _learn(self, p_raw: np.ndarray, p_far: np.ndarray, echo: np.ndarray) -> None:
        """One frame LEARN_BACK_S old, all bins: learnt into the gains where something was played, unless the
        output began after a silence and its echo has not risen over the quiet level yet."""
        level = float(p_raw.sum())
        if p_far.sum() <= NOTHING_PLAYED * len(p_far) * 10:
            self._silent += 1
            self._quiet_level = level if self._quiet_level is None else 0.9 * self._quiet_level + 0.1 * level
            return
        if self._silent >= SILENT_FRAMES:
            self._echo_due = True
        self._silent = 0
        if self._echo_due and self._quiet_level is not None and level < self._quiet_level * RISE:
            return
        self._echo_due = False
        self._gains.add(p_raw[self._low:], echo[self._low:])

    def _over(self, p_raw: np.ndarray, echo: np.ndarray) -> bool:
        ceiling = self._gains.gain() * echo * 10 ** (MARGIN_DB / 10)
        over = float(np.sum(p_raw * (p_raw > ceiling)))
        total, now = float(p_raw.sum()), float(p_raw[-1].sum())
        self._floor = now if self._floor is None else min(now, self._floor * self._rise)
        return over >= SHARE * total and over / SPAN >= max(self._floor * 10 ** (FLOOR_DB / 10), self._quietest)
