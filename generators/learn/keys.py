"""Learns the key finder's tables (generators.keys) into weights/keys.json: `python -m generators.learn.keys`.

- "tune": naive Bayes (add-half smoothing) over the openings (24 notes within 16 beats) of the melody corpus's
  train split: Essen, O'Neill's and Ryan's, 8,509 openings of at least 8 notes. Measured on the hum set (test split).
- "audio" and "notes": a multinomial logistic regression over the 24 keys (L2, weights shared by rotation) on
  rendered music with a known key, from the recording's chroma and from the notes:
  - train: the Bach chorales after the evaluation's first 40 (corpus order, the written key; TRAIN_CHORALES of
    them), and TRAIN_RENDERS of maestro's own pieces over every genre and mood, key drawn at random (seeds from
    3000; the evaluations use 7 and 500);
  - evaluation: the first 40 chorales (generators.evaluate, `maestro bench`: corpus_key_accuracy);
  - held out, never trained or tuned on, the harder set: every movement by another composer in music21's corpus
    whose parts all write one key (Beethoven's, Mozart's and Haydn's quartets and more; they modulate).
    `--held-out` measures it.

Renders go through FluidSynth (FluidR3) as in generators.evaluate; evidence is cached by name in the cache folder,
so a second run costs seconds."""
from __future__ import annotations

import argparse
import json
import random
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from generators.keys import KINDS, MODES, TABLE_FILE, Evidence, ranked
from generators.theory import Key, key_from_pc

EVAL_CHORALES, TRAIN_CHORALES, TRAIN_RENDERS = 40, 320, 96
RENDER_SEED = 3000
HELD_OUT_COMPOSERS = ("beethoven", "mozart", "haydn", "handel", "corelli", "schubert", "chopin", "joplin", "weber",
                      "verdi", "cpebach", "beach")
L2_GRID = (1e-6, 3e-6, 1e-5, 3e-5, 1e-4, 3e-4)
"""The L2 weights tried; each kind takes the one with the best 5-fold cross-validated accuracy on the training
set (the larger on a tie). The evaluation and held-out sets never choose."""
FOLDS = 5
CACHE_VERSION = 2
"""Of the evidence kept between runs: 2 has the bass."""
OPENING_BEATS, OPENING_NOTES = 16, 24
"""A tune's opening, as long as the hum set's tunes (generators.hum.humset)."""


# --- "tune": folk openings --------------------------------------------------------------------------------------

def tune_table() -> dict[str, list[float]]:
    from generators.learn import corpus

    data = corpus.load(build_missing=False)
    counts = {m: {"overall": np.full(12, 0.5), "opening": np.ones(12), "closing": np.ones(12)} for m in MODES}
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
            table["overall"][semitones % 12] += length
        table["opening"][notes[0][0] % 12] += 1
        table["closing"][notes[-1][0] % 12] += 1
        tunes[tune.mode] += 1
    total = sum(tunes.values())
    return {m: [round(float(v), 6) for part in ("overall", "opening", "closing")
                for v in np.log(counts[m][part] / counts[m][part].sum())] + [0.0] * 12  # a tune has no bass
            + [round(float(np.log(tunes[m] / total)), 6)] for m in MODES}


# --- renders ----------------------------------------------------------------------------------------------------

def written_key(score: Any) -> str | None:
    """The key the edition writes, when every part agrees on it; None otherwise."""
    from music21 import key as m21key

    found = set()
    for part in score.parts:
        first = next(iter(part.recurse().getElementsByClass(m21key.Key)), None)
        if first is None:
            return None
        found.add(key_from_pc(first.tonic.pitchClass, first.mode).name)
    return found.pop() if len(found) == 1 else None


def scores(composer: str) -> Iterator[tuple[str, Any, str]]:
    """(name, score, written key) of the composer's corpus works that write one key, in corpus order."""
    from music21 import corpus

    for source in corpus.getComposer(composer):
        try:
            score = corpus.parse(source)
        except Exception:  # noqa: BLE001 - a corpus file music21 cannot read is skipped
            continue
        truth = written_key(score) if hasattr(score, "parts") else None
        if truth is not None:
            yield source.stem, score, truth


