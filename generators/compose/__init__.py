"""Composing: a Request becomes a Piece. Same seed, same piece; the style YAML decides how it sounds."""
from __future__ import annotations

import random

from generators import styles
from generators.compose.bass import bass_line
from generators.compose.comping import comp_part
from generators.compose.drums import drum_part
from generators.compose.harmony import chord_spans, sections
from generators.compose.humanize import humanize
from generators.compose.melody import melody_part
from generators.compose.plan import Plan, Request, make_plan
from generators.piece import Note, Piece, Track

__all__ = ["Request", "compose", "title_for"]

PAN = {"drums": 64, "bass": 64, "chords": 48, "melody": 80, "pad": 64}
DISPLAY = {"lofi": "Lo-fi", "hiphop": "Hip-hop"}


def title_for(genre: str, mood: str, tonic: str) -> str:
    return f"{mood.capitalize()} {DISPLAY.get(genre, genre.capitalize())} in {tonic}"


def assign_instruments(plan: Plan, wanted: tuple[str, ...]) -> dict[str, str]:
    """Style instruments by role, with the requested ones placed: basses on bass, others melody → chords → pad."""
    parts = dict(plan.genre.parts)
    free = ["melody", "chords", "pad"]
    for name in wanted:
        role = "bass" if "bass" in name else (free.pop(0) if free else None)
        if role:
            parts[role] = name
            if role in free:
                free.remove(role)
    return parts


def _shift(notes: list[Note], semitones: int, velocity: int) -> list[Note]:
    return [Note(n.pitch + semitones, n.start, n.duration, max(1, min(127, n.velocity + velocity))) for n in notes]


def compose(request: Request) -> Piece:
    plan = make_plan(request)
    rng = random.Random(plan.seed)
    genre, mood = plan.genre, plan.mood
    secs = sections(plan)
    chords = chord_spans(plan, secs, rng)
    bar = plan.meter[0] * 4 / plan.meter[1]
    parts = assign_instruments(plan, request.instruments)
    programs = styles.instruments()
    notes: dict[str, list[Note]] = {
        "chords": comp_part(genre.comp, chords, rng),
        "bass": bass_line(genre.bass, chords, plan.key, rng),
        "melody": melody_part(plan.key, chords, secs, bar, genre.melody_register + mood.register,
                              genre.melody_density * mood.density, genre.melody_step, rng, 92 + mood.velocity),
    }
    if "pad" in parts:
        notes["pad"] = _shift(comp_part("sustain", chords, rng, centre=55), 0, -16)
    notes["chords"] = _shift(notes["chords"], 0, mood.velocity // 2)
    tracks = [Track(parts[role], role, programs[parts[role]], humanize(ns, rng, genre.swing), pan=PAN[role])
              for role, ns in notes.items() if ns]
    if genre.drums and mood.drums > 0:
        drums = drum_part(genre.drums, genre.fill, secs, bar, mood.drums)
        tracks.insert(0, Track("drums", "drums", 0, humanize(drums, rng, genre.swing, timing=0.004), pan=64))
    request_pairs = tuple((k, str(v)) for k, v in vars(request).items() if v not in (None, ()))
    return Piece(title=title_for(genre.name, mood.name, plan.key.tonic), genre=genre.name, mood=mood.name,
                 key=plan.key, tempo_bpm=plan.tempo_bpm, beats_per_bar=plan.meter[0], beat_unit=plan.meter[1],
                 length_beats=plan.length_beats, tracks=tuple(tracks), chords=chords, sections=secs, seed=plan.seed,
                 swing=genre.swing, style=(("reverb", genre.reverb), ("chorus", genre.chorus)),
                 request=request_pairs)
