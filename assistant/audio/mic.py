"""Microphone capture: a 16 kHz sounddevice.InputStream into a queue, cut into utterances. An utterance starts when
the level rises well above the noise floor and ends after 600 ms of quiet, with 300 ms of pre-roll; Silero VAD then
decides (in assistant.asr) whether it holds speech at all."""
from __future__ import annotations

import collections
import queue
from typing import Iterator

import numpy as np

from assistant.audio import devices
from assistant.errors import DeviceError

RATE = 16000
BLOCK = 480  # 30 ms
END_SILENCE_S = 0.6
PRE_ROLL_S = 0.3
MAX_UTTERANCE_S = 15.0


class Microphone:
    def __init__(self, device=None, latency_s: float = 0.2):
        self.device = device
        self.latency = latency_s
        self.blocks: queue.Queue = queue.Queue()
        self.level = 0.0
        """The last block's RMS level, for the meter."""
        self.hearing = False
        """True while an utterance is being cut (the level rose above the noise floor)."""
        self._stream = None

    def open(self) -> "Microphone":
        sd = devices.sounddevice()
        device = devices.input_device(self.device)
        try:
            self._stream = sd.InputStream(samplerate=RATE, channels=1, dtype="float32", blocksize=BLOCK,
                                          latency=self.latency, device=device, callback=self._callback)
            self._stream.start()
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

    def utterances(self, stop) -> Iterator[np.ndarray]:
        """Utterances as they end, until stop() is true. Raises DeviceError when the device goes away."""
        pre = collections.deque(maxlen=int(PRE_ROLL_S * RATE / BLOCK))
        floor, speech, quiet, silent_waits = 1e-3, [], 0, 0
        while not stop():
            try:
                block = self.blocks.get(timeout=0.5)
                silent_waits = 0
            except queue.Empty:
                silent_waits += 1  # a live stream delivers a block every 30 ms; 2 s of nothing is a dead one
                if self._stream is None or not self._stream.active or silent_waits >= 4:
                    raise DeviceError("the microphone went away") from None
                continue
            rms = float(np.sqrt(np.mean(block ** 2)))
            loud = rms > max(4 * floor, 0.01)
            if not speech:
                floor = 0.95 * floor + 0.05 * rms if not loud else floor
                pre.append(block)
                if loud:
                    speech = list(pre)
                    self.hearing = True
                continue
            speech.append(block)
            quiet = 0 if loud else quiet + 1
            if quiet * BLOCK >= END_SILENCE_S * RATE or len(speech) * BLOCK >= MAX_UTTERANCE_S * RATE:
                self.hearing = False
                yield np.concatenate(speech)
                speech, quiet = [], 0
                pre.clear()
