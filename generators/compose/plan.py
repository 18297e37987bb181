"""The choices made before any note: genre, mood, key, tempo, meter, length and the song form."""
from __future__ import annotations

import math
import random
from dataclasses import dataclass

from generators import styles
from generators.theory import Key, key_from_pc

COMMON_TONICS = (0, 2, 4, 5, 7, 9, 10, 3)  # C D E F G A Bb Eb: keys players meet most


@dataclass(frozen=True)
class Request:
    """What the user asked for; None means "you choose"."""

    genre: str | None = None
    mood: str | None = None
    key: str | None = None
    tempo_bpm: float | None = None
    duration_s: float | None = None
    time_signature: str | None = None
    seed: int | None = None
    instruments: tuple[str, ...] = ()
    """Friendly instrument names to feature (the first leads the melody unless it is a bass)."""


@dataclass(frozen=True)
class Plan:
    genre: styles.Genre
    mood: styles.Mood
    key: Key
    tempo_bpm: float
    meter: tuple[int, int]
    length_beats: float
    bars: int
    form: tuple[tuple[str, int], ...]
    """(section label, bars) in order."""
    seed: int


DEFAULT_DURATION_S = 30.0


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    names = sorted(weights)
    return rng.choices(names, weights=[weights[n] for n in names])[0]


def choose_key(rng: random.Random, genre: styles.Genre, mood: styles.Mood) -> Key:
    weights = dict(genre.modes)
    for mode, extra in mood.modes:
        if mode in weights or mode in ("major", "minor"):
            weights[mode] = weights.get(mode, 0.0) + extra
    return key_from_pc(rng.choice(COMMON_TONICS), _weighted(rng, weights))


def choose_tempo(rng: random.Random, genre: styles.Genre, mood: styles.Mood) -> float:
    low, high = genre.tempo
    return float(round(rng.uniform(low, high) * mood.tempo))


def song_form(bars: int) -> tuple[tuple[str, int], ...]:
    """Intro, verses, choruses, a bridge and an outro scaled to the bar count."""
    if bars < 8:
        return (("verse", bars),)
    intro = 2 if bars < 24 else 4
    outro = 0 if bars < 16 else intro
    middle = bars - intro - outro
    unit = 8 if middle >= 16 else 4
    cycle = ("verse", "chorus", "verse", "chorus", "bridge", "chorus")
    form, i = [("intro", intro)], 0
    while middle > 0:
        n = middle if middle - unit < 4 else unit
        form.append((cycle[i % len(cycle)], n))
        middle -= n
        i += 1
    if outro:
        form.append(("outro", outro))
    return tuple(form)


def _meter(signature: str) -> tuple[int, int]:
    beats, unit = (int(x) for x in signature.split("/"))
    return beats, unit


def make_plan(request: Request) -> Plan:
    seed = request.seed if request.seed is not None else random.SystemRandom().randrange(1 << 31)
    rng = random.Random(seed)
    genre = styles.genres()[request.genre or rng.choice(styles.GENRES)]
    mood = styles.moods()[request.mood or rng.choice(styles.MOODS)]
    key = Key.parse(request.key) if request.key else choose_key(rng, genre, mood)
    tempo = float(request.tempo_bpm) if request.tempo_bpm else choose_tempo(rng, genre, mood)
    meter = _meter(request.time_signature) if request.time_signature else genre.meter
    duration = request.duration_s or DEFAULT_DURATION_S
    length_beats = duration * tempo / 60.0
    bar_beats = meter[0] * 4 / meter[1]
    bars = max(1, math.floor(length_beats / bar_beats + 1e-9))
    return Plan(genre, mood, key, tempo, meter, length_beats, bars, song_form(bars), seed)
