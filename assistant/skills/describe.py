"""Sentences about pieces and what changed between two versions."""
from __future__ import annotations

from generators.compose import Request
from generators.piece import Piece

ARTICLE = {"a": "an", "e": "an", "i": "an", "o": "an", "u": "an"}
GENRE_WORD = {"lofi": "lo-fi", "hiphop": "hip-hop"}


def spoken_seconds(s: float) -> str:
    s = round(s)
    if s < 90:
        return f"{s} seconds"
    minutes = f"{s // 60} minute{'s' if s >= 120 else ''}"
    return f"{minutes} {s % 60} seconds" if s % 60 else minutes


def describe(piece: Piece) -> str:
    words = f"{piece.mood} {GENRE_WORD.get(piece.genre, piece.genre)}"
    article = ARTICLE.get(words[0], "a")
    return (f"{article} {words} piece in {piece.key.name} at {piece.tempo_bpm:g} BPM, "
            f"{spoken_seconds(piece.duration_s)} long, with {', '.join(piece.instruments())}")


def picked(piece: Piece, request: Request) -> str:
    """"I picked ..." for what the request left open."""
    chosen = []
    if not request.genre:
        chosen.append(GENRE_WORD.get(piece.genre, piece.genre))
    if not request.mood:
        chosen.append(f"a {piece.mood} mood")
    if not request.key:
        chosen.append(piece.key.name)
    if not request.tempo_bpm:
        chosen.append(f"{piece.tempo_bpm:g} BPM")
    if not chosen:
        return ""
    return f" I picked {', '.join(chosen[:-1]) + ' and ' + chosen[-1] if len(chosen) > 1 else chosen[0]}."


def changes(old: Piece, new: Piece) -> str:
    said = []
    if new.genre != old.genre:
        said.append(f"Now it's {GENRE_WORD.get(new.genre, new.genre)}, same melody")
    if new.mood != old.mood:
        said.append(f"the mood is {new.mood}")
    if new.key != old.key:
        said.append(f"the key is {new.key.name} (was {old.key.name})")
    if new.tempo_bpm != old.tempo_bpm:
        said.append(f"the tempo is {new.tempo_bpm:g} BPM (was {old.tempo_bpm:g})")
    if new.time_signature != old.time_signature:
        said.append(f"it's in {new.time_signature} time")
    if abs(new.duration_s - old.duration_s) > 0.5 and new.tempo_bpm == old.tempo_bpm:
        said.append(f"it's {spoken_seconds(new.duration_s)} long")
    added = [i for i in new.instruments() if i not in old.instruments()]
    gone = [i for i in old.instruments() if i not in new.instruments()]
    if added:
        said.append(f"added {', '.join(added)}")
    if gone:
        said.append(f"took out {', '.join(gone)}")
    levels = [t.name for t, u in zip(new.tracks, old.tracks) if t.name == u.name and t.gain != u.gain]
    if levels and not added and not gone:
        said.append(f"changed the level of the {', '.join(levels)}")
    if not said and new.seed != old.seed:
        said.append(f"Here's another {GENRE_WORD.get(new.genre, new.genre)} piece like it")
    if not said:
        return ""
    text = "; ".join(said)
    return text[0].upper() + text[1:] + "."
