"""Spoken replies in the live session: piper synthesizes in the background, the live player speaks (the music ducks
under the voice), and listening and typing go on meanwhile."""
from __future__ import annotations

import threading
import time


class Voice:
    def __init__(self, speaker, live, ui):
        self.speaker = speaker
        """assistant.tts.Speaker: text → audio at the music's rate."""
        self.live = live
        self.ui = ui
        self._threads: list[threading.Thread] = []

    @classmethod
    def open(cls, config, quiet: bool, live, ui) -> Voice | None:
        """A voice when replies are to be spoken and there is a speaker; None (text only) otherwise."""
        if quiet or not config.voice_replies or live.player is None:
            return None
        from assistant.audio.constants import MUSIC_RATE
        from assistant.tts import Speaker

        try:
            return cls(Speaker(MUSIC_RATE), live, ui)
        except Exception as exc:  # noqa: BLE001 - without a voice, replies are text only
            ui.warn(f"no spoken replies ({exc})")
            return None

    def say(self, text: str) -> None:
        if self.live.player is None:  # the speaker went away
            return

        asked_at = time.monotonic()

        def speak():
            try:
                self.live.say(self.speaker.synthesize(text), asked_at)
            except Exception as exc:  # noqa: BLE001 - a failed voice must not end the session
                self.ui.warn(f"could not speak the reply ({exc.__class__.__name__})")
        thread = threading.Thread(target=speak, daemon=True)
        thread.start()
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]

    def close(self) -> None:
        """A voice still synthesizing finishes before the interpreter goes."""
        for thread in self._threads:
            thread.join(timeout=30)
