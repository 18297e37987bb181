"""What the screen shows, as values: the piece or file that plays, and the state of the conversation."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generators.piece import Piece
from intents.model import Intent


@dataclass(frozen=True)
class NowPlaying:
    title: str
    """The piece's title, or the file name of the user's own recording."""
    duration_s: float
    piece: Piece | None = None
    """maestro's own piece (key, tempo, chords, tracks come from its score); None for the user's files."""

    @classmethod
    def of_piece(cls, piece: Piece) -> "NowPlaying":
        return cls(piece.title, piece.duration_s, piece)

    @classmethod
    def of_file(cls, path: Path, frames: int, rate: int) -> "NowPlaying":
        return cls(path.name, frames / rate)


@dataclass
class Screen:
    """The conversation's side of the screen; the audio side (level, position) is read from the devices."""
    busy: str | None = None
    """'thinking' or 'transcribing' while a turn is worked on, else None."""
    heard: str = ""
    """The user's last request: the final transcript, or the typed line."""
    intent: Intent | None = None
    reply: str = ""
    typed: str = ""
    """The line being typed."""
    now: NowPlaying | None = None


def status(screen: Screen, mic, player) -> str:
    """listening / hearing speech / transcribing / thinking / speaking / playing / paused / ready, or "press Enter
    to talk" when push-to-talk waits for a press."""
    if screen.busy:
        return screen.busy
    if mic is not None and mic.hearing:
        return "hearing speech"
    if mic is not None and not mic.armed:
        return "press Enter to talk"
    if player is not None and player.speaking():
        return "speaking"
    if player is not None and player.active():
        return "paused" if player.paused else "playing"
    return "listening" if mic is not None else "ready"
