"""Composing: a Request becomes a Piece. Same seed, same piece; the style YAML decides how it sounds."""
from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace

from generators import styles
from generators.compose import learned
from generators.compose.arrange import arrange
from generators.compose.bass import bass_line
from generators.compose.comping import comp_part
from generators.compose.drums import drum_part
from generators.compose.harmony import chord_spans, sections
from generators.compose.humanize import humanize
from generators.compose.melody import melody_part
from generators.compose.plan import Plan, Request, make_plan
from generators.learn import runtime
from generators.piece import ChordSpan, Note, Piece, Section, Track
from generators.theory import Key

__all__ = ["Context", "Request", "compose", "make_track", "title_for"]

PAN = {"drums": 64, "bass": 64, "chords": 48, "melody": 80, "pad": 64}
DISPLAY = {"lofi": "Lo-fi", "hiphop": "Hip-hop"}
MIN_NOTE = 0.05  # beats; the shortest note humanize leaves


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


def _louder(notes: list[Note], velocity: int) -> list[Note]:
    return [Note(n.pitch, n.start, n.duration, max(1, min(127, n.velocity + velocity))) for n in notes]


@dataclass(frozen=True)
class Context:
    """What every part is written against: the style, the key, the harmony and the form."""

    genre: styles.Genre
    mood: styles.Mood
    key: Key
    chords: tuple[ChordSpan, ...]
    sections: tuple[Section, ...]
    bar_beats: float
    meter: str
    """Time signature, "4/4"."""

    @property
    def length(self) -> float:
        """Beats from the start to the end of the form."""
        last = self.sections[-1]
        return last.start + last.duration

    @staticmethod
    def for_plan(plan: Plan, rng: random.Random) -> "Context":
        """The context a plan is written in: its sections and their chords (drawn with `rng`)."""
        secs = sections(plan)
        return Context(plan.genre, plan.mood, plan.key, chord_spans(plan, secs, rng), secs,
                       plan.meter[0] * 4 / plan.meter[1], f"{plan.meter[0]}/{plan.meter[1]}")

    @staticmethod
    def of(piece: Piece, genre: str | None = None) -> "Context":
        """The context a piece was written in (in another genre's style when one is named)."""
        return Context(styles.genres()[genre or piece.genre], styles.moods()[piece.mood], piece.key, piece.chords,
                       piece.sections, piece.bar_beats, piece.time_signature)


def melody_notes(ctx: Context, rng: random.Random, engine: str | None = None, lively: float = 1.0,
                 register: int = 0) -> list[Note]:
    """The melody by the style's engine (or the one named): the learned model when its weights load and it knows
    the meter, else the rules. `lively` scales the density ("more interesting"); `register` moves the centre."""
    g, m = ctx.genre, ctx.mood
    shape = learned.Shape(g.melody_register + m.register + register, min(1.0, g.melody_density * m.density * lively),
                          g.melody_step, 92 + m.velocity, source=g.melody_source, lively=lively > 1)
    model = runtime.available() if (engine or g.melody_engine) == "learned" and learned.supported(ctx.meter) else None
    if model is not None:
        return learned.melody_part(model, ctx.key, ctx.meter, ctx.chords, ctx.sections, shape, rng)
    return melody_part(ctx.key, ctx.chords, ctx.sections, ctx.bar_beats, shape.register, shape.density, shape.step,
                       rng, shape.velocity)


def make_part(role: str, ctx: Context, rng: random.Random) -> list[Note]:
    """The notes of one part in the context's style (drums fall back to a pop groove in styles without drums)."""
    g, m = ctx.genre, ctx.mood
    if role == "drums":
        return drum_part(g.drums or "pop", g.fill, ctx.sections, ctx.bar_beats, m.drums or 0.8)
    if role == "bass":
        return bass_line(g.bass, ctx.chords, ctx.key, rng)
    if role == "melody":
        return melody_notes(ctx, rng)
    minor = ctx.key.is_minor  # the third doubled where overtones would make a minor key sound major
    if role == "pad":
        return _louder(comp_part("sustain", ctx.chords, rng, centre=55, third_above=minor), -16)
    return _louder(comp_part(g.comp, ctx.chords, rng, third_above=minor), m.velocity // 2)


def make_track(role: str, instrument: str, ctx: Context, rng: random.Random) -> Track:
    notes = reachable(make_part(role, ctx, rng), styles.lowest_note(instrument))
    timing = 0.004 if role == "drums" else 0.01
    program = 0 if role == "drums" else styles.instruments()[instrument]
    played = humanize(notes, rng, ctx.genre.swing, timing=timing)
    return Track(instrument, role, program, within(arrange(role, played, ctx.genre.name, ctx.sections), ctx.length),
                 pan=PAN[role])


def reachable(notes: list[Note], lowest: int | None) -> list[Note]:
    """The part moved up by whole octaves until the instrument can play it (a bass line given to a cello, whose
    lowest string is C2: below it FluidSynth plays samples stretched down, and they sound their overtones)."""
    if lowest is None or not notes:
        return notes
    up = 12 * -(-(lowest - min(n.pitch for n in notes)) // 12)
    return [replace(n, pitch=n.pitch + up) for n in notes] if up > 0 else notes


def within(notes: Sequence[Note], length: float) -> tuple[Note, ...]:
    """The notes cut at the piece's end: a pattern or a swung, humanized note may spill past a last bar that the
    asked duration shortened; such notes go, and the ones that ring past the end are cut short."""
    return tuple(replace(n, duration=round(min(n.duration, length - n.start), 4)) for n in notes
                 if n.start < length - MIN_NOTE)


def compose(request: Request) -> Piece:
    plan = make_plan(request)
    rng = random.Random(plan.seed)
    genre, mood = plan.genre, plan.mood
    ctx = Context.for_plan(plan, rng)
    secs = ctx.sections
    parts = assign_instruments(plan, request.instruments)
    tracks = [make_track(role, parts[role], ctx, rng) for role in ("chords", "bass", "melody", "pad") if role in parts]
    if genre.drums and mood.drums > 0:
        tracks.insert(0, make_track("drums", "drums", ctx, rng))
    chords = ctx.chords
    request_pairs = tuple((k, str(v)) for k, v in vars(request).items() if v not in (None, ()))
    return Piece(title=title_for(genre.name, mood.name, plan.key.tonic), genre=genre.name, mood=mood.name,
                 key=plan.key, tempo_bpm=plan.tempo_bpm, beats_per_bar=plan.meter[0], beat_unit=plan.meter[1],
                 length_beats=plan.length_beats, tracks=tuple(tracks), chords=chords, sections=secs, seed=plan.seed,
                 swing=genre.swing, style=(("reverb", genre.reverb), ("chorus", genre.chorus)),
                 request=request_pairs)
