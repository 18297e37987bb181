"""Edits by section, exactly on the score: find what a request names ("the chorus", "the second verse", "the
ending", "the last ten seconds"), then change its mood, dynamics or instruments, write a new take of it, put a
drum fill before it, or make it longer, repeat it or cut it. Everything outside the named spans stays note for
note (structural edits move what follows by whole bars); at the joins no note overlaps the new material and none
rings past its span."""
from __future__ import annotations

import dataclasses
import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from generators import styles
from generators.piece import ChordSpan, Note, Piece, Section, Track

LABELS = ("intro", "verse", "chorus", "bridge", "outro")
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"}
EPS = 1e-6
SLOP = 0.06
"""Beats: a humanized note this close before a span's start belongs to the span (the humanizer moves onsets by a
few hundredths of a beat around the bar line)."""
MAX_SECONDS = 600.0


class FormError(ValueError):
    """The piece has no such section, or the edit cannot apply to it; the message says what there is."""


@dataclass(frozen=True)
class Span:
    start: float
    """Beat where the span starts."""
    end: float
    """Beat where it ends."""
    name: str
    """How to say it: "the chorus", "the second verse", "the last 10 seconds"."""

    @property
    def length(self) -> float:
        return self.end - self.start


def labels(piece: Piece) -> list[str]:
    """The section names in order of first appearance."""
    return list(dict.fromkeys(s.label for s in piece.sections))


def label_at(piece: Piece, beat: float) -> str:
    """The label of the section sounding at `beat`."""
    return next((s.label for s in piece.sections if s.start - EPS <= beat < s.start + s.duration - EPS), "verse")


def chords_under(chords: tuple[ChordSpan, ...], span: Span) -> list[ChordSpan]:
    """The chords sounding in the span, cut to it."""
    out = []
    for c in chords:
        lo, hi = max(c.start, span.start), min(c.start + c.duration, span.end)
        if hi - lo > EPS:
            out.append(ChordSpan(lo, hi - lo, c.chord))
    return out


def _span(s: Section, name: str) -> Span:
    return Span(s.start, s.start + s.duration, name)


def find(piece: Piece, section: str, index: int | None = None, seconds: float | None = None) -> tuple[Span, ...]:
    """The spans a request names. A label alone means every section of that label; `index` picks one (1-based,
    -1 the last); "beginning" and "ending" are the first and last sections, or the first or last `seconds`."""
    if section in ("beginning", "ending"):
        if seconds:
            beats = min(seconds / piece.seconds_per_beat, piece.length_beats)
            at = 0.0 if section == "beginning" else piece.length_beats - beats
            return (Span(at, at + beats, f"the {'first' if at == 0 else 'last'} {seconds:g} seconds"),)
        s = piece.sections[0] if section == "beginning" else piece.sections[-1]
        return (_span(s, f"the {section}"),)
    found = [s for s in piece.sections if s.label == section]
    if not found:
        raise FormError(f"there's no {section}; it has {', '.join(labels(piece))}")
    if index is None:
        return tuple(_span(s, f"the {section}") for s in found)
    if not (1 <= index <= len(found) or index == -1):
        raise FormError(f"there {'is only one' if len(found) == 1 else f'are only {len(found)}'} {section}"
                        f"{'' if len(found) == 1 else 's'}")
    return (_span(found[index - 1 if index > 0 else -1], f"the {ORDINALS.get(index, f'{index}th')} {section}"),)


# --- notes inside and outside spans ---------------------------------------------------------------------------

def inside(n: Note, spans: tuple[Span, ...]) -> bool:
    return any(s.start - SLOP <= n.start < s.end - SLOP for s in spans)


def _trim_before(notes: list[Note], spans: tuple[Span, ...]) -> list[Note]:
    """Notes from outside the spans cut where a span begins, so none rings into the new material."""
    out = []
    for n in notes:
        end = n.start + n.duration
        cut = min((s.start - SLOP for s in spans if n.start < s.start - SLOP and end > s.start - SLOP + EPS),
                  default=None)
        out.append(dataclasses.replace(n, duration=round(cut - n.start, 4)) if cut is not None else n)
    return out


def _keep_within(notes: list[Note], spans: tuple[Span, ...]) -> list[Note]:
    """Notes inside the spans, cut at their span's end."""
    out = []
    for n in notes:
        span = next((s for s in spans if s.start - SLOP <= n.start < s.end - SLOP), None)
        if span is not None and span.end - SLOP - n.start > 0.05:
            out.append(dataclasses.replace(n, duration=round(min(n.duration, span.end - SLOP - n.start), 4)))
    return out


