"""What a modify request does to the piece: whole-piece changes (genre, mood, meter, length, key, tempo,
instruments, levels), then changes to parts (a new take, an octave, a hand-over, a layer), then to sections (mood,
dynamics, instruments, a new take, a fill before, longer, shorter, repeated, cut). Each step says what it did; a
request that asks for what is already so is told so."""
from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass, field

from assistant.skills.describe import GENRE_WORD, changes, spoken_seconds
from generators import edit, form, layers, takes
from generators.hum.develop import is_hummed
from generators.piece import Piece
from generators.theory import Key
from intents.model import Slots

EditErrors = (edit.EditError, form.FormError, layers.LayerError)


@dataclass
class Outcome:
    piece: Piece
    said: list[str] = field(default_factory=list)
    """What changed, one sentence each."""
    already: list[str] = field(default_factory=list)
    """What was asked and is already so."""


def _seed() -> int:
    return random.SystemRandom().randrange(1 << 31)


def _cap(text: str) -> str:
    return text[0].upper() + text[1:]


def _a(name: str) -> str:
    """"a flute", "an oboe", "strings", "brass"."""
    if name.endswith("s") or name in ("brass", "choir"):
        return name
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


# --- the whole piece ------------------------------------------------------------------------------------------

def _already(piece: Piece, s: Slots, section: bool) -> list[str]:
    out = []
    if s.genre and s.genre == piece.genre:
        out.append(f"It's already {GENRE_WORD.get(piece.genre, piece.genre)}.")
    if s.mood and s.mood == piece.mood and not section:
        out.append(f"It's already {piece.mood}.")
    if (s.key and Key.parse(s.key) == piece.key) or (s.mode and not s.key and s.mode == piece.key.mode):
        out.append(f"It's already in {piece.key.name}.")
    if s.tempo_bpm and s.tempo_bpm == piece.tempo_bpm:
        out.append(f"It's already at {piece.tempo_bpm:g} BPM.")
    if s.time_signature and s.time_signature == piece.time_signature:
        out.append(f"It's already in {piece.time_signature} time.")
    return out


def whole(piece: Piece, s: Slots, section: bool) -> Piece:
    """The changes that apply to the whole piece (a section's mood and length are the section's business)."""
    if s.variation and not s.parts and not section:
        return edit.recompose(piece, seed=_seed())
    if s.genre and s.genre != piece.genre:
        piece = edit.restyle(piece, s.genre)
    if s.mood and s.mood != piece.mood and not section:
        piece = edit.change_mood(piece, s.mood)
    if s.time_signature and s.time_signature != piece.time_signature:
        piece = edit.set_time_signature(piece, s.time_signature)
    if s.duration_s:
        piece = edit.set_duration(piece, s.duration_s)
    elif s.duration_change and not section:
        piece = edit.set_duration(piece, piece.duration_s * (1.5 if s.duration_change == "longer" else 2 / 3))
    if s.key:
        piece = edit.change_key(piece, Key.parse(s.key))
    elif s.mode:
        piece = edit.change_mode(piece, s.mode)
    if s.semitones and not s.parts:
        piece = edit.transpose(piece, s.semitones)
    if s.tempo_bpm:
        piece = edit.set_tempo(piece, s.tempo_bpm)
    elif s.tempo_change:
        factor = s.tempo_factor or (1.15 if s.tempo_change == "faster" else 1 / 1.15)
        piece = edit.set_tempo(piece, round(piece.tempo_bpm * factor))
    if s.replace:
        piece = edit.replace_instrument(piece, *s.replace)
    if not section:
        for thing in s.remove:
            piece = edit.remove_part(piece, thing)
        if s.level_change:
            for thing in s.parts:
                piece = edit.set_level(piece, thing, s.level_change == "louder")
    return piece


def _additions(o: Outcome, add: tuple[str, ...]) -> None:
    """"add drums" adds the part; "add a piano chord part" has the piano play it; an instrument alone, or a lead
    instrument's "melody" over the melody there is ("add a sax melody"), joins as a layer."""
    instruments = [a for a in add if a not in edit.PART_ROLES and a != "fill"]
    for role in [a for a in add if a in edit.PART_ROLES]:
        if role == "melody" and instruments and o.piece.track("melody") is not None:
            continue  # the instrument joins the melody there is, as a layer (below)
        inst = instruments.pop(0) if instruments and role in ("melody", "chords", "pad") else None
        o.piece = edit.add_part(o.piece, role, inst)
        o.said.append(f"Added {_a(inst) + ' ' + role if inst else role}.")
    for instrument in instruments:
        o.piece, what = layers.add(o.piece, instrument, _seed())
        o.said.append(f"Added {_a(instrument)}: {'they' if instrument.endswith('s') else 'it'} "
                      f"{what.replace('holds', 'hold') if instrument.endswith('s') else what}.")


# --- parts ----------------------------------------------------------------------------------------------------

PART_WORD = {"melody": "melody", "bass": "bass line", "drums": "drum groove", "chords": "chord part", "pad": "pad"}


def parts(o: Outcome, s: Slots, section: bool) -> None:
    piece = o.piece
    if s.layer is False and s.add:
        o.piece, said = _hand_over(piece, s.add[0])
        o.said += said
        o.already += [] if said else [f"The {s.add[0]} already plays the melody."]
        return
    if s.variation and s.parts and not section:
        for thing in s.parts:
            track = edit.track_named(piece, thing)
            piece = takes.new_part(piece, track, _seed(), lively=s.livelier)
            word = PART_WORD.get(track.role, track.name)
            o.said.append(f"Here's a {'livelier' if s.livelier else 'new'} {word}; everything else is as it was.")
    if s.semitones and s.parts:
        for thing in s.parts:
            piece = edit.shift_part(piece, thing, s.semitones)
            way = "higher" if s.semitones > 0 else "lower"
            size = "an octave" if abs(s.semitones) == 12 else f"{abs(s.semitones)} semitones"
            o.said.append(f"The {edit.track_named(piece, thing).name} is {size} {way} now.")
    o.piece = piece
    if not section:
        _additions(o, s.add)


