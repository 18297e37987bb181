"""Styles as data: genres.yaml, moods.yaml, drums.yaml and instruments.yaml, loaded once into frozen dataclasses."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generators.learn.tokens import SOURCES

DATA = Path(__file__).with_name("styledata")
GENRES = ("pop", "rock", "jazz", "blues", "classical", "lofi", "hiphop", "electronic", "ambient", "funk", "reggae",
          "country", "folk", "metal", "latin", "cinematic")
MOODS = ("happy", "sad", "calm", "energetic", "dark", "romantic", "epic", "mysterious", "playful", "dreamy")


@dataclass(frozen=True)
class Genre:
    name: str
    tempo: tuple[int, int]
    meter: tuple[int, int]
    modes: tuple[tuple[str, float], ...]
    chord_rate: float
    """Chords per bar (0.5: one chord every two bars)."""
    drums: str | None
    fill: str | None
    bass: str
    comp: str
    parts: tuple[tuple[str, str], ...]
    """(role, instrument) for chords, bass, melody and optional pad."""
    melody_density: float
    melody_register: int
    melody_step: float
    melody_engine: str
    """"learned" (the model of generators.learn) or "rules" (generators.compose.melody)."""
    melody_source: str
    """The kind of melody the learned model writes: song, dance (tune) or chorale."""
    progressions: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]
    """(mode family, progressions)."""
    sevenths: bool = False
    swing: float = 0.0
    reverb: float = 0.3
    chorus: float = 0.1

    def progressions_for(self, minor: bool) -> tuple[tuple[str, ...], ...]:
        table = dict(self.progressions)
        return table.get("minor" if minor else "major") or next(iter(table.values()))

    def instrument(self, role: str) -> str | None:
        return dict(self.parts).get(role)


@dataclass(frozen=True)
class Mood:
    name: str
    tempo: float
    modes: tuple[tuple[str, float], ...]
    register: int
    density: float
    velocity: int
    drums: float


def _yaml(name: str) -> dict[str, Any]:
    import yaml

    data: dict[str, Any] = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    return data


MELODY_ENGINES = ("learned", "rules")


def _one_of(genre: str, field: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"genres.yaml: {genre}: melody {field} must be one of {', '.join(allowed)}")
    return value


@functools.cache
def genres() -> dict[str, Genre]:
    out = {}
    for name, g in _yaml("genres.yaml").items():
        num, den = (int(x) for x in g["meter"].split("/"))
        melody = g["melody"]
        out[name] = Genre(
            name=name, tempo=tuple(g["tempo"]), meter=(num, den), modes=tuple(g["modes"].items()),
            chord_rate=float(g["chord_rate"]), drums=g.get("drums"), fill=g.get("fill"), bass=g["bass"],
            comp=g["comp"], parts=tuple(g["parts"].items()), melody_density=float(melody["density"]),
            melody_register=int(melody["register"]), melody_step=float(melody["step"]),
            melody_engine=_one_of(name, "engine", melody.get("engine", "learned"), MELODY_ENGINES),
            melody_source=_one_of(name, "source", melody.get("source", "song"), SOURCES),
            progressions=tuple((k, tuple(tuple(p) for p in v)) for k, v in g["progressions"].items()),
            sevenths=bool(g.get("sevenths", False)), swing=float(g.get("swing", 0.0)),
            reverb=float(g.get("reverb", 0.3)), chorus=float(g.get("chorus", 0.1)))
    return out


@functools.cache
def moods() -> dict[str, Mood]:
    return {name: Mood(name=name, tempo=float(m["tempo"]), modes=tuple(m["modes"].items()),
                       register=int(m["register"]), density=float(m["density"]), velocity=int(m["velocity"]),
                       drums=float(m["drums"]))
            for name, m in _yaml("moods.yaml").items()}


@functools.cache
def drum_kit() -> dict[str, int]:
    return dict(_yaml("drums.yaml")["kit"])


@functools.cache
def drum_patterns() -> dict[str, dict[str, str]]:
    data = _yaml("drums.yaml")
    return {**data["patterns"], **{f"fill:{k}": v for k, v in data["fills"].items()}}


@functools.cache
def instruments() -> dict[str, int]:
    """Friendly instrument name → GM program."""
    return {name: int(v["program"]) for name, v in _yaml("instruments.yaml")["instruments"].items()}


@functools.cache
def lowest_note(name: str) -> int | None:
    """The lowest MIDI note the instrument can play, where instruments.yaml says so."""
    low = _yaml("instruments.yaml")["instruments"].get(name, {}).get("lowest")
    return None if low is None else int(low)


@functools.cache
def mix_table() -> dict[str, Any]:
    """styledata/mix.yaml as written: strips by role and buses by genre (generators.mix reads it)."""
    return _yaml("mix.yaml")


@functools.cache
def arrangement_table() -> dict[str, Any]:
    """styledata/arrangement.yaml as written: section treatments (generators.compose.arrange reads it)."""
    return _yaml("arrangement.yaml")


@functools.cache
def instrument_aliases() -> dict[str, str]:
    """Every word users say for an instrument (names and aliases) → its friendly name."""
    table = {}
    for name, v in _yaml("instruments.yaml")["instruments"].items():
        table[name] = name
        for alias in v.get("aliases", []):
            table[alias] = name
    return table


def instrument_name(program: int) -> str:
    """The friendly name of a program, or the General MIDI name in lower case."""
    for name, prog in instruments().items():
        if prog == program:
            return name
    from generators.libs import pretty_midi

    return str(pretty_midi().program_to_instrument_name(program)).lower()
