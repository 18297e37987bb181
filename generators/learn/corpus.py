"""The tunes the melody model learns from, parsed once from the music21 corpus into a compact token cache.

`python -m generators.learn.corpus` builds `~/.cache/maestro/melody/corpus-v1.npz` (about 3 minutes on 2 cores);
training, the bench and the evaluation read it through `load()`. music21 is needed only here (the `test` extra).

Sources: the Essen folk songs (essenFolksong/*.abc), O'Neill's 1850 (oneills1850/*.abc), Ryan's Mammoth Collection
(ryansMammoth/*.abc) and the soprano line of the Bach chorales (bach/*). Each tune's key is its written key (ABC
`K:` field, the MusicXML key), else music21's Krumhansl-Schmuckler estimate; its meter must be one of
`tokens.METERS` throughout. Tunes are quantized to `tokens.TICKS` a quarter; a tune with a note off that grid, a
duration outside `tokens.DURATIONS` or a pitch outside the range (after an octave shift) is dropped and counted.

Duplicates (Ryan's and O'Neill's share many tunes, and Essen has variants) are removed by a fingerprint of the mode
and the first 32 intervals and durations, keeping the first in source order. The split is by tune and fixed:
sha1("<source file>:<index in file>") mod 20 is 0 → test, 1 → validation, otherwise train (5% / 5% / 90%)."""
from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from generators.atomic import atomic_write
from generators.learn import tokens
from generators.learn.tokens import Tune

VERSION = 1
COLLECTIONS = ("essenFolksong", "oneills1850", "ryansMammoth", "bach")
SPLITS = ("train", "valid", "test")
MIN_NOTES = 12


def cache_path() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "maestro" / "melody" / f"corpus-v{VERSION}.npz"


def split_of(source: str, index: int) -> str:
    bucket = int(hashlib.sha1(f"{source}:{index}".encode()).hexdigest(), 16) % 20
    return "test" if bucket == 0 else "valid" if bucket == 1 else "train"


@dataclass(frozen=True)
class Entry:
    source: str
    """Corpus path relative to music21's corpus folder."""
    index: int
    """Position of the tune in its file (0 for single-tune files)."""
    split: str
    tune: Tune


# --- music21 → Tune -------------------------------------------------------------------------------------------

MODE_FAMILY = {"major": "major", "ionian": "major", "mixolydian": "major", "lydian": "major",
               "minor": "minor", "aeolian": "minor", "dorian": "minor", "phrygian": "minor"}


def _written_key(part: Any) -> Any:
    from music21 import key as m21key

    found = next(iter(part.recurse().getElementsByClass(m21key.Key)), None)
    return found if found is not None and found.mode in MODE_FAMILY else None


def _key_of(part: Any, final_pc: int, pcs: list[int], folk: bool) -> tuple[int, str]:
    """Tonic and mode family. A chorale's written key is its key. Folk tunes end on their tonic, and their written
    key may name the relative key, so the tonic is the written one or its relative when the last note is either,
    else music21's Krumhansl-Schmuckler estimate; the mode family is then the one whose third the tune sounds
    more."""
    written = _written_key(part)
    if written is not None and not folk:
        return written.tonic.pitchClass, MODE_FAMILY[written.mode]
    tonic = None
    if written is not None:
        relative = (written.tonic.pitchClass + (9 if MODE_FAMILY[written.mode] == "major" else 3)) % 12
        tonic = next((t for t in (written.tonic.pitchClass, relative) if t == final_pc), None)
    if tonic is None:
        tonic = part.analyze("key").tonic.pitchClass
    minor, major = (sum((pc - tonic) % 12 == i for pc in pcs) for i in (3, 4))
    return tonic, "minor" if minor > major else "major"


def _meter_of(part: Any) -> str | None:
    from music21 import meter

    found = {ts.ratioString for ts in part.recurse().getElementsByClass(meter.TimeSignature)}
    return found.pop() if len(found) == 1 and next(iter(found)) in tokens.METERS else None


