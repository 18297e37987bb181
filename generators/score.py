"""The score as JSON (for the session store and export) and back. Notes are packed as [pitch, start, length, vel]."""
from __future__ import annotations

from typing import Any

from generators.piece import ChordSpan, Note, Piece, Section, Track
from generators.theory import Chord, Key

FORMAT = 1


def to_dict(piece: Piece) -> dict[str, Any]:
    return {
        "format": FORMAT, "title": piece.title, "genre": piece.genre, "mood": piece.mood, "key": piece.key.name,
        "tempo_bpm": piece.tempo_bpm, "time_signature": piece.time_signature, "length_beats": piece.length_beats,
        "seed": piece.seed, "swing": piece.swing, "style": dict(piece.style), "request": dict(piece.request),
        "sections": [[s.label, s.start, s.duration] for s in piece.sections],
        "chords": [[c.start, c.duration, c.chord.root, c.chord.quality] for c in piece.chords],
        "tracks": [{"name": t.name, "role": t.role, "program": t.program, "gain": t.gain, "pan": t.pan,
                    "notes": [[n.pitch, n.start, n.duration, n.velocity] for n in t.notes]} for t in piece.tracks],
    }


def from_dict(data: dict[str, Any]) -> Piece:
    """Raises KeyError, TypeError or ValueError on a malformed document."""
    if not isinstance(data, dict):
        raise TypeError("a score is a JSON object")
    if data.get("format") != FORMAT:
        raise ValueError(f"unknown score format {data.get('format')!r}")
    num, den = (int(x) for x in data["time_signature"].split("/"))
    tracks = tuple(Track(t["name"], t["role"], int(t["program"]),
                         tuple(Note(int(p), float(s), float(d), int(v)) for p, s, d, v in t["notes"]),
                         float(t.get("gain", 1.0)), int(t.get("pan", 64))) for t in data["tracks"])
    return Piece(
        title=str(data["title"]), genre=str(data["genre"]), mood=str(data["mood"]), key=Key.parse(data["key"]),
        tempo_bpm=float(data["tempo_bpm"]), beats_per_bar=num, beat_unit=den, length_beats=float(data["length_beats"]),
        tracks=tracks,
        chords=tuple(ChordSpan(float(s), float(d), Chord(int(r), str(q))) for s, d, r, q in data["chords"]),
        sections=tuple(Section(str(label), float(s), float(d)) for label, s, d in data["sections"]),
        seed=int(data["seed"]),
        swing=float(data.get("swing", 0.0)), style=tuple(data.get("style", {}).items()),
        request=tuple((str(k), str(v)) for k, v in data.get("request", {}).items()))