def render_score(score: Any, folder: Path) -> tuple[Path, Path] | None:
    """The score as MIDI and as audio through FluidSynth, peak-normalised to half scale; None when music21 cannot
    write it as MIDI, or writes one pretty_midi refuses."""
    from music21.repeat import ExpanderException

    from generators.export import write_audio
    from generators.libs import pretty_midi
    from generators.render import SAMPLE_RATE
    from generators.soundfont import find_soundfont

    midi, wav = folder / "c.mid", folder / "c.wav"
    try:
        score.write("midi", fp=str(midi))
        notes = pretty_midi().PrettyMIDI(str(midi))
    except (ExpanderException, ValueError):
        return None
    audio = notes.fluidsynth(fs=SAMPLE_RATE, synthesizer=str(find_soundfont(None)))
    write_audio(audio / max(1e-9, abs(audio).max()) * 0.5, SAMPLE_RATE, wav)
    return midi, wav


def evidence_of(midi: Path, wav: Path) -> dict[str, Evidence]:
    """Both kinds of evidence, through the analyzer's own code."""
    import librosa

    from generators.analysis import CHROMA_HOP, RATE, harmonic_chroma, midi_evidence
    from generators.keys import of_chroma
    from generators.libs import pretty_midi

    y, _ = librosa.load(str(wav), sr=RATE, mono=True)
    chroma, energy, bass = harmonic_chroma(y)
    return {"audio": of_chroma(chroma, energy, CHROMA_HOP / RATE, bass),
            "notes": midi_evidence(pretty_midi().PrettyMIDI(str(midi)))}


def _cached(cache: Path, name: str, make: Any) -> dict[str, Any] | None:
    """{"key", "audio", "notes"} of one work, or None where it cannot be rendered; remembered in `cache`."""
    entry = cache / f"{name}-v{CACHE_VERSION}.json"
    if entry.exists():
        raw = json.loads(entry.read_text())
        return None if raw is None else {"key": raw["key"], **{k: Evidence(**raw[k]) for k in ("audio", "notes")}}
    made = make()
    cache.mkdir(parents=True, exist_ok=True)
    if made is None:
        entry.write_text("null")
        return None
    key, found = made
    entry.write_text(json.dumps({"key": key, **{k: vars(v) for k, v in found.items()}}))
    return {"key": key, **found}