def _events(part: Any) -> list[tuple[Fraction, Fraction, int | None]]:
    """(onset, length, MIDI pitch or None) in quarters from the first measure's start, graces dropped, chords by
    their top note."""
    out = []
    for n in part.flatten().notesAndRests:
        length = Fraction(n.quarterLength)
        if length <= 0:
            continue
        pitch = None if n.isRest else max(p.midi for p in n.pitches)
        out.append((Fraction(n.offset), length, pitch))
    return sorted(out, key=lambda e: e[0])


def _on_grid(x: Fraction) -> int | None:
    ticks = x * tokens.TICKS
    return int(ticks) if ticks.denominator == 1 else None


def to_tune(part: Any, tonic_pc: int, mode: str, meter: str) -> Tune | None:
    """The part (ties already merged) as a Tune in the given key and meter, or None when it does not fit."""
    events = _events(part)
    measures = list(part.getElementsByClass("Measure"))
    bar = Fraction(tokens.bar_ticks(meter), tokens.TICKS)
    first_len = Fraction(measures[0].highestTime) if measures else bar
    lead = bar - first_len if 0 < first_len < bar else Fraction(0)
    notes: list[tuple[int | None, int]] = []
    start = None
    for i, (onset, _length, pitch) in enumerate(events):
        end = events[i + 1][0] if i + 1 < len(events) else onset + _length
        on, off = _on_grid(onset + lead), _on_grid(end + lead)
        if on is None or off is None or off <= on:
            return None
        if start is None:
            if pitch is None:
                continue
            start = on
        rel = None if pitch is None else pitch - 60 - tonic_pc
        if notes and rel is None and notes[-1][0] is None:
            notes[-1] = (None, notes[-1][1] + off - on)
        else:
            notes.append((rel, off - on))
    while notes and notes[-1][0] is None:
        notes.pop()
    if start is None or len(notes) < MIN_NOTES or any(d not in tokens.DURATIONS for _, d in notes):
        return None
    pitched = [p for p, _ in notes if p is not None]
    for shift in (0, -12, 12, -24):
        if tokens.LOW <= min(pitched) + shift and max(pitched) + shift <= tokens.HIGH:
            notes = [(None if p is None else p + shift, d) for p, d in notes]
            return Tune(mode, meter, start % tokens.bar_ticks(meter), tuple(notes))
    return None


def tune_of(score: Any, folk: bool) -> Tune | None:
    """The melody of a score: the first part (the soprano of a chorale, the only line of a folk tune)."""
    parts = list(score.parts) if hasattr(score, "parts") and len(score.parts) else [score]
    part = parts[0]
    meter = _meter_of(part)
    if meter is None:
        return None
    part = part.stripTies()
    pitched = [e[2] for e in _events(part) if e[2] is not None]
    if len(pitched) < MIN_NOTES:
        return None
    tonic, mode = _key_of(part, pitched[-1] % 12, [p % 12 for p in pitched], folk)
    return to_tune(part, tonic, mode, meter)


def _sources(collection: str) -> list[Path]:
    import music21

    root = Path(music21.__file__).parent / "corpus" / collection
    keep = (".abc",) if collection != "bach" else (".mxl", ".xml", ".krn")
    return sorted(p for p in root.rglob("*") if p.suffix in keep)


def parse_file(path: Path) -> list[tuple[int, Tune | None]]:
    from music21 import converter

    try:
        parsed = converter.parse(str(path))
    except Exception:  # noqa: BLE001 - a file music21 cannot read is one dropped source, not a failed build
        return []
    scores = list(parsed.scores) if hasattr(parsed, "scores") else [parsed]
    out = []
    for i, score in enumerate(scores):
        try:
            out.append((i, tune_of(score, folk=path.suffix == ".abc")))
        except Exception:  # noqa: BLE001 - a malformed tune inside a collection is one dropped tune
            out.append((i, None))
    return out


def fingerprint(tune: Tune) -> str:
    pitched = [(p, d) for p, d in tune.notes if p is not None][:33]
    steps = [(b[0] - a[0], a[1]) for a, b in zip(pitched, pitched[1:])]
    return hashlib.sha1(repr((tune.mode, steps)).encode()).hexdigest()


# --- build, save, load ----------------------------------------------------------------------------------------

