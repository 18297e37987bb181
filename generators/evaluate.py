"""How well the audio analyzer hears tempo and key: `python -m generators.evaluate [--renders N] [--corpus N]`.

Two sets: pieces maestro composes and renders, one per genre (ground truth: the score), and Bach chorales from the
music21 corpus rendered by FluidSynth (ground truth: the key written in the edition). The analyzer was tuned on
renders of maestro's own pieces, never on the chorales. Tempo counts within 2%, octave errors as wrong."""
from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

from generators import styles
from generators.theory import key_from_pc


def _tempo_ok(found: float | None, truth: float) -> bool:
    return found is not None and found > 0 and abs(found - truth) / truth <= 0.02


def renders(n: int, duration_s: float = 30, seed: int = 500) -> list[dict[str, Any]]:
    """One piece per genre for the first n genres: the score's tempo and key against the analyzer's."""
    from generators import engine
    from generators.analysis import analyze_audio
    from generators.compose import Request
    from generators.export import write_audio
    from generators.master import master
    from generators.render import SAMPLE_RATE

    music, rows = engine.get(), []
    with tempfile.TemporaryDirectory() as tmp:
        for i, genre in enumerate(styles.GENRES[:n]):
            piece = music.compose(Request(genre=genre, seed=seed + i, duration_s=duration_s))
            path = Path(tmp) / f"{genre}.wav"
            write_audio(master(engine.render(music, piece), SAMPLE_RATE), SAMPLE_RATE, path)
            a = analyze_audio(path)
            rows.append({"name": genre, "tempo": piece.tempo_bpm, "tempo_found": a.tempo_bpm, "key": piece.key.name,
                         "key_found": a.key, "tempo_ok": _tempo_ok(a.tempo_bpm, piece.tempo_bpm),
                         "key_ok": a.key == piece.key.name})
    return rows


# Krumhansl and Kessler's probe-tone profiles (1982), the textbook key finder's templates.
KK_MAJOR = (6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88)
KK_MINOR = (6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17)


def textbook_key(path: Path) -> str:
    """The key a textbook finder hears, independent of maestro's analyzer: the recording's mean CQT chroma
    correlated with the 24 rotations of the Krumhansl-Kessler profiles."""
    import librosa
    import numpy as np

    y, sr = librosa.load(str(path), sr=22050, mono=True)
    chroma = librosa.feature.chroma_cqt(y=y, sr=sr).mean(axis=1)
    best = max(((np.corrcoef(chroma, np.roll(profile, pc))[0, 1], pc, mode) for pc in range(12)
                for mode, profile in (("major", KK_MAJOR), ("minor", KK_MINOR))))
    return key_from_pc(best[1], best[2]).name


def keys_heard(n: int, duration_s: float = 20, seed: int = 7) -> list[dict[str, Any]]:
    """n renders over every genre and mood in turn, with tonic and mode drawn from the seed: the asked key against
    the textbook finder's (and maestro's own analyzer's)."""
    import random

    from generators import engine
    from generators.analysis import analyze_audio
    from generators.compose import Request
    from generators.export import write_audio
    from generators.master import master
    from generators.render import SAMPLE_RATE

    music, rows, rng = engine.get(), [], random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(n):
            genre, mood = styles.GENRES[i % len(styles.GENRES)], styles.MOODS[(i // len(styles.GENRES) + i) % 10]
            modes = [m for m, _ in styles.genres()[genre].modes if m in ("major", "minor")]
            key = key_from_pc(rng.randrange(12), rng.choice(modes)).name
            piece = music.compose(Request(genre=genre, mood=mood, key=key, seed=seed + i, duration_s=duration_s))
            path = Path(tmp) / "k.wav"
            write_audio(master(engine.render(music, piece), SAMPLE_RATE), SAMPLE_RATE, path)
            found = textbook_key(path)
            rows.append({"name": f"{genre}/{mood}", "key": key, "key_found": found, "key_ok": found == key,
                         "analyzer_ok": analyze_audio(path).key == key})
    return rows


def chorales(n: int) -> list[dict[str, Any]]:
    """The first n Bach chorales (in corpus order) with a written key that render, through FluidSynth: the key
    finder's evaluation set (generators.learn.keys trains on the chorales after these)."""
    from generators.analysis import analyze_audio, analyze_midi
    from generators.learn.keys import render_score, scores

    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, score, truth in scores("bach"):
            if len(rows) >= n:
                break
            rendered = render_score(score, Path(tmp))
            if rendered is None:
                continue
            midi, wav = rendered
            found, symbolic = analyze_audio(wav).key, analyze_midi(midi).key
            rows.append({"name": name, "key": truth, "key_found": found, "key_ok": found == truth,
                         "midi_key_ok": symbolic == truth})
    return rows


def summary(render_rows: list[dict[str, Any]], corpus_rows: list[dict[str, Any]]) -> dict[str, Any]:
    def share(rows: list[dict[str, Any]], field: str) -> float | None:
        return round(sum(r[field] for r in rows) / len(rows), 3) if rows else None
    return {"analysis_tempo_accuracy": share(render_rows, "tempo_ok"),
            "analysis_key_accuracy": share(render_rows, "key_ok"), "analysis_pieces": len(render_rows),
            "corpus_key_accuracy": share(corpus_rows, "key_ok"),
            "corpus_midi_key_accuracy": share(corpus_rows, "midi_key_ok"), "corpus_pieces": len(corpus_rows)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m generators.evaluate", description=__doc__.splitlines()[0])
    ap.add_argument("--renders", type=int, default=len(styles.GENRES), help="genres to render (one piece each)")
    ap.add_argument("--corpus", type=int, default=40, help="Bach chorales to render")
    ap.add_argument("--keys", type=int, default=0,
                    help="instead: this many renders over genres and moods, asked key vs a textbook key finder")
    ap.add_argument("--seed", type=int, default=7, help="with --keys: the first seed (7 is the set tuned on)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if args.keys:
        rows = keys_heard(args.keys, seed=args.seed)
        share = sum(r["key_ok"] for r in rows) / len(rows)
        if args.json:
            print(json.dumps({"keys_heard": round(share, 3), "renders": rows}))
            return 0
        for r in rows:
            print(f"{r['name']:22} {r['key']:9} → {r['key_found']:9} {'ok' if r['key_ok'] else '✗'}")
        print(f"asked key heard (textbook finder): {share:.1%} of {len(rows)}; maestro's analyzer: "
              f"{sum(r['analyzer_ok'] for r in rows) / len(rows):.1%}")
        return 0
    ours, bach = renders(args.renders), chorales(args.corpus)
    if args.json:
        print(json.dumps({**summary(ours, bach), "renders": ours, "chorales": bach}))
        return 0
    for r in ours:
        print(f"{r['name']:11} tempo {r['tempo']:6.1f} → {r['tempo_found']!s:7} {'ok' if r['tempo_ok'] else '✗ '}  "
              f"key {r['key']:9} → {r['key_found']!s:9} {'ok' if r['key_ok'] else '✗'}")
    wrong = [f"{r['name']} ({r['key']} → {r['key_found']})" for r in bach if not r["key_ok"]]
    print(f"chorales wrong: {', '.join(wrong) or 'none'}")
    print(json.dumps(summary(ours, bach)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