def _hand_over(piece: Piece, instrument: str) -> tuple[Piece, list[str]]:
    melody = piece.track("melody")
    if melody is None:
        raise edit.EditError("there is no melody to hand over; say \"add a melody\" first")
    if melody.name == instrument:
        return piece, []
    layered = next((t for t in piece.tracks if t.name == instrument and t.role in ("double", "counter")), None)
    if layered is not None:
        piece = piece.replace(tracks=tuple(t for t in piece.tracks if t is not layered))
    return edit.replace_instrument(piece, melody.name, instrument), [
        f"The {instrument} plays the melody now (it was the {melody.name})."]


# --- sections -------------------------------------------------------------------------------------------------

def _structure(piece: Piece, s: Slots, spans: tuple[form.Span, ...], said: list[str]) -> Piece:
    name = spans[0].name
    before = piece.duration_s
    if s.section_change == "repeat":
        piece = form.repeat(piece, spans[-1])
        said.append(f"{_cap(name)} plays twice now; it's {spoken_seconds(piece.duration_s)} long.")
    elif s.section_change == "remove":
        for span in reversed(spans):
            piece = form.remove(piece, span)
        said.append(f"Took out {name}; it's {spoken_seconds(piece.duration_s)} long now.")
    elif s.duration_change:
        step = form.extend if s.duration_change == "longer" else form.shorten
        for span in reversed(spans):
            piece = step(piece, span)
        said.append(f"{_cap(name)} is {s.duration_change} now: {spoken_seconds(piece.duration_s)} in all "
                    f"(was {spoken_seconds(before)}).")
    return piece


def sections(o: Outcome, s: Slots, section: str) -> None:
    piece = o.piece
    spans = form.find(piece, section, s.section_index, s.section_s)
    name = spans[0].name
    if s.section_change or s.duration_change:
        o.piece = _structure(piece, s, spans, o.said)
        return
    if "fill" in s.add:
        piece = form.fill_before(piece, spans)
        o.said.append(f"Added a drum fill before {name}.")
    if s.variation:
        piece = takes.new_section(piece, spans, _seed(), roles=tuple(s.parts))
        also = " (each time it comes)" if len(spans) > 1 else ""
        o.said.append(f"Here's a new take on {name}{also}; the rest is as it was.")
    if s.mood and s.mood == piece.mood:
        o.already.append(f"{_cap(name)} is already {s.mood}.")
    elif s.mood:
        piece = form.mood(piece, spans, s.mood)
        o.said.append(f"{_cap(name)} is {s.mood} now.")
    if s.level_change:
        only = tuple(t for t in (edit.find_track(piece, p) for p in s.parts) if t)
        piece = form.dynamics(piece, spans, s.level_change == "louder", only)
        who = f"the {', '.join(t.name for t in only)} in " if only else ""
        plural = len(only) > 1 or name.endswith("seconds")
        o.said.append(f"{_cap(who + name)} {'are' if plural else 'is'} {s.level_change} now.")
    for thing in s.remove:
        track = edit.track_named(piece, thing)
        piece = form.without(piece, spans, track)
        o.said.append(f"No {track.name} in {name} now.")
    for thing in [a for a in s.add if a != "fill"]:
        piece = _add_in(piece, thing, spans, o.said)
    o.piece = piece


def _add_in(piece: Piece, thing: str, spans: tuple[form.Span, ...], said: list[str]) -> Piece:
    """A part or a layer that plays only in the spans."""
    existing = edit.find_track(piece, thing)
    if existing is not None and not existing.is_drum:
        raise edit.EditError(f"the {existing.name} already plays; say \"make the {existing.name} louder in "
                             f"{spans[0].name}\" to bring it forward")
    if thing in edit.PART_ROLES:
        added = edit.add_part(piece, thing) if existing is None else piece
        what = "plays"
    else:
        added, what = layers.add(piece, thing, _seed())
    new = next(t for t in added.tracks if t not in piece.tracks) if existing is None else existing
    kept = form.splice(dataclasses.replace(new, notes=()), list(new.notes), spans)
    said.append(f"Added {new.name} to {spans[0].name}: it {what}.")
    return added.replace(tracks=tuple(kept if t is new else t for t in added.tracks))


def _continue_tune(o: Outcome) -> None:
    """"Continue my tune" (or "make it longer") on a piece built on the user's tune: the tune goes on."""
    o.piece, beats = edit.continue_tune(o.piece, _seed())
    bars = round(beats / o.piece.bar_beats)
    o.said.append(f"I continued your tune: a new {bars}-bar phrase answers it and comes home to "
                  f"{o.piece.key.tonic}; it's {spoken_seconds(o.piece.duration_s)} long now.")


def apply(piece: Piece, s: Slots) -> Outcome:
    section = s.section is not None
    o = Outcome(piece, already=_already(piece, s, section))
    if s.duration_change == "longer" and not section and not s.duration_s and is_hummed(piece):
        _continue_tune(o)
        piece, s = o.piece, dataclasses.replace(s, duration_change=None)
    base = whole(piece, s, section)
    if base != piece:
        text = changes(piece, base)
        if text:
            o.said.append(text)
    o.piece = base
    parts(o, s, section)
    if s.section is not None:
        sections(o, s, s.section)
    return o
