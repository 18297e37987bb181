"""Echo cancellation: what maestro plays (music and voice, mixed as the player hands them to the speaker) is taken
out of what the microphone hears, by speex's linear echo canceller (assistant.audio.speexdsp) on 10 ms frames,
with WebRTC's AEC3 (pywebrtc-audio) beside it as a second opinion on speech.

- `Reference` keeps the player's output, mixed to mono and resampled to the microphone's rate as it is played, each
  block stamped with the time it reaches the speaker (the output stream's DAC time). The input stream's ADC times
  come from the same PortAudio clock, so a microphone block captured at t is matched with what sounded at t; the
  filter learns the room's own delay and reverberation on top (TAIL_S).
- `Canceller` runs the canceller over 10 ms frames. One lives as long as the microphone, so its filter stays
  converged from one piece to the next.

Why speex for what is heard, not AEC3 (tried first): AEC3's residual-echo suppressor took the user's voice down
with the music whenever both sounded at once. With music as loud as the voice at the microphone (18 commands, three
rooms), Whisper understood 7 of 18 after AEC3, 15 of 18 word for word after speex's linear filter (the other three
"what key is this N"), and Silero missed the start of speech in 9 of 18 after AEC3, none after speex. Why AEC3
beside it: speex's filter, converged on a long piece, at first takes only 3-7 dB out of maestro's voice (bands the
music did not sound), which Silero hears as speech; after AEC3 that voice is at most 0.06 to Silero, and a user as
loud as the music at least 0.27 within 300 ms (six genres)."""
from __future__ import annotations

import threading

import numpy as np

FRAME_S = 0.01
"""The canceller's frame."""
TAIL_S = 0.4
"""The filter's length: the room's delay (up to 80 ms in the harness) and most of its reverberation."""
CONVERGE_S = 5.0
"""Playing heard before the filter is trusted to keep maestro's own voice from the VAD (3 to 5 s for speech, by
speex's own account, and less for music)."""
LINEAR_WORKS_DB = 6.0
"""The linear filter's output is used while it takes at least this much out of what plays. Where the echo's delay
moves (an output that underruns on a loaded machine: every gap plays the rest later), speex's filter never
converges and AEC3, which tracks the delay, is used instead."""
SMOOTHING = FRAME_S / 10.0
"""Of that estimate: about 10 s, so that the user talking over the music (which the filter does not take out) does
not switch it: two seconds of a voice as loud as the music take a 20 dB estimate to about 8."""
PLAYING_RMS = 10 ** (-60 / 20)
"""A reference frame at or above -60 dBFS is something playing."""
HISTORY_S = 4.0
"""How much of the played output is kept to be matched with the microphone."""
REANCHOR_S = 0.1
"""When a stamped time and the sample count disagree by more than this (an underrun, a stream restarted), the count
follows the clock; within it, the count is kept. Both ends do this: the output's stamps place what is played, the
input's find what was playing as a block was captured. PortAudio's stamps jitter by milliseconds, and following
them put a seam in the reference at about one block in 20, which speex's filter never converged across (1.3 dB
ERLE live; AEC3 tracks its delay and hid it)."""


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
        self._next: int | None = None
        """Where the microphone's next block starts in the reference, if it follows on from the last."""

    def played(self, block: np.ndarray, dac_time: float) -> None:
        """A block as it went to the speaker (frames × channels, or mono), and when its first frame sounds."""
        mono = block.mean(axis=1) if block.ndim == 2 else block
        y = self._resampler.resample_chunk(np.ascontiguousarray(mono, np.float32))
        # the resampler holds some samples back: what comes out now ends that much before the block does
        first = dac_time + len(mono) / self.out_rate - (self._resampler.delay() + len(y)) / self.mic_rate
        with self._lock:
            if self._anchor is None or abs(first - (self._anchor + self._written / self.mic_rate)) > REANCHOR_S:
                self._anchor = first - self._written / self.mic_rate
            self._write(y)

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
                start = self._next  # the stamps jitter; the canceller needs the reference without a seam
            self._next = start + n
            size = len(self._ring)
            lo, hi = max(start, self._written - size, 0), min(start + n, self._written)
            if lo < hi:
                out[lo - start:hi - start] = self._ring[np.arange(lo, hi) % size]
        return out


class Canceller:
    """The echo cancellers over a stream of microphone blocks and their reference; blocks are whole 10 ms frames.

    Each block comes out twice (`process`): through speex's linear filter, which keeps the user's voice whole, for
    Whisper and the VAD; and through AEC3, whose suppressor takes out all of maestro's own voice but much of the
    user's too when both sound, as a second opinion on whether speech started (the microphone's `_started`).

    `trusted` says whether what comes out may start an utterance: not while something plays before the filter has
    heard CONVERGE_S of playing (an empty filter cancels nothing, and maestro's own voice would become a request;
    the microphone is then deaf to talk over the speaker, as without echo cancelling)."""

    def __init__(self, rate: int, tail_s: float = TAIL_S):
        from pywebrtc_audio import EchoCanceller

        from assistant.audio.speexdsp import EchoState

        self.rate = rate
        self.frame = round(rate * FRAME_S)
        self._state = EchoState(self.frame, round(rate * tail_s), rate)
        self._aec3 = EchoCanceller(rate, 1, 0)
        self._heard_playing = 0
        """Frames with something playing that the filter has adapted on."""
        self._playing = False
        """Something played in the last block."""
        self._energy = np.full(2, 1e-12)
        """Smoothed energy of the microphone and of the linear filter's output while something plays."""

    @property
    def linear_erle_db(self) -> float:
        """How much of what plays the linear filter takes out, lately."""
        return float(10 * np.log10(self._energy[0] / self._energy[1]))

    @property
    def trusted(self) -> bool:
        return self._heard_playing * FRAME_S >= CONVERGE_S or not self._playing

    def process(self, near: np.ndarray, far: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The microphone block with the echo of `far` taken out, and the same by AEC3. The first is the linear
        filter's output while that filter works (LINEAR_WORKS_DB), AEC3's otherwise. Both are float32 mono of the
        same length, a multiple of 10 ms."""
        if len(near) % self.frame or len(far) != len(near):
            raise ValueError(f"blocks of whole {self.frame}-sample frames, near and far alike")
        linear, suppressed = np.empty((2, len(near)), np.float32)
        self._playing = False
        for i in range(0, len(near), self.frame):
            span = slice(i, i + self.frame)
            mic, played = np.ascontiguousarray(near[span], np.float32), np.ascontiguousarray(far[span], np.float32)
            linear[span] = self._state.cancel(mic, played)
            suppressed[span] = self._aec3.process(mic, played)
            playing = float(np.sqrt(np.mean(played ** 2))) >= PLAYING_RMS
            if playing:
                self._energy += SMOOTHING * (np.array([np.mean(mic ** 2), np.mean(linear[span] ** 2)]) - self._energy)
            if self.linear_erle_db < LINEAR_WORKS_DB:
                linear[span] = suppressed[span]
            self._heard_playing += playing
            self._playing |= playing
        return linear, suppressed
