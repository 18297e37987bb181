"""analyze: exact answers about maestro's own pieces, from the score; estimates about the user's own recording
when that is what was played last (assistant.skills.estimates)."""
from __future__ import annotations

from pathlib import Path

from assistant.session import Session
from assistant.skills import Reply
from assistant.skills.compose import NO_PIECE
from assistant.skills.describe import GENRE_WORD, spoken_seconds
from intents.model import Intent


def _chords(piece, position: float | None) -> str:
    progression = ", ".join(piece.chord_symbols()[:8])
    now = piece.chord_at(position) if position is not None else None
    return f"The chords are {progression}." + (f" Right now it's {now}." if now else "")


def _sections(piece) -> str:
    labels = [s.label for s in piece.sections]
    return ", ".join(dict.fromkeys(labels)) if len(labels) < 3 else ", ".join(labels)


ANSWERS = {
    "key": lambda p, pos: f"It's in {p.key.name}.",
    "tempo": lambda p, pos: f"It's {p.tempo_bpm:g} BPM.",
    "chords": _chords,
    "instruments": lambda p, pos: f"You're hearing {', '.join(p.instruments())}.",
    "genre": lambda p, pos: f"It's {GENRE_WORD.get(p.genre, p.genre)}.",
    "mood": lambda p, pos: f"The mood is {p.mood}.",
    "duration": lambda p, pos: f"It's {spoken_seconds(p.duration_s)} long.",
    "time_signature": lambda p, pos: f"It's in {p.time_signature} time.",
    "loudness": lambda p, pos: "It's mastered to minus 14 LUFS, the usual streaming loudness.",
    "title": lambda p, pos: f"It's called {p.title}.",
}


def _users_file(session: Session) -> Path | None:
    played = session.state.last_played
    if played is None or Path(played).parent == session.store.pieces:
        return None
    return Path(played) if Path(played).is_file() else None


def _about_recording(path: Path, aspect: str | None, position: float | None) -> Reply:
    from assistant import paths
    from assistant.skills.estimates import answer
    from generators.analysis import analyze_cached

    try:
        analysis = analyze_cached(path, paths.cache_dir() / "analysis")
    except Exception as exc:  # noqa: BLE001 - a file that went bad since it played
        return Reply(f"I can't analyse {path.name} ({exc.__class__.__name__}).")
    return Reply(answer(aspect, analysis, path.name, position))


def analyze(intent: Intent, session: Session) -> Reply:
    position = session.playback.position()
    aspect = intent.slots.aspect
    recording = _users_file(session)
    if recording is not None:
        return _about_recording(recording, aspect, position)
    current = session.current()
    if current is None:
        return Reply(NO_PIECE)
    piece = current.piece
    if aspect in ANSWERS:
        return Reply(ANSWERS[aspect](piece, position))
    return Reply(f"{piece.title}: {GENRE_WORD.get(piece.genre, piece.genre)}, {piece.mood}, in {piece.key.name} at "
                 f"{piece.tempo_bpm:g} BPM in {piece.time_signature}, {spoken_seconds(piece.duration_s)} long, with "
                 f"{', '.join(piece.instruments())}. Sections: {_sections(piece)}. {_chords(piece, position)}")
