"""The score: a Piece of Tracks of Notes, with its key, tempo, meter, chords and sections. Immutable.

Times are in beats (quarter notes), so a tempo change is exact and the score never drifts."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from generators.theory import Chord, Key


@dataclass(frozen=True)
class Note:
    pitch: int
    """MIDI note number (drums: the General MIDI percussion key)."""
    start: float
    """Onset in beats from the start of the piece."""
    duration: float
    """Length in beats."""
    velocity: int
    """MIDI velocity 1-127."""


@dataclass(frozen=True)
class Track:
    name: str
    """General MIDI instrument name in lower case ("piano", "acoustic bass"); "drums" for percussion."""
    role: str
    """What the part does: drums, bass, chords, melody, pad."""
    program: int
    """General MIDI program 0-127 (ignored for drums)."""
    notes: tuple[Note, ...]
    gain: float = 1.0
    """Part level, 0-2; 1 is as composed."""
    pan: int = 64
    """MIDI pan 0-127."""

    @property
    def is_drum(self) -> bool:
        return self.role == "drums"


@dataclass(frozen=True)
class ChordSpan:
    start: float
    """Beat where the chord starts."""
    duration: float
    """Length in beats."""
    chord: Chord


@dataclass(frozen=True)
class Section:
    label: str
    """intro, verse, chorus, bridge or outro."""
    start: float
    """Beat where the section starts."""
    duration: float
    """Length in beats."""


@dataclass(frozen=True)
class Piece:
    title: str
    genre: str
    mood: str
    key: Key
    tempo_bpm: float
    beats_per_bar: int
    beat_unit: int
    """Time signature denominator: 4 in 4/4, 8 in 6/8."""
    length_beats: float
    """Length of the score in beats; the piece lasts exactly this long at its tempo."""
    tracks: tuple[Track, ...]
    chords: tuple[ChordSpan, ...]
    sections: tuple[Section, ...]
    seed: int
    swing: float = 0.0
    """Delay of off-beat eighths as a fraction of an eighth (0 straight, 0.33 triplet swing)."""
    style: tuple[tuple[str, float], ...] = ()
    """Rendering settings from the style: reverb, chorus levels."""
    request: tuple[tuple[str, str], ...] = field(default=())
    """What was asked for, as (slot, value) pairs, for "I picked ..." replies and variations."""

    @property
    def time_signature(self) -> str:
        return f"{self.beats_per_bar}/{self.beat_unit}"

    @property
    def seconds_per_beat(self) -> float:
        """Seconds per quarter note."""
        return 60.0 / self.tempo_bpm

    @property
    def duration_s(self) -> float:
        return self.length_beats * self.seconds_per_beat

    @property
    def bar_beats(self) -> float:
        """Quarter-note beats per bar (6/8 → 3)."""
        return self.beats_per_bar * 4 / self.beat_unit

    def instruments(self) -> list[str]:
        return [t.name for t in self.tracks]

    def chord_symbols(self) -> list[str]:
        """The progression in order of first appearance, as symbols in the piece's key."""
        seen: list[str] = []
        for span in self.chords:
            sym = span.chord.symbol(self.key)
            if sym not in seen:
                seen.append(sym)
        return seen

    def chord_at(self, seconds: float) -> str | None:
        beat = seconds / self.seconds_per_beat
        for span in self.chords:
            if span.start <= beat < span.start + span.duration:
                return span.chord.symbol(self.key)
        return None

    def track(self, role_or_name: str) -> Track | None:
        return next((t for t in self.tracks if role_or_name in (t.role, t.name)), None)

    def replace(self, **changes: Any) -> "Piece":
        return dataclasses.replace(self, **changes)
