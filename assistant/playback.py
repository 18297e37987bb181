"""The one path from a turn's reply to the speaker. Skills say what should happen (Reply.play, Reply.control and
Reply.volume, as data) and may ask a port whether anything is playing; after the turn the port carries the reply
out. Two ports: the live session's own player, and a one-shot `ask`, whose music plays in this process after the
answer is printed and whose controls reach the process that is playing (assistant.audio.remote)."""
from __future__ import annotations

from pathlib import Path
from typing import Protocol

from assistant.skills import Reply

CONTROLS = ("pause", "resume", "stop", "volume")


class Port(Protocol):
    def active(self) -> bool:
        """Something is playing or paused."""

    def position(self) -> float | None:
        """Seconds into what plays, when this process plays it."""

    def carry_out(self, reply: Reply) -> None:
        """The reply's playback: a control now; music as the port plays it."""


class Silent:
    """No speaker (tests, `--no-play` without a playing process): nothing plays."""

    def active(self) -> bool:
        return False

    def position(self) -> float | None:
        return None

    def carry_out(self, reply: Reply) -> None:
        pass


class Live:
    """The live session's player. Music that already started while it rendered is not started again."""

    def __init__(self, player, play_file):
        self.player = player
        self.play_file = play_file
        """Callable(path): how the conversation plays a file (it also updates the screen)."""

    def active(self) -> bool:
        return self.player is not None and self.player.active()

    def position(self) -> float | None:
        return self.player.position() if self.player is not None else None

    def carry_out(self, reply: Reply) -> None:
        if reply.control and self.player is not None:
            if reply.control == "volume":
                self.player.set_volume(reply.volume)
            else:
                getattr(self.player, reply.control)()
        if reply.play is not None:
            self.play_file(reply.play)


class OneShot:
    """A `maestro ask`: controls go to the process that plays (if any); music plays here, to its end, after the
    answer is out (`play()`), unless --no-play."""

    def __init__(self, session_root: Path):
        from assistant.audio.remote import Remote

        self.remote = Remote(session_root)
        self.root = session_root

    def active(self) -> bool:
        return self.remote.playing() is not None

    def position(self) -> float | None:
        return None

    def carry_out(self, reply: Reply) -> None:
        if reply.control:
            self.remote.send(reply.control, reply.volume)

    def play(self, path: Path, volume: int, config) -> None:
        from assistant.audio.player import play_file_blocking

        play_file_blocking(path, volume, config, self.root)
