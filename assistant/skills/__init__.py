"""Skills: one function per intent, (Intent, Session) → Reply. The dialogue manager picks by intent name."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Reply:
    text: str
    """What to show and say."""
    play: Path | None = None
    """Audio to start playing."""
    control: str | None = None
    """A playback command: pause, resume, stop or volume (carried out by assistant.playback after the turn)."""
    volume: int | None = None
    """The new volume, 0-100, with control "volume"."""
    quit: bool = False
