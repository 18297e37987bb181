"""Spoken requests in the live session: the microphone's utterances, transcribed early (the request may be acted on
before the speaker's pause ends), the wake phrase, and the music ducking under the user's voice."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from assistant.audio.constants import SPEECH_RATE
from intents.model import Intent


class Listener:
    def __init__(self, config, run_turn: Callable[[str], None], understand: Callable[[str], Intent], live, ui,
                 run_hum: Callable[[np.ndarray, int, Intent | None], None] | None = None):
        self.config = config
        self.run_turn = run_turn
        self.run_hum = run_hum
        """Takes a tune sung after "listen to this" (assistant.turns.TurnRunner.hum)."""
        self.tune_request: Intent | None = None
        """The request that asked for the tune awaited ("listen to this and make it a bossa nova")."""
        self.understand = understand
        self.live = live
        """assistant.playback.Live: ducks the music, and knows when maestro's own voice is in the room."""
        self.ui = ui
        self.mic = None
        """The microphone while listening (push-to-talk arms it)."""

    def command(self, text: str) -> str | None:
        """The request in what was heard: after the wake phrase when one is set (None when it is missing)."""
        wake = (self.config.wake_phrase or "").lower()
        text = text.strip()
        if not wake:
            return text
        return text[len(wake):].lstrip(" ,.!?") if text.lower().startswith(wake) else None

    def whole_request(self, text: str) -> bool:
        """The early transcript's verdict: something to act on, or what will be ignored (no wake phrase); a name
        alone ("maestro", "hey maestro") is not a request, the speaker is about to say it."""
        command = self.command(text)
        return command is None or (bool(command) and self.understand(command).name != "unknown")

    def sure(self, text: str) -> float:
        """How sure the intent classifier is of the request in what was heard (0 without the wake phrase)."""
        command = self.command(text)
        return self.understand(command).confidence if command else 0.0

    def expect_tune(self, request: Intent) -> None:
        """The next utterance is a tune (the session's listen_for_tune, called by the hum skill)."""
        if self.mic is not None:
            self.tune_request = request
            self.mic.expect_tune()
            self.ui.note("Listening for your tune: hum, sing or whistle it; pause when you're done.")

    def arm(self) -> None:
        """Push-to-talk: the next utterance is a request."""
        if self.mic is not None and self.config.push_to_talk:
            self.mic.armed = True
            self.ui.note("Listening for one request.")

    def run(self, mic, done: Callable[[], bool]) -> None:
        """Take spoken requests until `done()` (or the microphone fails: DeviceError)."""
        from assistant.asr import load_recognizer
        from assistant.asr.early import EarlyTranscriber

        self.ui.busy("loading speech recognition")
        try:
            recognizer = EarlyTranscriber(load_recognizer(self.config, self.ui.warn, self.live.sounding, self.sure),
                                          understood=self.whole_request,
                                          guessed=self.ui.partial)
        finally:
            self.ui.busy(None)
        try:
            self.listen(mic, recognizer, done)
        finally:
            recognizer.close()

    def listen(self, mic, recognizer, done: Callable[[], bool]) -> None:
        self.mic = mic
        mic.deaf = self.live.voice_in_the_room
        mic.armed = not self.config.push_to_talk
        self.ui.note("Listening. Speak a request (or type one and press Enter)." if mic.armed else
                     "Ready. Press Enter, then speak a request (or type one and press Enter).")
        for utterance in mic.utterances(done, hearing=self.live.user_speaks, pausing=recognizer.pausing,
                                        finished=recognizer.finished):
            mic.armed = not self.config.push_to_talk  # one request per press
            if mic.last_was_tune and self.run_hum is not None:
                self.ui.heard("(your tune)")
                self.run_hum(utterance, SPEECH_RATE, self.tune_request)
                continue
            self.live.duck(True)
            self.ui.busy("transcribing")
            try:
                text = recognizer.transcribe(utterance).text
            finally:
                self.ui.busy(None)
            self.live.duck(False)
            command = self.command(text)
            if not command:  # nothing said to maestro (no words, or no wake phrase): a reply it cut goes on
                self.live.resume_reply()
                continue
            self.ui.heard(text)
            self.run_turn(command)
