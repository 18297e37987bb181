"""The key of a hummed tune, by profiles learned from folk tunes: how long each scale degree sounds in the opening
(24 notes within 16 beats) of a tune, and which degree a tune starts and ends on, per mode (a naive Bayes
classifier over the 24 keys).

`python -m generators.hum.keys` learns them from the melody corpus's train split (Essen, O'Neill's, Ryan's: 8,509
openings of at least 8 notes; half a beat added to each degree, one tune to each first and last degree) into
data/key_profiles.json; the hum set (test split) measures them: 36 of its 40 tunes right, sung with seeds 0, 100
and 200 alike. Tried on the same notes and not kept (2026-12-01, on the first version of the singer): Temperley's
profiles (the audio analyzer's) 30-34 of 40, Krumhansl's 20-24, the learned melody network's likelihood of the tune
in each key 31 of 40 on exact notes, and that likelihood added to these profiles, no gain."""
from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np

from generators.theory import Key, key_from_pc

PROFILE_FILE = Path(__file__).parent / "data" / "key_profiles.json"
OPENING_BEATS = 16
OPENING_NOTES = 24
"""The opening learned from: as long as the hum set's tunes (generators.hum.humset)."""
MODES = ("major", "minor")


@cache
def profiles() -> dict[str, dict[str, np.ndarray]]:
    """Log-probabilities per mode: "degrees" (time on each degree), "first" and "last" (the tune's first and last
    note's degree), and "prior" (a one-element array)."""
    raw = json.loads(PROFILE_FILE.read_text())
    return {mode: {name: np.log(np.asarray(values, float)) for name, values in table.items()}
            for mode, table in raw.items()}


def scores(pitches: Sequence[int], lengths: Sequence[float]) -> list[tuple[Key, float]]:
    """The 24 keys, best first, with their log-scores."""
    p = np.asarray(pitches, int)
    time_on = np.zeros(12)
    np.add.at(time_on, p % 12, np.asarray(lengths, float))
    time_on *= len(p) / max(time_on.sum(), 1e-9)  # one unit a note, on average
    out = []
    for mode, table in profiles().items():
        for tonic in range(12):
            score = (time_on @ np.roll(table["degrees"], tonic) + table["first"][(p[0] - tonic) % 12]
                     + table["last"][(p[-1] - tonic) % 12] + table["prior"][0])
            out.append((key_from_pc(tonic, mode), float(score)))
    return sorted(out, key=lambda ks: -ks[1])


def key_of(pitches: Sequence[int], lengths: Sequence[float]) -> Key:
    return scores(pitches, lengths)[0][0]


def learn() -> dict[str, dict[str, list[float]]]:
    from generators.learn import corpus

    data = corpus.load(build_missing=False)
    counts = {m: {"degrees": np.full(12, 0.5), "first": np.ones(12), "last": np.ones(12)} for m in MODES}
    tunes = {m: 0 for m in MODES}
    for i in data.indices("train"):
        if data.names[i].startswith("bach"):
            continue
        tune = data.tune(i)
        notes, beats = [], 0.0
        for semitones, ticks in tune.notes[:OPENING_NOTES]:
            if beats + ticks / 24 > OPENING_BEATS:
                break
            beats += ticks / 24
            if semitones is not None:
                notes.append((semitones, ticks / 24))
        if len(notes) < 8:
            continue
        table = counts[tune.mode]
        for semitones, length in notes:
            table["degrees"][semitones % 12] += length
        table["first"][notes[0][0] % 12] += 1
        table["last"][notes[-1][0] % 12] += 1
        tunes[tune.mode] += 1
    total = sum(tunes.values())
    return {m: {**{k: (v / v.sum()).round(6).tolist() for k, v in counts[m].items()}, "prior": [tunes[m] / total]}
            for m in MODES}


def main() -> int:
    PROFILE_FILE.write_text(json.dumps(learn(), indent=1))
    print(f"key profiles → {PROFILE_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