def corpus_set(composers: tuple[str, ...], skip: int, take: int, cache: Path) -> list[dict[str, Any]]:
    """Rendered corpus works with their written key: of each composer's works that render, `take` after the first
    `skip` (a score music21 cannot write as MIDI, such as one with badly formed repeats, is passed over)."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for composer in composers:
            kept = 0
            for name, score, truth in scores(composer):
                if kept >= skip + take:
                    break

                def make(score: Any = score, truth: str = truth) -> tuple[str, dict[str, Evidence]] | None:
                    rendered = render_score(score, Path(tmp))
                    return None if rendered is None else (truth, evidence_of(*rendered))
                row = _cached(cache, f"{composer}-{name}", make)
                if row is None:
                    continue
                if kept >= skip:
                    rows.append({"name": name, **row})
                kept += 1
    return rows


def maestro_set(n: int, seed: int, cache: Path) -> list[dict[str, Any]]:
    """n of maestro's pieces over every genre and mood, each in a random key, rendered and mastered."""
    from generators import engine, styles
    from generators.compose import Request
    from generators.export import write_audio
    from generators.master import master
    from generators.render import SAMPLE_RATE

    music, rng, rows = engine.get(), random.Random(seed), []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(n):
            genre, mood = styles.GENRES[i % len(styles.GENRES)], styles.MOODS[(i // len(styles.GENRES) + i) % 10]
            modes = [m for m, _ in styles.genres()[genre].modes if m in MODES]
            key = key_from_pc(rng.randrange(12), rng.choice(modes)).name

            def make(genre: str = genre, mood: str = mood, key: str = key, i: int = i) -> tuple[str, dict[str, Any]]:
                from generators.midi import write_midi

                piece = music.compose(Request(genre=genre, mood=mood, key=key, seed=seed + i, duration_s=20))
                wav, midi = Path(tmp) / "m.wav", Path(tmp) / "m.mid"
                write_audio(master(engine.render(music, piece), SAMPLE_RATE), SAMPLE_RATE, wav)
                write_midi(piece, midi)
                return key, evidence_of(midi, wav)
            row = _cached(cache, f"maestro-{seed + i}", make)
            assert row is not None  # maestro's own scores always render
            rows.append({"name": f"maestro-{seed + i}", **row})
    return rows


# --- the regression ---------------------------------------------------------------------------------------------

def _design(rows: list[dict[str, Any]], kind: str) -> tuple[np.ndarray, np.ndarray]:
    """X: rows × 24 keys × 49 features (major keys first); y: the index of the right key."""
    x = np.stack([np.stack([r[kind].features(t) for t in range(12)] * 2) for r in rows])
    y = np.array([(12 if Key.parse(r["key"]).is_minor else 0) + Key.parse(r["key"]).pc for r in rows])
    return x, y


def fit(rows: list[dict[str, Any]], kind: str, l2: float) -> dict[str, list[float]]:
    from scipy.optimize import minimize

    x, y = _design(rows, kind)
    n, dim = len(rows), x.shape[2]

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w = theta.reshape(2, dim)
        z = np.concatenate([x[:, :12] @ w[0], x[:, 12:] @ w[1]], axis=1)
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        nll = -np.log(p[np.arange(n), y] + 1e-12).mean()
        p[np.arange(n), y] -= 1
        grad = np.stack([np.einsum("nk,nkd->d", p[:, :12], x[:, :12]), np.einsum("nk,nkd->d", p[:, 12:], x[:, 12:])])
        grad = grad / n + 2 * l2 * w
        return float(nll + l2 * (w ** 2).sum()), grad.ravel()

    theta = minimize(loss, np.zeros(2 * dim), jac=True, method="L-BFGS-B").x.reshape(2, dim)
    return {m: [round(float(v), 5) for v in theta[i]] for i, m in enumerate(MODES)}


def predicted(table: dict[str, list[float]], evidence: Evidence) -> str:
    """The best key under a table being learned."""
    return ranked(evidence, {m: np.asarray(table[m], float) for m in MODES})[0][0].name


def cross_validated(rows: list[dict[str, Any]], kind: str, l2: float) -> float:
    """Accuracy over FOLDS folds (every FOLDS-th row held out in turn)."""
    right = 0
    for k in range(FOLDS):
        table = fit([r for i, r in enumerate(rows) if i % FOLDS != k], kind, l2)
        right += sum(predicted(table, r[kind]) == r["key"] for r in rows[k::FOLDS])
    return right / len(rows)


def chosen_l2(rows: list[dict[str, Any]], kind: str) -> float:
    return max(reversed(L2_GRID), key=lambda l2: cross_validated(rows, kind, l2))


def accuracy(rows: list[dict[str, Any]], kind: str) -> tuple[float, list[str]]:
    from generators.keys import key_of

    wrong = [f"{r['name']} ({r['key']} → {key_of(r[kind]).name})" for r in rows if key_of(r[kind]).name != r["key"]]
    return round(1 - len(wrong) / max(1, len(rows)), 3), wrong


def main(argv: list[str] | None = None) -> int:
    from generators.atomic import write_text
    from generators.keys import tables

    ap = argparse.ArgumentParser(prog="python -m generators.learn.keys", description=__doc__.splitlines()[0])
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "maestro-keys",
                    help="where the renders' evidence is kept between runs")
    ap.add_argument("--held-out", action="store_true", help="only measure the shipped tables on the held-out set")
    args = ap.parse_args(argv)
    evaluation = corpus_set(("bach",), 0, EVAL_CHORALES, args.cache)
    if args.held_out:
        rows = corpus_set(HELD_OUT_COMPOSERS, 0, 1000, args.cache)
        for kind in ("audio", "notes"):
            share, wrong = accuracy(rows, kind)
            print(f"held out ({len(rows)} works), {kind}: {share:.1%}; wrong: {', '.join(wrong)}")
        return 0
    train = (corpus_set(("bach",), EVAL_CHORALES, TRAIN_CHORALES, args.cache)
             + maestro_set(TRAIN_RENDERS, RENDER_SEED, args.cache))
    l2 = {kind: chosen_l2(train, kind) for kind in ("audio", "notes")}
    learned = {"tune": tune_table(), **{kind: fit(train, kind, l2[kind]) for kind in ("audio", "notes")}}
    write_text(TABLE_FILE, json.dumps({k: learned[k] for k in KINDS}, indent=1))
    tables.cache_clear()
    for kind in ("audio", "notes"):
        print(f"{kind}: L2 {l2[kind]:g}, train {accuracy(train, kind)[0]:.1%} of {len(train)}; "
              f"chorales {accuracy(evaluation, kind)[0]:.1%} of {len(evaluation)}, wrong: "
              f"{', '.join(accuracy(evaluation, kind)[1])}")
    print(f"tables → {TABLE_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
