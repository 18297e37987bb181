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
    """A playback command for the player: pause, resume, stop or volume."""
    quit: bool = False