def splice(track: Track, new_notes: list[Note], spans: tuple[Span, ...]) -> Track:
    """The track with its notes inside the spans replaced by `new_notes` (cut to the spans)."""
    outside = _trim_before([n for n in track.notes if not inside(n, spans)], spans)
    notes = sorted(outside + _keep_within(new_notes, spans), key=lambda n: (n.start, n.pitch))
    return dataclasses.replace(track, notes=tuple(notes))


def _map_notes(track: Track, spans: tuple[Span, ...], fn: Callable[[Note], Note | None]) -> Track:
    notes = [m for n in track.notes for m in ([fn(n)] if inside(n, spans) else [n]) if m is not None]
    return dataclasses.replace(track, notes=tuple(notes))


# --- changes within spans -------------------------------------------------------------------------------------

def dynamics(piece: Piece, spans: tuple[Span, ...], louder: bool, only: tuple[Track, ...] = ()) -> Piece:
    """Louder or quieter inside the spans: every part, or only the given tracks."""
    shift = 14 if louder else -14
    return piece.replace(tracks=tuple(_map_notes(t, spans, lambda n: dataclasses.replace(
        n, velocity=max(1, min(127, n.velocity + shift)))) if not only or t in only else t for t in piece.tracks))


def mood(piece: Piece, spans: tuple[Span, ...], mood_name: str) -> Piece:
    """The spans played in another mood: its dynamics, its density (fewer or more of the off-beat notes of the
    melody and the accompaniment thinned, never the strong beats), and its drums (none where the mood has none)."""
    old, new = styles.moods()[piece.mood], styles.moods()[mood_name]
    shift = new.velocity - old.velocity
    keep = min(1.0, new.density / old.density)
    rng = random.Random(piece.seed ^ zlib.crc32(mood_name.encode()))  # the same thinning in every process
    drums_scale = new.drums / old.drums if old.drums else 1.0

    def change(track: Track) -> Track:
        def note(n: Note) -> Note | None:
            strong = abs(n.start - round(n.start)) < 0.05 and round(n.start) % 2 == 0
            if track.is_drum:
                if new.drums == 0:
                    return None
                return dataclasses.replace(n, velocity=max(1, min(127, round(n.velocity * drums_scale))))
            if track.role in ("melody", "chords") and not strong and rng.random() > keep:
                return None
            return dataclasses.replace(n, velocity=max(1, min(127, n.velocity + shift)))
        return _map_notes(track, spans, note)
    return piece.replace(tracks=tuple(change(t) for t in piece.tracks))


def without(piece: Piece, spans: tuple[Span, ...], track: Track) -> Piece:
    """A part silent in the spans ("no drums in the intro")."""
    return piece.replace(tracks=tuple(_map_notes(t, spans, lambda n: None) if t is track else t for t in piece.tracks))


def fill_before(piece: Piece, spans: tuple[Span, ...]) -> Piece:
    """A drum fill in the bar before each span (the style's fill, or a snare roll; another one where the style's
    is already there); with no drums, a drum track that plays only the fills."""
    from generators.compose.drums import fill_bar

    starts = [s.start for s in spans if s.start > EPS]
    if not starts:
        raise FormError(f"{spans[0].name} is the very beginning; there is nothing before it to fill")
    genre = styles.genres()[piece.genre]
    drums = next((t for t in piece.tracks if t.is_drum), None)
    bar = piece.bar_beats
    before = tuple(Span(max(0.0, s - bar), s, "fill") for s in starts)
    fill = genre.fill or "snare_roll"
    if drums and all(_is_fill(list(drums.notes), fill, b.start, bar) for b in before):
        fill = "toms" if fill != "toms" else "snare_roll"
    notes = [n for b in before for n in fill_bar(fill, b.start, bar, (styles.moods()[piece.mood].drums or 0.8))]
    if drums is None:
        track = Track("drums", "drums", 0, tuple(notes), pan=64)
        return piece.replace(tracks=(track,) + piece.tracks)
    return piece.replace(tracks=tuple(splice(t, notes, before) if t is drums else t for t in piece.tracks))


def _is_fill(notes: list[Note], fill: str, start: float, bar: float) -> bool:
    from generators.compose.drums import fill_bar

    want = {(round(n.start - start, 2), n.pitch) for n in fill_bar(fill, start, bar, 1.0)}
    return want <= {(round(n.start - start, 2), n.pitch) for n in notes if start <= n.start < start + bar}


# --- structure: repeat, extend, cut ---------------------------------------------------------------------------

def _before(n: Note, at: float) -> bool:
    """The note belongs before beat `at` (humanized onsets just ahead of a bar line belong after it)."""
    return n.start < at - SLOP


