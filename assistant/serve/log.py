"""The server's log: one line per turn, utterance and fault on stderr, with the time. It is also the UI the live
player (assistant.playback.Live) reports to: what plays, and a speaker that went away."""
from __future__ import annotations

import sys
import time


class Log:
    player = None
    """The player the live port shows (it sets None when the speaker goes away)."""

    def line(self, text: str) -> None:
        print(f"{time.strftime('%H:%M:%S')} {text}", file=sys.stderr, flush=True)

    def note(self, text: str) -> None:
        self.line(text)

    def warn(self, text: str) -> None:
        self.line(f"warning: {text}")

    def playing(self, now) -> None:
        if self.player is not None:  # with --no-play the music is stored, not played
            self.line(f"playing {now.title}")