def build(workers: int = 2, files: list[Path] | None = None) -> tuple[list[Entry], dict[str, Any]]:
    """Every source of COLLECTIONS (or only `files`) parsed, deduplicated and split."""
    from multiprocessing import Pool

    import music21

    root = Path(music21.__file__).parent / "corpus"
    files = files if files is not None else [p for c in COLLECTIONS for p in _sources(c)]
    entries, seen, stats = [], set(), {"tunes": 0, "dropped": 0, "duplicates": 0}
    with Pool(workers) as pool:
        for done, (path, tunes) in enumerate(zip(files, pool.imap(parse_file, files, chunksize=4)), 1):
            source = str(path.relative_to(root))
            for index, tune in tunes:
                stats["tunes"] += 1
                if tune is None:
                    stats["dropped"] += 1
                    continue
                fp = fingerprint(tune)
                if fp in seen:
                    stats["duplicates"] += 1
                    continue
                seen.add(fp)
                entries.append(Entry(source, index, split_of(source, index), tune))
            if done % 100 == 0 or done == len(files):
                print(f"\rcorpus: {done}/{len(files)} files, {len(entries)} tunes", end="", file=sys.stderr)
    print(file=sys.stderr)
    stats["kept"] = len(entries)
    stats.update({s: sum(e.split == s for e in entries) for s in SPLITS})
    return entries, stats


def save(entries: list[Entry], stats: dict[str, Any], path: Path) -> None:
    encoded = [tokens.encode(e.tune) for e in entries]
    lengths = np.array([len(x[3]) for x in encoded], dtype=np.int32)
    atomic_write(path, lambda tmp: np.savez_compressed(
        tmp, mode=np.array([x[0] for x in encoded], np.int8), meter=np.array([x[1] for x in encoded], np.int8),
        pickup=np.array([x[2] for x in encoded], np.int16), length=lengths,
        pitch=np.concatenate([np.array(x[3], np.uint8) for x in encoded]),
        duration=np.concatenate([np.array(x[4], np.uint8) for x in encoded]),
        split=np.array([SPLITS.index(e.split) for e in entries], np.int8),
        names=np.array([f"{e.source}:{e.index}" for e in entries]), stats=np.array(json.dumps(stats))))


@dataclass(frozen=True)
class Corpus:
    """The token cache in memory: per tune its mode, meter, pickup and (pitch ids, duration ids)."""

    names: tuple[str, ...]
    split: np.ndarray
    mode: np.ndarray
    meter: np.ndarray
    pickup: np.ndarray
    pitches: tuple[np.ndarray, ...]
    durations: tuple[np.ndarray, ...]
    stats: dict[str, Any]

    def indices(self, split: str) -> list[int]:
        return [i for i, s in enumerate(self.split) if SPLITS[s] == split]

    def tune(self, i: int) -> Tune:
        return tokens.decode(int(self.mode[i]), int(self.meter[i]), int(self.pickup[i]),
                             self.pitches[i].tolist(), self.durations[i].tolist())


def sources(collection: str) -> list[Path]:
    """The files of one collection, in the order the build reads them."""
    return _sources(collection)


def load(path: Path | None = None, build_missing: bool = True) -> Corpus:
    path = path or cache_path()
    if not path.exists():
        if not build_missing:
            raise FileNotFoundError(f"no melody corpus at {path}: run python -m generators.learn.corpus")
        entries, stats = build()
        save(entries, stats, path)
    data = np.load(path)
    cuts = np.concatenate([[0], np.cumsum(data["length"])])
    pitch, dur = data["pitch"], data["duration"]
    return Corpus(tuple(str(n) for n in data["names"]), data["split"], data["mode"], data["meter"], data["pickup"],
                  tuple(pitch[a:b] for a, b in zip(cuts[:-1], cuts[1:])),
                  tuple(dur[a:b] for a, b in zip(cuts[:-1], cuts[1:])), json.loads(str(data["stats"])))


def main() -> int:
    path = cache_path()
    entries, stats = build()
    save(entries, stats, path)
    print(json.dumps({"path": str(path), **stats}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
