"""New takes: one part written again over the whole piece ("a new melody", "a different bass line", "change the
drum groove"), or every part of a section ("write a new chorus"), keeping everything else note for note. A section
that comes back gets the same new take each time, unless one occurrence was named."""
from __future__ import annotations

import dataclasses
import random

from generators import styles
from generators.compose import Context, make_track, melody_notes, within
from generators.compose.arrange import arrange
from generators.compose.drums import drum_part
from generators.compose.humanize import humanize
from generators.form import Span, chords_under, label_at, splice
from generators.piece import Note, Piece, Section, Track

LIVELY = 1.4
"""Density factor of a livelier melody ("make the melody more interesting")."""


def _groove(piece: Piece, rng: random.Random) -> str:
    """Another groove of the same grid (16 steps for 4/4, 12 for 3/4 and 6/8) than the style's."""
    genre = styles.genres()[piece.genre]
    patterns = styles.drum_patterns()
    steps = len(next(iter(patterns[genre.drums or "pop"].values())))
    others = sorted(k for k, v in patterns.items() if not k.startswith("fill:") and k != genre.drums
                    and len(next(iter(v.values()))) == steps)
    return rng.choice(others)


def _part(track: Track, ctx: Context, rng: random.Random, lively: bool, groove: str | None) -> list[Note]:
    if track.role == "melody":
        played = humanize(melody_notes(ctx, rng, lively=LIVELY if lively else 1.0), rng, ctx.genre.swing)
        return arrange("melody", played, ctx.genre.name, ctx.sections)
    if track.is_drum and groove:
        notes = drum_part(groove, ctx.genre.fill, ctx.sections, ctx.bar_beats, ctx.mood.drums or 0.8)
        return arrange("drums", humanize(notes, rng, ctx.genre.swing, timing=0.004), ctx.genre.name, ctx.sections)
    return list(make_track(track.role, track.name, ctx, rng).notes)


def new_part(piece: Piece, track: Track, seed: int, lively: bool = False) -> Piece:
    """The track written again with another seed (a livelier melody when asked; the drums in another groove)."""
    rng = random.Random(seed)
    ctx = Context.of(piece)
    groove = _groove(piece, rng) if track.is_drum else None
    notes = within(tuple(_part(track, ctx, rng, lively, groove)), piece.length_beats)
    return piece.replace(tracks=tuple(dataclasses.replace(t, notes=notes) if t is track else t for t in piece.tracks))


def _section_context(piece: Piece, span: Span) -> Context:
    """The piece's context narrowed to one span: its section and the chords under it."""
    return dataclasses.replace(Context.of(piece), chords=tuple(chords_under(piece.chords, span)),
                               sections=(Section(label_at(piece, span.start), span.start, span.length),))


def new_section(piece: Piece, spans: tuple[Span, ...], seed: int, roles: tuple[str, ...] = ()) -> Piece:
    """Every part that plays in the spans (or the named roles) written again there; the first span's take is
    repeated in the others of the same length."""
    rng = random.Random(seed)
    first = spans[0]
    ctx = _section_context(piece, first)
    tracks = []
    for t in piece.tracks:
        plays = any(first.start <= n.start < first.end for n in t.notes)
        if (roles and t.role not in roles and t.name not in roles) or (not roles and (not plays or t.is_drum)):
            tracks.append(t)
            continue
        notes = _part(t, ctx, rng, lively=False, groove=None)
        copies = [dataclasses.replace(n, start=round(n.start - first.start + s.start, 4))
                  for s in spans[1:] if abs(s.length - first.length) < 1e-6 for n in notes]
        fresh = [new for s in spans[1:] if abs(s.length - first.length) >= 1e-6
                 for new in _part(t, _section_context(piece, s), rng, False, None)]
        tracks.append(splice(t, notes + copies + fresh, spans))
    return piece.replace(tracks=tuple(tracks))
