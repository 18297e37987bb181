"""Microphone capture: a 16 kHz sounddevice.InputStream into a queue, cut into utterances by Silero VAD run frame
by frame (assistant.asr.vad.Stream). An utterance starts when a frame is likely speech and keeps 500 ms of pre-roll
so the first syllable is not lost; a blip under 100 ms of speech is dropped. Its end is found with the recogniser's
help (end-of-query detection): after 100 ms of quiet the speech so far is offered for an early transcription
(pausing); when that text is a whole request the utterance ends as soon as it is ready (about 450 ms after the
speech), when it stops mid-phrase ("make it in") the speaker has 1 s to go on, and without a verdict it ends after
600 ms of quiet; always at 15 s. Music and noise rarely start one, and when they do, the recogniser's own VAD and
guard stop them; none starts while maestro's own voice is in the room (deaf)."""
from __future__ import annotations

import collections
import queue
from typing import Callable, Iterator

import numpy as np

from assistant.asr.vad import Stream
from assistant.audio import devices
from assistant.audio.constants import MIC_BLOCK, SPEECH_RATE
from assistant.errors import DeviceError

START, END = 0.5, 0.35  # speech probability that starts an utterance, and below which a frame is quiet
MIN_SPEECH_S = 0.1
END_SILENCE_S = 0.6
"""Quiet that ends an utterance when the early transcript has no verdict yet."""
PAUSE_S = 0.1
"""Quiet long enough to start transcribing what was said, in case it is the end."""
UNFINISHED_S = 1.0
"""Quiet that ends an utterance whose early transcript stops mid-phrase."""
PRE_ROLL_S = 0.5
"""Audio kept from before the first speech frame. The streaming VAD can be slow to rise: after music and noise it
took 380 ms of "make a …" (from the test of that), and 300 ms of pre-roll lost "m", heard as "take"."""
MAX_UTTERANCE_S = 15.0


class Microphone:
    def __init__(self, device=None, latency_s: float = 0.2):
        self.device = device
        self.latency = latency_s
        self.blocks: queue.Queue = queue.Queue()
        self.level = 0.0
        """The last block's RMS level, for the meter."""
        self.hearing = False
        """True while an utterance is being cut (the VAD heard speech start)."""
        self.armed = True
        """False to ignore what is said (push-to-talk between presses): no utterance starts."""
        self.deaf: Callable[[], bool] = lambda: False
        """True while no utterance may start: maestro's own voice from the speakers must not become a request."""
        self._stream = None

    def open(self) -> "Microphone":
        sd = devices.sounddevice()
        device = devices.input_device(self.device)
        try:
            stream = sd.InputStream(samplerate=SPEECH_RATE, channels=1, dtype="float32", blocksize=MIC_BLOCK,
                                    latency=self.latency, device=device, callback=self._callback)
            stream.start()
            self._stream = stream
        except sd.PortAudioError as exc:
            raise DeviceError(f"cannot open the microphone ({exc})") from None
        return self

    def _callback(self, data, frames, timing, status) -> None:
        block = data[:, 0].copy()
        self.level = float(np.sqrt(np.mean(block ** 2)))
        self.blocks.put(block)

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None

    def _frames(self, stop) -> Iterator[np.ndarray]:
        """The VAD's 512-sample frames (32 ms) until stop() is true. Raises DeviceError when the device goes away."""
        pending, silent_waits = np.zeros(0, np.float32), 0
        while not stop():
            try:
                block = self.blocks.get(timeout=0.5)
                silent_waits = 0
            except queue.Empty:
                silent_waits += 1  # a live stream delivers a block every 30 ms; 2 s of nothing is a dead one
                if self._stream is None or not self._stream.active or silent_waits >= 4:
                    raise DeviceError("the microphone went away") from None
                continue
            pending = np.concatenate([pending, block])
            while len(pending) >= Stream.FRAME:
                yield pending[:Stream.FRAME]
                pending = pending[Stream.FRAME:]

    def utterances(self, stop, hearing: Callable[[bool], None] | None = None,
                   pausing: Callable[[np.ndarray | None], None] | None = None,
                   finished: Callable[[], bool | None] | None = None) -> Iterator[np.ndarray]:
        """Utterances as they end, until stop() is true. hearing(True) is called as speech starts (to duck the
        music at once), hearing(False) when what started is dropped as a blip. pausing(audio) is called with the
        utterance so far when the speaker has paused for PAUSE_S, pausing(None) if they then go on. finished(),
        asked during a pause, says whether what was said so far is a whole request: True ends the utterance now,
        False waits UNFINISHED_S, None (not known yet) END_SILENCE_S."""
        vad, frame_s = Stream(), Stream.FRAME / SPEECH_RATE
        pause = round(PAUSE_S / frame_s)
        pre: collections.deque[np.ndarray] = collections.deque(maxlen=round(PRE_ROLL_S / frame_s))
        speech: list[np.ndarray] = []
        voiced = quiet = 0
        for frame in self._frames(stop):
            p = vad(frame)
            if not speech and (not self.armed or self.deaf()):
                pre.clear()
                continue
            if not speech:
                pre.append(frame)
                if p >= START:
                    speech, voiced, quiet, self.hearing = list(pre), 1, 0, True
                    if hearing:
                        hearing(True)
                continue
            speech.append(frame)
            voiced += p >= START
            if pausing and quiet >= pause and p >= END:
                pausing(None)
            quiet = 0 if p >= END else quiet + 1
            if pausing and quiet == pause and voiced * frame_s >= MIN_SPEECH_S:
                pausing(np.concatenate(speech))
            verdict = finished() if finished and quiet >= pause else None
            end_s = UNFINISHED_S if verdict is False else END_SILENCE_S
            if not verdict and quiet * frame_s < end_s and len(speech) * frame_s < MAX_UTTERANCE_S:
                continue
            self.hearing = False
            if voiced * frame_s >= MIN_SPEECH_S:
                yield np.concatenate(speech)
            elif hearing:
                hearing(False)
            speech = []
            pre.clear()
