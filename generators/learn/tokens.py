"""Melody tokens: a tune is a mode, a meter, a pickup and a list of notes; each note is a pitch in semitones from
the tonic (or a rest) and a duration on a grid of 1/24 of a quarter note. Positions in the bar follow from the
meter, the pickup and the durations, so they are never stored, only computed.

Ids: pitch 0 is a rest, pitch i ≥ 1 is `LOW + i - 1` semitones from the tonic in octave 4 (tonic pitch class
placed at MIDI 60-71); durations index `DURATIONS`."""
from __future__ import annotations

from dataclasses import dataclass

TICKS = 24
"""Grid steps per quarter note: sixteenths (6), eighth triplets (8) and thirty-seconds (3) all land on it."""
LOW, HIGH = -15, 26
"""Semitones from the tonic (octave 4) that a note may take: a wide folk and chorale soprano range."""
REST = 0
PITCHES = HIGH - LOW + 2
"""Pitch vocabulary size: the rest and each semitone from LOW to HIGH."""
DURATIONS = (3, 4, 6, 8, 9, 12, 16, 18, 24, 30, 32, 36, 42, 48, 60, 72, 84, 96, 120, 144)
"""Durations in ticks: 32nd, 16th triplet, 16th, 8th triplet, dotted 32nd pair, 8th, quarter triplet, dotted 8th,
quarter, ..., dotted whole (the vocabulary covers 99.9% of the corpus' notes; see `corpus`)."""
MODES = ("major", "minor")
SOURCES = ("song", "dance", "chorale")
"""What kind of melody a tune is, by its collection: Essen's folk songs, O'Neill's and Ryan's dance tunes (jigs,
reels, hornpipes), Bach's chorale melodies. A style asks for one (genres.yaml melody.source)."""
COLLECTION_SOURCE = {"essenFolksong": "song", "oneills1850": "dance", "ryansMammoth": "dance", "bach": "chorale"}
METERS = ("2/4", "3/4", "4/4", "2/2", "3/8", "6/8", "9/8", "12/8", "3/2", "6/4")
START_PITCH, START_DURATION = PITCHES, len(DURATIONS)
"""The network's input before the first note (ids one past the pitch and duration vocabularies)."""
MAX_BAR = 6 * TICKS
"""Longest bar (12/8, 6/4, 3/2) in ticks: positions run 0..MAX_BAR-1."""


def source_of(name: str) -> str:
    """The source of a corpus tune from its name ("ryansMammoth/X.abc:0" → "dance")."""
    return COLLECTION_SOURCE[name.split("/", 1)[0]]


def bar_ticks(meter: str) -> int:
    num, den = (int(x) for x in meter.split("/"))
    return num * TICKS * 4 // den


@dataclass(frozen=True)
class Tune:
    mode: str
    """"major" or "minor" (mode families: dorian and aeolian count as minor, mixolydian as major)."""
    meter: str
    """One of METERS."""
    pickup: int
    """Ticks into the bar where the first note starts (0: on the downbeat)."""
    notes: tuple[tuple[int | None, int], ...]
    """(semitones from the tonic or None for a rest, duration in ticks), in order; no gaps, no overlaps."""


def pitch_id(semitones: int | None) -> int:
    if semitones is None:
        return REST
    if not LOW <= semitones <= HIGH:
        raise ValueError(f"pitch {semitones} outside {LOW}..{HIGH}")
    return semitones - LOW + 1


def pitch_of(token: int) -> int | None:
    return None if token == REST else token + LOW - 1


def duration_id(ticks: int) -> int:
    return DURATIONS.index(ticks)


def encode(tune: Tune) -> tuple[int, int, int, list[int], list[int]]:
    """(mode id, meter id, pickup, pitch ids, duration ids)."""
    return (MODES.index(tune.mode), METERS.index(tune.meter), tune.pickup,
            [pitch_id(p) for p, _ in tune.notes], [duration_id(d) for _, d in tune.notes])


def decode(mode: int, meter: int, pickup: int, pitches: list[int], durations: list[int]) -> Tune:
    return Tune(MODES[mode], METERS[meter], pickup,
                tuple((pitch_of(p), DURATIONS[d]) for p, d in zip(pitches, durations)))


def positions(meter: str, pickup: int, durations_ticks: list[int]) -> list[int]:
    """Position in the bar (ticks) of each note's onset."""
    bar, pos, out = bar_ticks(meter), pickup, []
    for d in durations_ticks:
        out.append(pos % bar)
        pos += d
    return out
