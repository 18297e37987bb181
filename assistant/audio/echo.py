"""Echo cancellation: what maestro plays (music and voice, mixed as the player hands them to the speaker) is taken
out of what the microphone hears, by WebRTC's AEC3 (pywebrtc-audio's EchoCanceller: 10 ms frames, its own delay
estimator).

- `Reference` keeps the player's output, mixed to mono and resampled to the microphone's rate as it is played, each
  block stamped with the time it reaches the speaker (the output stream's DAC time). The input stream's ADC times
  come from the same PortAudio clock, so a microphone block captured at t is matched with what sounded at t; AEC3
  finds the room's own delay on top.
- `Canceller` runs AEC3 over 10 ms frames. One lives as long as the microphone, so its filter stays converged from
  one piece to the next."""
from __future__ import annotations

import threading

import numpy as np

FRAME_S = 0.01
"""AEC3 works on 10 ms frames."""
HISTORY_S = 4.0
"""How much of the played output is kept to be matched with the microphone."""
REANCHOR_S = 0.02
"""When the input's stamped time and its sample count disagree by more than this, the count follows the clock; within
it, the count is kept: the input's stamps jitter (0.7 ms, at most 1.4 ms here), and following them put a seam in
the reference at one block in 20."""
STAMP_SLACK_S = 0.002
"""The same for the output, whose stamps hold still (0.02 ms, at most 0.11 ms here, once a stream has settled;
hundreds of ms off in its first second): a block stamped later than the count says, after an underrun, is preceded
by the silence that sounded meanwhile, and an earlier one moves the count to the clock. With REANCHOR_S here, an
anchor taken while the stream settled stayed up to 20 ms off, and after a restart (ducking at once, a hush) the
echo wandered against the reference: from 130 to 245 ms over 20 s with three restarts, in steps of 5-15 ms. Now it
holds within 1 ms between restarts and moves 0.1-1.6 ms at a restart, except that the first restart of a session
moved it 0.7, 1.6, 9.7 and 63 ms in four runs (a new stream's stamps need not match the old one's). Measured in
session 13: music through the harness's room, ducked at once every 8 s, the delay found each second by
cross-correlating a second of the microphone with the reference. In 30 replies talked over (bench_echo's interrupt
measure), none stopped more than 300 ms after "stop" (6 of 30 before); as many were cut by their own echo (8, 6
before), while the canceller re-found a delay moved at a restart."""


class Reference:
    """The player's output at the microphone's rate, by time. `played` is called from the output callback, `at`
    from the input callback; neither blocks for long."""

    def __init__(self, out_rate: int, mic_rate: int, history_s: float = HISTORY_S):
        import soxr

        self.out_rate, self.mic_rate = out_rate, mic_rate
        self._ring = np.zeros(int(history_s * mic_rate), np.float32)
        self._written = 0
        """Samples written in all; sample i sounded at _anchor + i / mic_rate."""
        self._anchor: float | None = None
        """Clock time of sample 0 (moved when the clock and the count disagree)."""
        self._resampler = soxr.ResampleStream(out_rate, mic_rate, 1, dtype="float32")
        self._lock = threading.Lock()
        self._restarted = False
        """The output restarted: its next block is placed by its stamp, however close to the count, after a silence
        or over the end of what was forgotten."""
        self._next: int | None = None
        """Where the microphone's next block starts in the reference, if it follows on from the last."""

    def played(self, block: np.ndarray, dac_time: float) -> None:
        """A block as it went to the speaker (frames × channels, or mono), and when its first frame sounds."""
        mono = block.mean(axis=1) if block.ndim == 2 else block
        y = self._resampler.resample_chunk(np.ascontiguousarray(mono, np.float32))
        # the resampler holds some samples back: what comes out now ends that much before the block does
        first = dac_time + len(mono) / self.out_rate - (self._resampler.delay() + len(y)) / self.mic_rate
        with self._lock:
            late = 0.0 if self._anchor is None else first - (self._anchor + self._written / self.mic_rate)
            history = len(self._ring) / self.mic_rate
            if (late > STAMP_SLACK_S or (self._restarted and late > 0)) and late < history:
                self._write(np.zeros(round(late * self.mic_rate), np.float32))  # nothing sounded meanwhile
            elif self._restarted and -history < late <= 0:  # it sounds over the end of what was forgotten
                self._written = max(0, self._written + round(late * self.mic_rate))
            elif self._anchor is None or abs(late) > STAMP_SLACK_S:
                self._anchor = first - self._written / self.mic_rate
            self._restarted = False
            self._write(y)

    def forget_after(self, clock_time: float) -> None:
        """What was to sound from `clock_time` on was dropped before it did (the output restarted): forget it, so
        that what plays next follows on from what sounded."""
        with self._lock:
            if self._anchor is not None:
                self._written = max(0, min(self._written, round((clock_time - self._anchor) * self.mic_rate)))
                self._restarted = True

    def _write(self, y: np.ndarray) -> None:
        size = len(self._ring)
        y = y[-size:]
        at = self._written % size
        first = min(len(y), size - at)
        self._ring[at:at + first] = y[:first]
        self._ring[:len(y) - first] = y[first:]
        self._written += len(y)

    def at(self, adc_time: float, n: int) -> np.ndarray:
        """The n reference samples from `adc_time` on; silence where nothing was played then, or it is forgotten."""
        out = np.zeros(n, np.float32)
        with self._lock:
            if self._anchor is None:
                return out
            start = round((adc_time - self._anchor) * self.mic_rate)
            if self._next is not None and abs(start - self._next) <= REANCHOR_S * self.mic_rate:
                start = self._next  # the input's stamps jitter too; the canceller wants the reference without seams
            self._next = start + n
            size = len(self._ring)
            lo, hi = max(start, self._written - size, 0), min(start + n, self._written)
            if lo < hi:
                out[lo - start:hi - start] = self._ring[np.arange(lo, hi) % size]
        return out


class Canceller:
    """AEC3 over a stream of microphone blocks and their reference; blocks are whole 10 ms frames."""

    def __init__(self, rate: int, delay_ms: int = 0):
        from pywebrtc_audio import EchoCanceller

        self.rate = rate
        self.frame = round(rate * FRAME_S)
        self._aec = EchoCanceller(rate, 1, delay_ms)

    def process(self, near: np.ndarray, far: np.ndarray) -> np.ndarray:
        """The microphone block with the echo of `far` taken out. Both are float32 mono of the same length, a
        multiple of 10 ms."""
        if len(near) % self.frame or len(far) != len(near):
            raise ValueError(f"blocks of whole {self.frame}-sample frames, near and far alike")
        out = np.empty_like(near, dtype=np.float32)
        for i in range(0, len(near), self.frame):
            out[i:i + self.frame] = self._aec.process(np.ascontiguousarray(near[i:i + self.frame], np.float32),
                                                      np.ascontiguousarray(far[i:i + self.frame], np.float32))
        return out