def _insert_copy(piece: Piece, src: Span, at: float) -> Piece:
    """The material of `src` played again at beat `at` (a bar line); everything from `at` on moves later."""
    by = src.length
    if (piece.length_beats + by) * piece.seconds_per_beat > MAX_SECONDS:
        raise FormError("that would make it longer than ten minutes")
    def track(t: Track) -> Track:
        before = _trim_before([n for n in t.notes if _before(n, at)], (Span(at, at + by, ""),))
        copy = [dataclasses.replace(n, start=round(n.start - src.start + at, 4)) for n in
                _keep_within(list(t.notes), (src,))]
        later = [dataclasses.replace(n, start=round(n.start + by, 4)) for n in t.notes if not _before(n, at)]
        return dataclasses.replace(t, notes=tuple(sorted(before + copy + later, key=lambda n: (n.start, n.pitch))))
    chords = []
    for c in piece.chords:
        end = c.start + c.duration
        if c.start < at - EPS < end - 2 * EPS:
            chords.append(dataclasses.replace(c, duration=at - c.start))
        elif c.start >= at - EPS:
            chords.append(dataclasses.replace(c, start=round(c.start + by, 4)))
        else:
            chords.append(c)
    chords += [ChordSpan(round(c.start - src.start + at, 4), round(c.duration, 4), c.chord)
               for c in chords_under(piece.chords, src)]
    return piece.replace(tracks=tuple(track(t) for t in piece.tracks),
                         chords=tuple(sorted(chords, key=lambda c: c.start)),
                         sections=_sections_with(piece, src, at, by), length_beats=piece.length_beats + by)


def _sections_with(piece: Piece, src: Span, at: float, by: float) -> tuple[Section, ...]:
    out = []
    for s in piece.sections:
        if s.start >= at - EPS:
            out.append(dataclasses.replace(s, start=s.start + by))
        elif s.start + s.duration > at + EPS:  # the copy lands inside s: s is split around it
            out.append(dataclasses.replace(s, duration=at - s.start))
            out.append(Section(s.label, at + by, s.start + s.duration - at))
        else:
            out.append(s)
    out.append(Section(label_at(piece, src.start), at, by))
    return tuple(sorted(out, key=lambda s: s.start))


def repeat(piece: Piece, span: Span) -> Piece:
    return _insert_copy(piece, span, span.end)


def extend(piece: Piece, span: Span) -> Piece:
    """Longer by its last phrase (up to four bars) played again; an extended section stays one section."""
    bars = max(1, min(4, round(span.length / piece.bar_beats) // 2 or 1))
    src = Span(max(span.start, span.end - bars * piece.bar_beats), span.end, span.name)
    longer = _insert_copy(piece, src, span.end)
    merged = False
    out: list[Section] = []
    for s in longer.sections:  # the copy joins the section it extends
        if out and not merged and abs(out[-1].start + out[-1].duration - s.start) < EPS and \
                abs(s.start - span.end) < EPS and s.label == out[-1].label:
            out[-1] = dataclasses.replace(out[-1], duration=out[-1].duration + s.duration)
            merged = True
        else:
            out.append(s)
    return longer.replace(sections=tuple(out))


def _cut(start: float, duration: float, span: Span) -> tuple[float, float] | None:
    """An interval of the score after `span` is cut out: (start, duration), or None when nothing is left."""
    end, by = start + duration, span.length
    before = max(0.0, min(end, span.start) - start)
    after = max(0.0, end - max(start, span.end))
    if before + after <= EPS:
        return None
    return (start if start < span.start else max(start, span.end) - by), before + after


def shorten(piece: Piece, span: Span) -> Piece:
    """Shorter by its second half (whole bars; at least one bar stays)."""
    bars = round(span.length / piece.bar_beats)
    if bars < 2:
        raise FormError(f"{span.name} is a single bar already")
    keep = (bars + 1) // 2 * piece.bar_beats
    return remove(piece, Span(span.start + keep, span.end, span.name))


def remove(piece: Piece, span: Span) -> Piece:
    """The span cut out; what follows moves earlier."""
    if span.length >= piece.length_beats - EPS:
        raise FormError(f"{span.name} is the whole piece")
    by = span.length

    def track(t: Track) -> Track:
        before = _trim_before([n for n in t.notes if _before(n, span.start)], (span,))
        later = [dataclasses.replace(n, start=round(n.start - by, 4)) for n in t.notes if not _before(n, span.end)]
        return dataclasses.replace(t, notes=tuple(before + later))
    chords = [dataclasses.replace(c, start=round(cut[0], 4), duration=round(cut[1], 4)) for c in piece.chords
              if (cut := _cut(c.start, c.duration, span))]
    sections = [dataclasses.replace(s, start=round(cut[0], 4), duration=round(cut[1], 4)) for s in piece.sections
                if (cut := _cut(s.start, s.duration, span))]
    return piece.replace(tracks=tuple(track(t) for t in piece.tracks), chords=tuple(chords),
                         sections=tuple(sections), length_beats=piece.length_beats - by)
