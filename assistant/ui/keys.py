"""Typing on the live screen: the terminal in cbreak mode (no echo, keys one by one), a small line editor, and
whole lines handed over through a queue. Ctrl-D on an empty line ends the session; Ctrl-C stays an interrupt."""
from __future__ import annotations

import codecs
import os
import queue
import re
import threading

ESCAPE = re.compile(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|O.|.)?")


class LineEditor:
    """Characters in, finished lines out. Backspace, Ctrl-U (clear) and Ctrl-W (word) edit; escape sequences
    (arrows, function keys) are dropped."""

    def __init__(self):
        self.text = ""

    def feed(self, chars: str) -> list[str | None]:
        done: list[str | None] = []
        for ch in ESCAPE.sub("", chars):
            if ch in "\r\n":
                done.append(self.text)
                self.text = ""
            elif ch in "\x7f\b":
                self.text = self.text[:-1]
            elif ch == "\x15":
                self.text = ""
            elif ch == "\x17":
                kept = self.text.rstrip()
                self.text = kept[:kept.rfind(" ") + 1]
            elif ch == "\x04":
                if not self.text:
                    done.append(None)
            elif ch.isprintable():
                self.text += ch
        return done


class KeyReader:
    def __init__(self, fd: int):
        self.fd = fd
        self.editor = LineEditor()
        self.lines: queue.Queue[str | None] = queue.Queue()
        self._saved: list | None = None

    def start(self) -> "KeyReader":
        import termios
        import tty

        self._saved = termios.tcgetattr(self.fd)
        tty.setcbreak(self.fd)
        threading.Thread(target=self._read, daemon=True).start()
        return self

    def restore(self) -> None:
        if self._saved is not None:
            import termios

            termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)
            self._saved = None

    def _read(self) -> None:
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        while True:
            try:
                data = os.read(self.fd, 1024)
            except OSError:
                data = b""
            if not data:
                self.lines.put(None)
                return
            for line in self.editor.feed(decoder.decode(data)):
                self.lines.put(line)
