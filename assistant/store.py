"""The session store (`--session DIR`): the current piece, every version of every piece (score, MIDI and audio)
and the conversation. Every file is written atomically (temp file, fsync, rename) and state.json, written last, is
the commit point, so a kill at any moment leaves the last complete state readable.

    DIR/state.json                 timeline of (piece, version) with an undo cursor, volume, conversation
    DIR/pieces/p0001-v1.json       the score of each version (its audio and MIDI beside it)
"""
from __future__ import annotations

import contextlib
import json
import math
import os
import re
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from assistant.errors import UserError
from generators import score
from generators.export import ExportError, atomic_write, write_audio, write_score
from generators.piece import Piece

FORMAT = 1
MAX_TURNS = 200
VERSION_FILE = re.compile(r"(p\d{4,})-v(\d+)\.json$")


def _integer(value, low: int, high: int | None = None) -> int:
    if type(value) is not int or value < low or (high is not None and value > high):
        raise ValueError(f"{value!r} is not a whole number in range")
    return value


def _time(value) -> float:
    if type(value) not in (int, float) or not math.isfinite(value):
        raise ValueError(f"{value!r} is not a time")
    return float(value)


def _text(value) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not text")
    return value


def _optional_text(value) -> str | None:
    return None if value is None else _text(value)


class StoreError(UserError):
    """The store cannot be written (read-only, disk full): nothing already saved is touched."""


class SessionBusy(StoreError):
    """Another turn held the session longer than we were willing to wait."""


TURN_WAIT_S = 60.0
"""How long a turn waits for another one on the same session folder before it says the session is busy."""


@dataclass(frozen=True)
class Turn:
    user: str
    intent: str
    reply: str
    at: float
    conversation_id: str | None = None
    """The Wyoming client's conversation (Home Assistant's conversation_id) the turn came from; None for turns
    taken on this machine (the live session, `maestro ask`)."""


@dataclass(frozen=True)
class State:
    timeline: tuple[tuple[str, int], ...] = ()
    """Every (piece id, version) the session has shown, in order; undo and redo move the cursor along it."""
    cursor: int = -1
    """Index of the current entry in the timeline; -1 when there is no piece yet."""
    next_piece: int = 1
    volume: int = 80
    last_played: str | None = None
    """The last audio file played (a piece's or the user's own)."""
    conversation: tuple[Turn, ...] = field(default=())

    @property
    def current(self) -> tuple[str, int] | None:
        return self.timeline[self.cursor] if self.cursor >= 0 else None

    def moved_to(self, entry: tuple[str, int]) -> "State":
        """A new current entry: the redo tail is dropped, as in every editor."""
        timeline = self.timeline[: self.cursor + 1] + (entry,)
        return replace(self, timeline=timeline, cursor=len(timeline) - 1)

    def with_turn(self, turn: Turn) -> "State":
        return replace(self, conversation=(self.conversation + (turn,))[-MAX_TURNS:])


@dataclass(frozen=True)
class VersionFiles:
    score: Path
    audio: Path
    midi: Path


