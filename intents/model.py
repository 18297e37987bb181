"""The result of understanding: an Intent with typed Slots (../shared/contract.md names them)."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

INTENTS = ("generate", "modify", "analyze", "play", "pause", "resume", "stop", "save", "undo", "redo", "volume",
           "help", "quit", "unknown", "hum")


@dataclass(frozen=True)
class Slots:
    """Each field is present (not None / not empty) only when the request said it."""

    genre: str | None = None
    """One of generators.styles.GENRES."""
    mood: str | None = None
    """One of generators.styles.MOODS."""
    key: str | None = None
    """Tonic and mode: "C major", "F# minor", "Bb major"."""
    mode: str | None = None
    """"major" or "minor" when only the mode is asked ("make it minor")."""
    tempo_bpm: int | None = None
    """An absolute tempo."""
    tempo_change: str | None = None
    """"faster" or "slower"."""
    tempo_factor: float | None = None
    """Size of a relative tempo change: "twice as fast" = 2.0, "half speed" = 0.5."""
    semitones: int | None = None
    """Signed transposition."""
    duration_s: float | None = None
    """Length in seconds."""
    duration_change: str | None = None
    """"longer" or "shorter" without a number."""
    time_signature: str | None = None
    """"3/4", "6/8"."""
    instruments: tuple[str, ...] = ()
    """Friendly General MIDI names in lower case."""
    add: tuple[str, ...] = ()
    """Parts or instruments to add ("drums", "bass", "melody", "tenor sax")."""
    remove: tuple[str, ...] = ()
    """Parts or instruments to take out."""
    replace: tuple[str, str] | None = None
    """(from, to) instruments."""
    aspect: str | None = None
    """For analyze: key, tempo, chords, instruments, genre, mood, duration, time_signature, loudness, title."""
    filename: str | None = None
    """For save and play: a name as said ("morning coffee") or a path."""
    format: str | None = None
    """wav, flac, mp3 or mid."""
    volume: int | None = None
    """Absolute volume 0-100."""
    volume_change: str | None = None
    """"up" or "down"."""
    level_change: str | None = None
    """"louder" or "quieter" for the parts in `parts` ("make the drums louder")."""
    parts: tuple[str, ...] = ()
    """The parts or instruments an edit is about: a level change ("the sax louder"), an octave ("the bass an octave
    lower"), a new take ("a new melody"), a hand-over ("let the flute play the melody" → melody)."""
    variation: bool = False
    """A new take: of the whole piece ("another one like this"), of `parts` ("a new melody") or of a `section`
    ("write a new chorus")."""
    livelier: bool = False
    """The new take of `parts` should be livelier ("make the melody more interesting")."""
    section: str | None = None
    """The part of the form an edit is about: intro, verse, chorus, bridge, outro, beginning, ending."""
    section_index: int | None = None
    """Which one of several: 2 for "the second verse", -1 for "the last chorus"."""
    section_s: float | None = None
    """Seconds of the beginning or ending: "the last ten seconds" → section "ending", 10."""
    section_change: str | None = None
    """"repeat" ("repeat the chorus") or "remove" ("skip the bridge")."""
    layer: bool | None = None
    """True when an added instrument joins what plays ("add a flute"); False when it takes a part over ("let the
    flute play the melody")."""
    target: str | None = None
    """Which version or piece: "first", "previous", or "tune" (the piece built on the tune the user hummed)."""

    def only(self, names: tuple[str, ...]) -> "Slots":
        """These slots kept, the rest cleared: each intent cares about its own."""
        return Slots(**{name: getattr(self, name) for name in names})

    def to_json(self) -> dict[str, Any]:
        out = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value is None or value == () or (value is False and f.name != "layer"):
                continue
            if f.name == "replace":
                value = {"from": value[0], "to": value[1]}
            elif isinstance(value, tuple):
                value = list(value)
            out[f.name] = value
        return out


MUSIC_SLOTS = ("genre", "mood", "key", "mode", "tempo_bpm", "duration_s", "time_signature", "instruments")
SLOTS_FOR = {
    "generate": MUSIC_SLOTS,
    "modify": MUSIC_SLOTS + ("tempo_change", "tempo_factor", "semitones", "duration_change", "add", "remove",
                             "replace", "level_change", "parts", "variation", "livelier", "section", "section_index",
                             "section_s", "section_change", "layer", "target"),
    "analyze": ("aspect",),
    "play": ("filename", "format", "target"),
    "save": ("filename", "format"),
    "volume": ("volume", "volume_change"),
    "undo": ("target",),
    "hum": MUSIC_SLOTS,
}


@dataclass(frozen=True)
class Intent:
    name: str
    """One of INTENTS."""
    confidence: float
    """Classifier probability of `name`, 0-1."""
    slots: Slots
    text: str = ""
    """The text as understood, after number and key normalisation."""
