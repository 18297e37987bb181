"""The user's tune, kept and grown. A piece built on a hummed tune says so in its request ("melody": "hummed"), and
its first verse is the tune as it now stands (transposed, re-timed or re-styled with the piece): `tune_in` reads
it back, so edits that rewrite the piece keep it. "Continue my tune": the learned melody model hears the tune and
answers it with a phrase of up to four bars over the tune's own chords, coming home to the tonic (`continued`)."""
from __future__ import annotations

import random
from dataclasses import replace

from generators import styles
from generators.compose import learned
from generators.hum.harmonize import chords_for
from generators.hum.quantize import HummedTune
from generators.learn import tokens
from generators.learn.runtime import Melody
from generators.piece import ChordSpan, Note, Piece

GRID = 4
"""A hummed tune's onsets and lengths are whole sixteenths (generators.hum.quantize)."""
ANSWER_BARS = learned.PHRASE_BARS
STEP = 0.5
"""Beats per grid step, for the model's sense of how busy the tune is."""


def is_hummed(piece: Piece) -> bool:
    return dict(piece.request).get("melody") == "hummed"


def tune_in(piece: Piece) -> HummedTune | None:
    """The tune as the piece's first verse plays it (the lowest note at each onset: a chorus lift adds octaves)."""
    verse = next((s for s in piece.sections if s.label == "verse"), None)
    melody = piece.track("melody")
    if verse is None or melody is None or not is_hummed(piece):
        return None
    lowest: dict[float, Note] = {}
    for n in melody.notes:
        if verse.start - 1e-6 <= n.start < verse.start + verse.duration - 1e-6:
            at = round((n.start - verse.start) * GRID) / GRID
            if at not in lowest or n.pitch < lowest[at].pitch:
                lowest[at] = Note(n.pitch, at, max(1 / GRID, round(n.duration * GRID) / GRID), n.velocity)
    if not lowest:
        return None
    notes = tuple(lowest[k] for k in sorted(lowest))
    return HummedTune(piece.key, piece.tempo_bpm, round(piece.bar_beats), notes, verse.duration, 0)


def _tokens(notes: tuple[Note, ...], base: int) -> list[tuple[int, int, int]]:
    """The notes as the model's (tick, pitch id, duration id), gaps as rests, each length the longest token that
    fits it; notes outside the model's range move by octaves into it."""
    out: list[tuple[int, int, int]] = []
    tick = round(notes[0].start * tokens.TICKS)
    for i, n in enumerate(notes):
        start = round(n.start * tokens.TICKS)
        end = round(notes[i + 1].start * tokens.TICKS) if i + 1 < len(notes) else start + round(
            n.duration * tokens.TICKS)
        if start > tick:
            out += _fill(tick, start, tokens.REST)
        rel = n.pitch - base
        while rel > tokens.HIGH:
            rel -= 12
        while rel < tokens.LOW:
            rel += 12
        out += _fill(start, max(end, start + tokens.DURATIONS[0]), tokens.pitch_id(rel), once=True)
        tick = max(end, start + tokens.DURATIONS[0])
    return out


def _fill(tick: int, end: int, pitch: int, once: bool = False) -> list[tuple[int, int, int]]:
    """Tokens from tick to end: the longest durations that fit; a note is one token (the rest of it a rest)."""
    out = []
    while end - tick >= tokens.DURATIONS[0]:
        d = max(i for i, t in enumerate(tokens.DURATIONS) if t <= end - tick)
        out.append((tick, pitch, d))
        tick += tokens.DURATIONS[d]
        if once:
            pitch = tokens.REST
    return out


def _shape(tune: HummedTune) -> learned.Shape:
    pitches = sorted(n.pitch for n in tune.notes)
    gap = tune.length_beats / len(tune.notes)
    return learned.Shape(register=pitches[len(pitches) // 2] + 5, density=min(1.0, STEP / gap), step=STEP,
                         velocity=tune.notes[0].velocity, source="song")


def continued(tune: HummedTune, model: Melody, genre: str, seed: int) -> HummedTune:
    """The tune, then the model's answer to it: as many bars as the tune (at most ANSWER_BARS) over the chords
    that harmonize the tune, its last note on the tonic triad."""
    bar = tune.beats_per_bar
    answer_beats = min(tune.length_beats, ANSWER_BARS * bar)
    length = tune.length_beats + answer_beats
    own = chords_for(tune.notes, styles.genres()[genre], tune.key, bar, tune.length_beats)
    tail = [replace(c, start=c.start + tune.length_beats) for c in own if c.start < answer_beats]
    chords: tuple[ChordSpan, ...] = own + tuple(tail)
    writer = learned.Writer(model, tune.key, tune.meter, chords, _shape(tune), random.Random(seed))
    end = round(length * tokens.TICKS)
    given = _tokens(tune.notes, writer.base)
    cadence = (tune.key.pc, writer.third, (tune.key.pc + 7) % 12)  # the tonic triad, the tonic first
    written = writer.phrase(round(tune.length_beats * tokens.TICKS), end, cadence, given=given, closing=True)
    answer = tuple(Note(writer.base + pitch, t / tokens.TICKS, tokens.DURATIONS[d] / tokens.TICKS,
                        tune.notes[-1].velocity)
                   for t, p, d in written[len(given):] if (pitch := tokens.pitch_of(p)) is not None)
    return replace(tune, notes=tune.notes + answer, length_beats=length)
