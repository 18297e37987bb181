"""Silero VAD (the ONNX model faster-whisper ships): where speech is, in 16 kHz audio."""
from __future__ import annotations

import numpy as np

from assistant.audio.constants import SPEECH_RATE


def speech_spans(audio: np.ndarray, threshold: float = 0.5, min_silence_ms: int = 600,
                 pad_ms: int = 200) -> list[tuple[int, int]]:
    """(start, end) sample ranges of speech."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(threshold=threshold, min_silence_duration_ms=min_silence_ms, speech_pad_ms=pad_ms)
    return [(s["start"], s["end"]) for s in get_speech_timestamps(audio, options)]


def speech_only(audio: np.ndarray) -> np.ndarray:
    """The speech in the audio joined with short gaps; empty when there is none (music, noise, silence)."""
    spans = speech_spans(audio)
    if not spans:
        return np.zeros(0, np.float32)
    gap = np.zeros(int(0.1 * SPEECH_RATE), np.float32)
    parts = []
    for s, e in spans:
        parts += [audio[s:e], gap]
    return np.concatenate(parts[:-1]).astype(np.float32)


class Stream:
    """Silero VAD one 32 ms frame at a time, its recurrent state carried from frame to frame: the probability
    that each frame of a live microphone holds speech. Same numbers as faster-whisper's batched call."""

    FRAME = 512
    CONTEXT = 64

    def __init__(self):
        from faster_whisper.vad import get_vad_model

        self._session = get_vad_model().session
        self._h = np.zeros((1, 1, 128), np.float32)
        self._c = np.zeros((1, 1, 128), np.float32)
        self._context = np.zeros(self.CONTEXT, np.float32)

    def __call__(self, frame: np.ndarray) -> float:
        x = np.concatenate([self._context, frame]).astype(np.float32)[None]
        out, self._h, self._c = self._session.run(None, {"input": x, "h": self._h, "c": self._c})
        self._context = frame[-self.CONTEXT:]
        return float(np.ravel(out)[0])


RENEW_S = 2.0
"""How often the carried state is renewed (Renewed). Carried on and on, Silero's state drifts: a minute of silence
on, it rated a spoken "stop" 0.65 (0.94 at once); in the interrupt bench, a minute of replies talked over and hushed
on, the "stop"s said over them rated 0.00-0.20 where a state 1 s old gave 0.55-0.81: in two live benches 14 and 15
of 20 were never heard. The second replayed offline, renewed every 1, 2 and 4 s: 1, 1 and 4 of those 20 missed. Ten
minutes of maestro's own output (test_echo's) started speech once (a blip, no request) renewed every 1 s; every 2 s,
once in three runs; never a request (session 19)."""


class Renewed:
    """Stream with a memory of RENEW_S to twice that: two streams fed alike, the older read, and every RENEW_S the
    older dropped for a new one (the other, RENEW_S old, read from then on). The same for each frame as a carried
    Stream in the first RENEW_S; from then on, an onset always has at least RENEW_S of what came before it."""

    def __init__(self, renew_s: float = RENEW_S):
        self._every = max(1, round(renew_s * SPEECH_RATE / Stream.FRAME))
        self._streams = (Stream(), Stream())
        self._frames = 0

    def __call__(self, frame: np.ndarray) -> float:
        older, newer = self._streams
        p = older(frame)
        newer(frame)
        self._frames += 1
        if self._frames % self._every == 0:
            self._streams = (newer, Stream())
        return p
