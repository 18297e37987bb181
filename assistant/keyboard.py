"""Typed requests in the live session: a line is a request; an empty line arms the microphone (push-to-talk)."""
from __future__ import annotations

from collections.abc import Callable


class KeyboardReader:
    def __init__(self, ui, run_turn: Callable[[str], None], on_empty: Callable[[], None] = lambda: None):
        self.ui = ui
        self.run_turn = run_turn
        self.on_empty = on_empty

    def run(self, done: Callable[[], bool]) -> None:
        """Read lines until `done()` or the end of input."""
        while not done():
            text = self.ui.read_line()
            if text is None:
                break
            if text.strip():
                self.run_turn(text)
            else:
                self.on_empty()
