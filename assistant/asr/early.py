"""Transcription that starts at the speaker's first pause instead of at the end of the utterance, and says whether
what was said is a finished request (end-of-query detection). The microphone offers the speech so far after a short
quiet; the transcript is ready about when a fixed end would only have begun to be confirmed. A finished request ends
the utterance at once; one that stops mid-phrase ("make a lo-fi beat in") gives the speaker longer to go on."""
from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable

import numpy as np

from assistant.asr import Hears, Transcript

DANGLING = frozenset("a an the in at on to into with and or but of for from by like some more less as than my your "
                     "make add set change switch save call called named give create compose use put".split())
"""Last words after which a request is not over."""


def looks_finished(text: str) -> bool:
    """Whether a transcript reads as a whole request: something was heard, and it is a question ("what key is this
    in?") or does not stop on a word that needs more after it or on an ellipsis. A final comma says nothing: after
    the domain prompt's list of commands, Whisper often ends a whole request with one ("Add drums,")."""
    text = text.strip()
    if not text or text.endswith(("...", "-")):
        return False
    return text.endswith("?") or text.split()[-1].lower().strip(".,!") not in DANGLING


class EarlyTranscriber:
    """Runs every transcription on one worker thread (openai-whisper's decoder keeps its cache in hooks on the
    model, so two decodes must never overlap): the guess made at a pause, and the utterance itself when the
    guess does not cover it. understood(text) adds the caller's judgement (the intent classifier's) to
    looks_finished; guessed(text) is told each guess, a partial transcript to show while the user speaks."""

    def __init__(self, recognizer: Hears, understood: Callable[[str], bool] = lambda text: True,
                 guessed: Callable[[str], None] = lambda text: None):
        self.recognizer = recognizer
        self.understood = understood
        self.guessed = guessed
        self._worker = ThreadPoolExecutor(1, thread_name_prefix="maestro-asr")
        self._guess: tuple[np.ndarray, Future] | None = None

    def pausing(self, audio: np.ndarray | None) -> None:
        """The microphone's pausing callback: start on the audio so far, or forget the guess (None: speech went
        on; a guess not started yet is cancelled)."""
        if self._guess is not None:
            self._guess[1].cancel()
        self._guess = None if audio is None else (audio, self._worker.submit(self._judge, audio))

    def _judge(self, audio: np.ndarray) -> tuple[Transcript, bool]:
        transcript = self.recognizer.transcribe(audio)
        if transcript.text:
            self.guessed(transcript.text)
        return transcript, looks_finished(transcript.text) and self.understood(transcript.text)

    def finished(self) -> bool | None:
        """The microphone's finished callback: whether the guess is a whole request; None while it is not ready."""
        guess = self._guess
        if guess is None or not guess[1].done() or guess[1].cancelled() or guess[1].exception():
            return None
        return guess[1].result()[1]

    def transcribe(self, utterance: np.ndarray) -> Transcript:
        guess, self._guess = self._guess, None
        if guess is not None and _covers(guess[0], utterance):
            return guess[1].result()[0]
        return self._worker.submit(self.recognizer.transcribe, utterance).result()

    def close(self) -> None:
        self._worker.shutdown(wait=True, cancel_futures=True)


def _covers(guess: np.ndarray, utterance: np.ndarray) -> bool:
    """The utterance is the guess and then only quiet (the microphone forgets a guess when speech goes on)."""
    return len(guess) <= len(utterance) and np.array_equal(guess, utterance[:len(guess)])
