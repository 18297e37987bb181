"""The live screen: rich.live redraws the bottom of the terminal ten times a second (status and microphone meter,
the last exchange, now playing, the typing line) while the conversation log scrolls above it."""
from __future__ import annotations

import sys

from rich.console import Console, Group, RenderableType
from rich.live import Live

from assistant.ui import panels
from assistant.ui.keys import KeyReader
from assistant.ui.model import NowPlaying, Screen, status

FPS = 10


class LiveUI:
    def __init__(self):
        self.console = Console()
        self.screen = Screen()
        self.mic = None
        self.player = None
        self._live: Live | None = None
        self._keys: KeyReader | None = None

    def start(self, mic=None, player=None) -> "LiveUI":
        self.mic, self.player = mic, player
        self._keys = KeyReader(sys.stdin.fileno()).start()
        self._live = Live(console=self.console, get_renderable=self._render, refresh_per_second=FPS,
                          redirect_stdout=True, redirect_stderr=True)
        self._live.start()
        return self

    def stop(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None
        if self._keys is not None:
            self._keys.restore()

    # --- what the conversation tells the screen ------------------------------------------------------------------
    def note(self, text: str) -> None:
        self.console.print(text, style="dim", highlight=False)

    def busy(self, what: str | None) -> None:
        self.screen.busy = what

    def heard(self, text: str) -> None:
        self.screen.heard = text
        self.console.print(f"[bold]you[/bold] (spoken) {text}", highlight=False, markup=True)

    def partial(self, text: str) -> None:
        """What was heard up to a pause, while the user may still be speaking."""
        self.screen.heard = f"{text} …"

    def typed(self, text: str) -> None:
        self.screen.heard = text
        self.console.print(f"[bold]you[/bold] {text}", highlight=False, markup=True)

    def understood(self, intent) -> None:
        self.screen.intent = intent

    def reply(self, text: str) -> None:
        self.screen.reply = text
        self.console.print(f"[bold cyan]maestro[/bold cyan] {text}", highlight=False, markup=True)

    def warn(self, text: str) -> None:
        self.console.print(f"maestro: {text}", style="yellow", highlight=False, markup=False)

    def playing(self, now: NowPlaying | None) -> None:
        self.screen.now = now

    def read_line(self) -> str | None:
        if self._keys is None:  # not started: no keyboard
            return None
        line = self._keys.lines.get()
        if line is not None and line.strip():
            self.typed(line)
        return line

    # --- drawing -------------------------------------------------------------------------------------------------
    def _render(self) -> Group:
        screen, player = self.screen, self.player
        screen.typed = self._keys.editor.text if self._keys else ""
        width = self.console.width
        state = status(screen, self.mic, player)
        parts: list[RenderableType] = [panels.status_line(state, self.mic.level if self.mic is not None else None),
                 panels.exchange(screen)]
        if screen.now is not None and player is not None and player.music is not None:
            position = player.position() or 0.0
            parts.append(panels.now_playing(screen.now, position, player.paused, width))
        parts.append(panels.typing_line(screen.typed))
        return Group(*parts)
