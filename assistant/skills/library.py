"""save: copies of the current piece in the user's library, under safe names that never overwrite."""
from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path

from assistant.session import Session
from assistant.skills import Reply
from assistant.skills.compose import NO_PIECE
from generators.export import ExportError, atomic_write
from intents.model import Intent

RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
MAX_NAME = 80


def safe_name(said: str) -> str:
    """A file name from what was said: letters, digits and dashes only, no path, not a reserved device name."""
    text = unicodedata.normalize("NFKD", said).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:MAX_NAME].strip("-")
    if not text:
        return "untitled"
    return f"song-{text}" if text.split("-")[0] in RESERVED or text in RESERVED else text


def free_path(folder: Path, stem: str, ext: str) -> Path:
    path = folder / f"{stem}.{ext}"
    n = 2
    while path.exists():
        path = folder / f"{stem}-{n}.{ext}"
        n += 1
    return path


def save(intent: Intent, session: Session) -> Reply:
    current = session.current()
    if current is None:
        return Reply(NO_PIECE)
    s = intent.slots
    fmt = s.format or "wav"
    stem = safe_name(s.filename or current.piece.title)
    folder = session.library()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = free_path(folder, stem, fmt)
        _write(current, path, fmt)
    except (OSError, ExportError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        return Reply(f"I couldn't save it: {reason}. Nothing was lost; the piece is still in this session.")
    renamed = "" if path.stem == stem else f" ({stem} was taken)"
    return Reply(f"Saved as {path.name}{renamed} in {folder}.")


def _write(current, path: Path, fmt: str) -> None:
    from generators.export import write_audio, write_score

    if fmt == "wav":
        atomic_write(path, lambda tmp: shutil.copyfile(current.files.audio, tmp))
    elif fmt == "mid":
        write_score(current.piece, path)
    else:
        import soundfile

        audio, rate = soundfile.read(str(current.files.audio), dtype="float32", always_2d=True)
        write_audio(audio, rate, path)
