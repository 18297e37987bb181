"""Layers: an added instrument joins what plays instead of taking a part over. What it plays suits the style and
the instrument: sustained instruments (strings, choir, pads, organ) hold the chords as a pad; in a busy melody a
lead instrument doubles the tune (an octave up when it sits high, down when it sits low, else in unison); over a
sparse one it plays a countermelody: slower, a fifth or so below, on chord tones where the tune moves."""
from __future__ import annotations

import dataclasses
import random

from generators import styles
from generators.compose import PAN, Context, make_track, melody_notes, within
from generators.compose.humanize import humanize
from generators.piece import Note, Piece, Track

MAX_TRACKS = 8
"""Parts a piece may have: enough for a band plus layers, few enough to stay clear (and within MIDI's channels)."""
SUSTAINED = {"strings", "slow strings", "synth strings", "choir", "warm pad", "organ", "church organ", "accordion"}
HIGH = {"flute", "piccolo", "violin", "glockenspiel", "celesta", "music box", "xylophone", "pan flute",
        "soprano sax", "oboe", "whistle", "recorder"}
LOW = {"cello", "viola", "trombone", "tuba", "baritone sax", "bassoon", "french horn"}
BUSY = 0.45
"""Melody density (style × mood) above which a lead instrument doubles the tune rather than answering it."""


class LayerError(ValueError):
    """The layer cannot be added; the message says why."""


def kind(piece: Piece, instrument: str) -> str:
    """"pad", "double" or "counter": what the instrument will play."""
    if instrument in SUSTAINED:
        return "pad"
    g, m = styles.genres()[piece.genre], styles.moods()[piece.mood]
    melody = piece.track("melody")
    if melody is None:
        return "counter"
    return "double" if g.melody_density * m.density >= BUSY else "counter"


def _octave(instrument: str) -> int:
    """Where a doubling sits: an octave up for a high instrument, down for a low one, else in unison."""
    return 12 if instrument in HIGH else -12 if instrument in LOW else 0


def _double(piece: Piece, melody: Track, instrument: str, rng: random.Random) -> tuple[Note, ...]:
    """The tune in the instrument's octave, a little softer, with its own small timing."""
    shift = _octave(instrument)
    notes = [dataclasses.replace(n, pitch=max(0, min(127, n.pitch + shift)), velocity=max(1, n.velocity - 10))
             for n in melody.notes]
    return within(humanize(notes, rng, 0.0, timing=0.005), piece.length_beats)


def _counter(piece: Piece, melody: Track | None, rng: random.Random) -> tuple[Note, ...]:
    """A slower line about a fifth under the tune; notes that would sound the tune's pitch at its onset move an
    octave down."""
    ctx = Context.of(piece)
    notes = melody_notes(ctx, rng, lively=0.5, register=-7)
    taken = {(round(n.start, 2), n.pitch) for n in (melody.notes if melody else ())}
    out = [dataclasses.replace(n, pitch=n.pitch - 12) if (round(n.start, 2), n.pitch) in taken else n for n in notes]
    softer = [dataclasses.replace(n, velocity=max(1, n.velocity - 14)) for n in out]
    return within(humanize(softer, rng, piece.swing), piece.length_beats)


def add(piece: Piece, instrument: str, seed: int) -> tuple[Piece, str]:
    """The piece with the instrument layered in, and what it plays ("doubles the melody an octave up")."""
    if len(piece.tracks) >= MAX_TRACKS:
        raise LayerError(f"it already has {len(piece.tracks)} parts, the most I keep; take one out first "
                         f"({', '.join(piece.instruments())})")
    if instrument in piece.instruments():
        raise LayerError(f"it already has a {instrument}")
    program = styles.instruments().get(instrument)
    if program is None:
        raise LayerError(f"I don't know the instrument '{instrument}'")
    rng = random.Random(seed)
    what = kind(piece, instrument)
    melody = piece.track("melody")
    if what == "pad":
        track = make_track("pad", instrument, Context.of(piece), rng)
        said = "holds the chords"
    elif what == "double" and melody is not None:
        track = Track(instrument, "double", program, _double(piece, melody, instrument, rng), pan=PAN["melody"] - 24)
        where = {12: " an octave up", -12: " an octave down", 0: ""}[_octave(instrument)]
        said = f"doubles the melody{where}"
    else:
        track = Track(instrument, "counter", program, _counter(piece, melody, rng), pan=PAN["melody"] - 32)
        said = "plays a countermelody"
    return piece.replace(tracks=piece.tracks + (track,)), said


def rebuild(piece: Piece, layer: Track, seed: int) -> Track:
    """A layer written again for a recomposed piece (another length, meter or take): the same kind, instrument,
    level and place, written as `add` writes it."""
    rng = random.Random(seed)
    melody = piece.track("melody")
    if layer.role == "double" and melody is not None:
        return dataclasses.replace(layer, notes=_double(piece, melody, layer.name, rng))
    if layer.role == "counter":
        return dataclasses.replace(layer, notes=_counter(piece, melody, rng))
    return dataclasses.replace(make_track(layer.role, layer.name, Context.of(piece), rng), gain=layer.gain,
                               pan=layer.pan)
