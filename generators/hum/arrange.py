"""A hummed tune becomes a piece in a style: the tune is the melody, played twice (the second time as the chorus,
so the arrangement lifts it) between a two-bar intro and a two-bar outro, moved by octaves to the style's melody
register, on chords chosen for it (harmonize.py); bass, comping, pad and drums are the style's, written against
those chords as for any piece."""
from __future__ import annotations

import random
from dataclasses import replace

from generators import styles
from generators.compose import PAN, Context, make_track, title_for, within
from generators.compose.arrange import arrange
from generators.compose.plan import Request, make_plan
from generators.hum.harmonize import chords_for
from generators.hum.quantize import HummedTune
from generators.piece import Note, Piece, Section, Track

FRAME_BARS = 2
"""Bars of intro and of outro."""
MIN_PLAYS, MIN_SECONDS = 2, 20.0
"""The tune plays at least twice, and more often while the piece is shorter than this."""


def form(tune: HummedTune, seconds: float | None = None) -> tuple[tuple[Section, ...], list[float]]:
    """The sections, and the beat where each playing of the tune starts: MIN_PLAYS and MIN_SECONDS, or as many
    plays (at least one) as make the piece at least `seconds` long."""
    bar = float(tune.beats_per_bar)
    frame = FRAME_BARS * bar
    plays = MIN_PLAYS if seconds is None else 1
    while (2 * frame + plays * tune.length_beats) * 60 / tune.tempo_bpm < (seconds or MIN_SECONDS):
        plays += 1
    sections, starts, at = [Section("intro", 0.0, frame)], [], frame
    for i in range(plays):
        sections.append(Section("chorus" if i % 2 else "verse", at, tune.length_beats))
        starts.append(at)
        at += tune.length_beats
    sections.append(Section("outro", at, frame))
    return tuple(sections), starts


def in_register(notes: tuple[Note, ...], centre: int) -> tuple[Note, ...]:
    """The tune moved by whole octaves so that its middle sits nearest the style's melody register."""
    pitches = sorted(n.pitch for n in notes)
    middle = pitches[len(pitches) // 2]
    shift = 12 * round((centre - middle) / 12)
    return tuple(replace(n, pitch=n.pitch + shift) for n in notes)


def piece_of(tune: HummedTune, request: Request, seconds: float | None = None) -> Piece:
    """The piece whose melody is the tune, in the requested style (the key and tempo are the tune's); `seconds`
    as in `form`."""
    plan = make_plan(replace(request, key=tune.key.name, tempo_bpm=tune.tempo_bpm, time_signature=tune.meter))
    genre, mood = plan.genre, plan.mood
    rng = random.Random(plan.seed)
    sections, starts = form(tune, seconds)
    length = sections[-1].start + sections[-1].duration
    melody = in_register(tune.notes, genre.melody_register + mood.register)
    played = tuple(replace(n, start=n.start + at) for at in starts for n in melody)
    ctx = Context(genre, mood, tune.key, chords_for(played, genre, tune.key, tune.beats_per_bar, length), sections,
                  float(tune.beats_per_bar), tune.meter)
    parts = dict(genre.parts)
    tracks = [make_track(role, parts[role], ctx, rng) for role in ("chords", "bass", "pad") if role in parts]
    lead = parts["melody"]
    tracks.insert(2 if len(tracks) >= 2 else len(tracks), Track(
        lead, "melody", styles.instruments()[lead],
        within(arrange("melody", list(played), genre.name, sections), length), pan=PAN["melody"]))
    if genre.drums and mood.drums > 0:
        tracks.insert(0, make_track("drums", "drums", ctx, rng))
    return Piece(title=f"{title_for(genre.name, mood.name, tune.key.tonic)} (your tune)", genre=genre.name,
                 mood=mood.name, key=tune.key, tempo_bpm=tune.tempo_bpm, beats_per_bar=tune.beats_per_bar,
                 beat_unit=4, length_beats=length, tracks=tuple(tracks), chords=ctx.chords, sections=sections,
                 seed=plan.seed, swing=genre.swing, style=(("reverb", genre.reverb), ("chorus", genre.chorus)),
                 request=tuple((k, str(v)) for k, v in vars(request).items() if v not in (None, ())) + (
                     ("melody", "hummed"),))
