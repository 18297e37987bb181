"""Captures mixed offline and cut as the live session cuts them, for the benches that say what is understood over
music and noise (bench_barge_in, bench_noise): the microphone's own path but PortAudio (Microphone.take, its
canceller and utterance cutter) and the session's end-of-query detection, with its transcriptions taking as long
as they take here."""
from __future__ import annotations

import math
import time
from typing import Any, Callable

import numpy as np


class Early:
    """assistant.asr.early.EarlyTranscriber's verdicts, offline: the guess made at a pause is ready as many VAD
    frames later as its transcription took, as it would be live, and is forgotten if speech goes on first."""

    def __init__(self, recognizer, understood: Callable[[str], bool]):
        self.recognizer, self.understood = recognizer, understood
        self._verdict: bool | None = None
        self._wait = 0

    def pausing(self, audio: np.ndarray | None) -> None:
        from assistant.asr.early import looks_finished
        from assistant.asr.vad import Stream
        from assistant.audio.constants import SPEECH_RATE

        self._verdict = None
        if audio is None:
            return
        start = time.perf_counter()
        text = self.recognizer.transcribe(audio).text
        self._verdict = looks_finished(text) and self.understood(text)
        self._wait = math.ceil((time.perf_counter() - start) / (Stream.FRAME / SPEECH_RATE))

    def finished(self) -> bool | None:
        if self._verdict is None or self._wait > 0:
            self._wait -= 1
            return None
        return self._verdict


def cut(near: np.ndarray, far: np.ndarray | None = None, canceller=None,
        early: Early | None = None) -> tuple[list[float], list[tuple[float, np.ndarray]]]:
    """The speech starts (s, blips too) and the utterances with their starts that the microphone cuts from a
    capture; with what was played (`far`), its echo is taken out by `canceller` (a new one if None); with
    `early`, utterances end as the session ends them."""
    from assistant.audio.constants import MIC_BLOCK, SPEECH_RATE
    from assistant.audio.mic import Microphone
    from assistant.errors import DeviceError

    mic = Microphone() if far is None else Microphone().cancelling(canceller)
    blocks = range(0, len(near) - MIC_BLOCK + 1, MIC_BLOCK)
    for i in blocks:
        mic.take(near[i:i + MIC_BLOCK], None if far is None else far[i:i + MIC_BLOCK])
    starts: list[float] = []

    def hearing(on: bool) -> None:
        if on:
            starts.append((len(blocks) - mic.blocks.qsize()) * MIC_BLOCK / SPEECH_RATE)
    found = []
    try:
        for audio in mic.utterances(mic.blocks.empty, hearing=hearing, pausing=early.pausing if early else None,
                                    finished=early.finished if early else None):
            found.append((starts[-1], audio))
    except DeviceError:  # the capture ran out
        pass
    return starts, found


def ended_by(start_s: float, audio: np.ndarray, at_s: float) -> bool:
    """Whether an utterance cut with its speech start at start_s (its audio holds the pre-roll before that) had
    ended by at_s."""
    from assistant.audio.constants import SPEECH_RATE
    from assistant.audio.mic import PRE_ROLL_S

    return start_s - PRE_ROLL_S + len(audio) / SPEECH_RATE <= at_s


def heard(found: list[tuple[float, np.ndarray]], at_s: float, recognizer) -> tuple[list[str], list[str]]:
    """What the session would act on, from the utterances `cut` found: the transcripts (rejected ones dropped) of
    those that had ended by at_s (the request's start), and of those that overlap or follow it."""
    before: list[str] = []
    over: list[str] = []
    for start, audio in found:
        text = recognizer.transcribe(audio).text
        if text:
            (before if ended_by(start, audio, at_s) else over).append(text)
    return before, over


def understood(understand, results: list[tuple[dict, list[str], list[str]]]) -> dict[str, Any]:
    """Figures for the requests of one condition, each given as (held-out case, transcripts heard before it, over
    it): intent and slot accuracy on what the session acts on (the first transcript over the request), the
    requests with none (missed), and the utterances heard before them (false_requests)."""
    from intents.evaluate import evaluate

    cases = [{**case, "text": over[0] if over else "", "said": case["text"]} for case, _, over in results]
    scores = evaluate(understand, cases)
    return {"accuracy": scores["intent_accuracy"], "slot_accuracy": scores["slot_accuracy"],
            "missed": sum(not over for _, _, over in results),
            "false_requests": sum(len(before) for _, before, _ in results)}