class Store:
    def __init__(self, root: Path):
        self.root = Path(root).expanduser().resolve()
        self.pieces = self.root / "pieces"
        self.state_file = self.root / "state.json"
        self.warnings: list[str] = []

    # --- one turn at a time ----------------------------------------------------------------------------------
    @contextlib.contextmanager
    def turn(self, wait_s: float = TURN_WAIT_S):
        """Exclusive use of the session folder for one turn, across threads and processes (an flock on DIR/.lock,
        released by the kernel if the process dies). Waits up to `wait_s`, then raises SessionBusy."""
        import fcntl

        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.root / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(f"cannot use the session in {self.root}: {exc.strerror or exc}") from None
        try:
            deadline = time.monotonic() + wait_s
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise SessionBusy(f"the session in {self.root} is busy with another request "
                                          f"(waited {wait_s:g} s); nothing was changed, try again") from None
                    time.sleep(0.02)
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the lock

    # --- state -----------------------------------------------------------------------------------------------
    def load(self) -> State:
        try:
            raw = json.loads(self.state_file.read_text(encoding="utf-8"))
            return self._state_from(raw)
        except FileNotFoundError:
            return self._rebuilt() if self.pieces.is_dir() else State()
        except (ValueError, KeyError, TypeError, AttributeError):
            moved = self.quarantine(self.state_file)
            self.warnings.append(f"the session state was damaged and was moved aside to {moved.name}; "
                                 "your pieces are still here")
            return self._rebuilt()
        except OSError as exc:
            raise StoreError(f"cannot read the session in {self.root}: {exc.strerror or exc}") from None

    def _state_from(self, raw: dict) -> State:
        """Every field checked: anything else raises ValueError, and the file is moved aside."""
        if raw.get("format") != FORMAT:
            raise ValueError("unknown state format")
        timeline = tuple((_text(p), _integer(v, 1)) for p, v in raw["timeline"])
        cursor = _integer(raw["cursor"], -1, len(timeline) - 1)
        if timeline and cursor < 0:
            raise ValueError("cursor out of range")
        turns = tuple(Turn(_text(t["user"]), _text(t["intent"]), _text(t["reply"]), _time(t["at"]),
                           _optional_text(t.get("conversation_id"))) for t in raw.get("conversation", []))
        played = _optional_text(raw.get("last_played"))
        return State(timeline, cursor, _integer(raw["next_piece"], 1), _integer(raw.get("volume", 80), 0, 100),
                     played, turns)

    def _rebuilt(self) -> State:
        """A state derived from the versions on disk: every version in order, the newest current."""
        versions = sorted(self.versions_on_disk())
        if not versions:
            return State()
        last_piece = max(int(p[1:]) for p, _ in versions)
        return State(tuple(versions), len(versions) - 1, last_piece + 1)

    def commit(self, state: State) -> None:
        data = {"format": FORMAT, **asdict(state)}
        data["timeline"] = [list(e) for e in state.timeline]
        text = json.dumps(data, indent=1)
        self._guard(lambda: atomic_write(self.state_file, lambda tmp: tmp.write_text(text, encoding="utf-8")))

    # --- versions --------------------------------------------------------------------------------------------
    def files(self, piece_id: str, version: int) -> VersionFiles:
        stem = self.pieces / f"{piece_id}-v{version}"
        return VersionFiles(stem.with_suffix(".json"), stem.with_suffix(".wav"), stem.with_suffix(".mid"))

    def versions_on_disk(self) -> list[tuple[str, int]]:
        if not self.pieces.is_dir():
            return []
        return [(m.group(1), int(m.group(2))) for p in self.pieces.iterdir() if (m := VERSION_FILE.match(p.name))]

    def next_version(self, piece_id: str) -> int:
        return 1 + max((v for p, v in self.versions_on_disk() if p == piece_id), default=0)

    def save_version(self, piece_id: str, version: int, piece: Piece, audio, sample_rate: int) -> VersionFiles:
        """Audio, then MIDI, then the score: the score's presence marks a complete version."""
        files = self.files(piece_id, version)
        self._guard(lambda: write_audio(audio, sample_rate, files.audio))
        self._guard(lambda: write_score(piece, files.midi))
        self._guard(lambda: write_score(piece, files.score))
        return files

    def load_piece(self, piece_id: str, version: int) -> Piece:
        path = self.files(piece_id, version).score
        try:
            return score.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise StoreError(f"version {version} of {piece_id} is missing from {self.pieces}") from None
        except (ValueError, KeyError, TypeError) as exc:
            moved = self.quarantine(path)
            raise StoreError(f"version {version} of {piece_id} was damaged ({exc.__class__.__name__}) "
                             f"and was moved aside to {moved.name}") from None

    def quarantine(self, path: Path) -> Path:
        target = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            path.replace(target)
        except OSError:
            pass
        return target

    def _guard(self, action) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            action()
        except (OSError, ExportError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            raise StoreError(f"cannot write to the session in {self.root}: {reason}; "
                             "nothing saved was changed") from None
