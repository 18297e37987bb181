"""play, pause, resume, stop and volume. Without a running player (a one-shot `ask`), they say so."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from assistant.session import Session
from assistant.skills import Reply
from assistant.skills.compose import NO_PIECE
from intents.model import Intent

AUDIO_EXT = (".wav", ".flac", ".ogg", ".mp3")
STEP = 15
NOT_PLAYING = "Nothing is playing right now."


def _find_file(name: str, session: Session) -> Path | None:
    candidate = Path(name).expanduser()
    if candidate.suffix.lower() in AUDIO_EXT and candidate.is_file():
        return candidate.resolve()
    from assistant.skills.library import safe_name

    stem = safe_name(name)
    folder = session.library()
    for ext in AUDIO_EXT:
        if (folder / f"{stem}{ext}").is_file():
            return folder / f"{stem}{ext}"
    return None


def _previous_piece(session: Session):
    state = session.state
    here = state.current[0] if state.current else None
    for entry in reversed(state.timeline[: state.cursor]):
        if entry[0] != here:
            return session.piece_at(entry)
    return None


def _your_tune(session: Session):
    """The newest version of the latest piece built on a hummed tune, now or earlier on the timeline."""
    from generators.hum.develop import is_hummed

    current = session.current()
    if current is not None and is_hummed(current.piece):
        return current
    state = session.state
    for entry in reversed(state.timeline[: state.cursor]):
        found = session.piece_at(entry)
        if is_hummed(found.piece):
            return found
    return None


def play(intent: Intent, session: Session) -> Reply:
    s = intent.slots
    if s.filename:
        path = _find_file(s.filename, session)
        if path is None:
            return Reply(f"I can't find '{s.filename}' in your library ({session.library()}) or as a file path.")
        return Reply(f"Playing {path.name}.", play=path)
    current = _previous_piece(session) if s.target == "previous" else session.current()
    if s.target == "tune":
        current = _your_tune(session) or current  # "my tune" may just mean the piece playing
    if current is None:
        return Reply("There is no earlier piece." if s.target == "previous" else NO_PIECE)
    return Reply(f"Playing {current.piece.title}, version {current.version}.", play=current.files.audio)


def _control(name: str, done: str):
    """Said when something plays (here, or in another `ask` process); the port carries it out after the turn."""
    def skill(intent: Intent, session: Session) -> Reply:
        if not session.playback.active():
            return Reply(NOT_PLAYING)
        return Reply(done, control=name)
    return skill


pause = _control("pause", "Paused.")
resume = _control("resume", "Resuming.")
stop = _control("stop", "Stopped.")


def volume(intent: Intent, session: Session) -> Reply:
    s = intent.slots
    now = session.state.volume
    if s.volume is not None:
        new = s.volume
    elif s.volume_change:
        new = now + (STEP if s.volume_change == "up" else -STEP)
    else:
        return Reply(f"The volume is {now}. Say \"volume 60\" or \"turn it up\".")
    new = max(0, min(100, new))
    session.state = replace(session.state, volume=new)  # the one source of truth, kept across restarts
    return Reply(f"Volume {new}.", control="volume", volume=new)
