"""The hum set: the opening phrases of held-out folk tunes (the melody corpus's test split, never trained on), sung
by a synthetic voice with the faults of a real one.

`python -m generators.hum.humset` writes data/humset.json from the corpus cache (generators.learn.corpus): the first
40 test-split tunes of Essen and O'Neill's in corpus order with at least 12 sung notes, each cut to its first 24
notes (rests included) within 16 beats: 8-12 s sung. The voice (`sing`) is deterministic per seed:
a tonic drawn from the 12, a register around A3, a tempo of 80-112 BPM, rubato of ±5% (a smooth random walk of the
beat length), pitch drift of ±30 cents (slow), vibrato at 5-6 Hz (±25 cents), sine plus five harmonics shaped like a
hum, a dip of 40 ms between notes, a breath (0.3 s of shaped noise) in each rest and,
every 8 beats of singing, in the last 0.3 s of a note, and room noise (pink) at 20 dB SNR."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SET_FILE = Path(__file__).parent / "data" / "humset.json"
RATE = 22050
TUNES = 40
MAX_NOTES = 24
MAX_BEATS = 16
"""About 10 s sung at 96 BPM."""
TICKS = 24
"""Corpus ticks per quarter note."""
NAMES = ("C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")


@dataclass(frozen=True)
class Tune:
    name: str
    mode: str
    """"major" or "minor"."""
    meter: str
    pickup: float
    """Beats into the first bar where the tune starts."""
    notes: tuple[tuple[int | None, float], ...]
    """(semitones from the tonic, or None for a rest; duration in beats), in order."""


@dataclass(frozen=True)
class Sung:
    """A tune as the synthetic voice sang it: the audio and the truth to score against."""

    audio: np.ndarray
    rate: int
    key: str
    """"A minor"."""
    tempo_bpm: float
    onsets: np.ndarray
    """Seconds, one per sung note (rests left out)."""
    offsets: np.ndarray
    pitches: np.ndarray
    """MIDI note numbers, nominal (the drift and vibrato are the singer's)."""


def build(limit: int = TUNES) -> list[Tune]:
    from generators.learn import corpus

    data = corpus.load(build_missing=False)
    tunes = []
    for i in data.indices("test"):
        if not data.names[i].startswith(("essenFolksong", "oneills1850")):
            continue
        tune = data.tune(i)
        notes: tuple[tuple[int | None, float], ...] = ()
        for p, d in tune.notes[:MAX_NOTES]:
            if sum(b for _, b in notes) + d / TICKS > MAX_BEATS:
                break
            notes += ((p, d / TICKS),)
        if sum(p is not None for p, _ in notes) >= 12:
            tunes.append(Tune(data.names[i], tune.mode, tune.meter, tune.pickup / TICKS, notes))
        if len(tunes) == limit:
            break
    return tunes


def load() -> list[Tune]:
    raw = json.loads(SET_FILE.read_text())
    return [Tune(t["name"], t["mode"], t["meter"], float(t["pickup"]), tuple((p, float(d)) for p, d in t["notes"]))
            for t in raw]


def _walk(rng: np.random.Generator, n: int, limit: float, smooth: int) -> np.ndarray:
    """A slow random walk within ±limit."""
    steps = rng.normal(0, 1, n + smooth)
    walk: np.ndarray = np.convolve(np.cumsum(steps), np.ones(smooth) / smooth, mode="valid")[:n]
    walk -= walk.mean()
    peak = np.abs(walk).max()
    return walk * (limit / peak) if peak > 0 else walk


def pink(rng: np.random.Generator, n: int) -> np.ndarray:
    """n samples of pink noise (power falling 3 dB an octave) at unit RMS."""
    spectrum = np.fft.rfft(rng.normal(0, 1, n))
    spectrum /= np.sqrt(np.maximum(np.arange(len(spectrum)), 1))
    noise = np.fft.irfft(spectrum, n)
    unit: np.ndarray = noise / (np.sqrt(np.mean(noise ** 2)) + 1e-12)
    return unit


def _schedule(tune: Tune, rng: np.random.Generator,
              tempo: float) -> tuple[list[tuple[float, float, int]], list[float], float]:
    """(start s, end s, semitones) of each sung note, the breaths' start times, and the recording's length."""
    beat = 60.0 / tempo
    stretch = 1 + _walk(rng, len(tune.notes), 0.05, 4)
    t, since_breath = 0.3, 0.0
    notes: list[tuple[float, float, int]] = []
    breaths: list[float] = []
    for (semitones, beats), factor in zip(tune.notes, stretch):
        length = beats * beat * factor
        if semitones is None:
            breaths.append(t)
            since_breath = 0.0
        else:
            if since_breath >= 8 and notes:  # a breath taken from the end of the note before, in time
                start, end, pitch = notes[-1]
                notes[-1] = (start, max(start + 0.1, end - 0.3), pitch)
                breaths.append(notes[-1][1])
                since_breath = 0.0
            notes.append((t, t + length, semitones))
            since_breath += beats
        t += length
    return notes, breaths, t + 0.4


HUMMED = (1.0, 0.5, 0.32, 0.2, 0.12, 0.07)
"""The voice's harmonics: a hum or an "oo"."""
WHISTLE_OCTAVES = 2
"""A whistle sounds two octaves above the hum's register (its tonic A4-G#5, 440-830 Hz; tunes reach 1.7 kHz), nearly a
pure tone."""


def sing(tune: Tune, seed: int, whistle: bool = False) -> Sung:
    rng = np.random.default_rng(seed)
    tonic = int(rng.integers(0, 12))
    tempo = float(rng.uniform(80, 112))
    notes, breaths, total = _schedule(tune, rng, tempo)
    base = 45 + (tonic - 45) % 12 + (12 if tonic < 4 else 0)  # the tonic's MIDI note, from A2 up
    base += 12 * WHISTLE_OCTAVES if whistle else 0
    n = int(total * RATE)
    t = np.arange(n) / RATE
    cents = np.full(n, np.nan)
    amp = np.zeros(n)
    fade = int(0.04 * RATE)
    for start, end, semitones in notes:
        a, b = int(start * RATE), int(end * RATE)
        cents[a:b] = (base + semitones) * 100
        env = np.ones(b - a)
        ramp = min(fade, (b - a) // 3)
        env[:ramp] = np.linspace(0, 1, ramp)
        env[-ramp:] = np.linspace(1, 0.05, ramp)
        amp[a:b] = env * rng.uniform(0.7, 1.0)
    voiced = ~np.isnan(cents)
    cents = np.where(voiced, cents, np.interp(t, t[voiced], cents[voiced]))  # glide through the gaps
    rate_hz = rng.uniform(5, 6)
    control = np.arange(0, n + RATE // 100, RATE // 100)  # the drift moves slowly: drawn at 100 Hz
    drift = np.interp(np.arange(n), control, _walk(rng, len(control), 30, 100))
    cents = cents + drift + 25 * np.sin(2 * np.pi * rate_hz * t) * np.minimum(1, t)
    freq = 440 * 2 ** ((cents - 6900) / 1200)
    phase = 2 * np.pi * np.cumsum(freq) / RATE
    voice = sum(w * np.sin(k * phase) for k, w in enumerate((1.0, 0.03) if whistle else HUMMED, start=1))
    voice = voice * amp
    for start in breaths:
        a = int(start * RATE)
        burst = rng.normal(0, 0.05, int(0.3 * RATE)) * np.hanning(int(0.3 * RATE))
        voice[a:a + len(burst)] += burst[: n - a]
    level = np.sqrt(np.mean(voice[voiced] ** 2))
    audio = voice + pink(rng, n) * level / 10  # 20 dB SNR
    audio = (audio / np.abs(audio).max() * 0.7).astype(np.float32)
    return Sung(audio, RATE, f"{NAMES[tonic]} {tune.mode}", tempo, np.array([s for s, _, _ in notes]),
                np.array([e for _, e, _ in notes]), np.array([base + p for _, _, p in notes], float))


def main() -> int:
    tunes = build()
    SET_FILE.parent.mkdir(parents=True, exist_ok=True)
    SET_FILE.write_text(json.dumps([{"name": t.name, "mode": t.mode, "meter": t.meter, "pickup": t.pickup,
                                     "notes": [list(n) for n in t.notes]} for t in tunes], indent=0))
    print(f"{len(tunes)} tunes → {SET_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
