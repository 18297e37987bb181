"""Plain lines, for pipes, logs and scripts: `heard> …`, `maestro> …`, warnings on stderr, `input()` for typing."""
from __future__ import annotations

import sys

from assistant.commands.common import warn as _warn

PROMPT = "you> "


class PlainUI:
    mic = None
    player = None

    def start(self, mic=None, player=None) -> "PlainUI":
        return self

    def stop(self) -> None:
        pass

    def note(self, text: str) -> None:
        print(text, flush=True)

    def busy(self, what: str | None) -> None:
        pass

    def heard(self, text: str) -> None:
        print(f"heard> {text}", flush=True)

    def partial(self, text: str) -> None:
        pass  # lines are for what was finally heard

    def understood(self, intent) -> None:
        pass

    def reply(self, text: str) -> None:
        print(f"maestro> {text}", flush=True)

    def warn(self, text: str) -> None:
        _warn(text)

    def playing(self, now) -> None:
        pass

    def read_line(self) -> str | None:
        """The next typed line; the prompt only for a person at a terminal, so piped output stays lines."""
        if not sys.stdin.isatty():
            line = sys.stdin.readline()
            return line.rstrip("\n") if line else None
        try:
            return input(PROMPT)
        except EOFError:
            return None
