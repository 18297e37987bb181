"""Train the melody network: `python -m generators.learn.train [--minutes 40] [--seed 1]`.

Data: the token cache of `generators.learn.corpus` (built first if missing), its fixed split by tune (90% train,
5% validation, 5% test). Each tune is one sequence (tunes longer than the context are cropped at a random note
each epoch). Loss: cross-entropy of the pitch and of the duration of each note, summed. AdamW, lr 2e-3 with
warm-up and cosine decay, batches of 32 tunes of similar length, dropout 0.1; the epoch with the lowest validation
bits per note is kept.
Torch uses 2 threads (both cores). Output: `weights/melody.npz` (float16) and `weights/melody.json` with the
network's shape, the vocabulary, the sha256, this command, the commit, the seed, and train/validation figures.
The test split is never looked at here: `python -m generators.learn.evaluate` reports it."""
from __future__ import annotations

import argparse
import json
import math
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from generators.atomic import atomic_write, write_text
from generators.learn import corpus as corpus_mod
from generators.learn import runtime, tokens

if TYPE_CHECKING:
    import torch

    from generators.learn.net import MelodyNet

Seq = dict[str, Any]
"""A tune as the network reads it: arrays of inputs and targets, and its mode, meter and source."""


def sequences(c: corpus_mod.Corpus, split: str) -> list[Seq]:
    out = []
    for i in c.indices(split):
        p, d = c.pitches[i].astype(np.int64), c.durations[i].astype(np.int64)
        meter = tokens.METERS[int(c.meter[i])]
        pos = tokens.positions(meter, int(c.pickup[i]), [tokens.DURATIONS[x] for x in d])
        out.append({"pitch": p, "duration": d, "position": np.array(pos, np.int64),
                    "mode": int(c.mode[i]), "meter": int(c.meter[i]),
                    "source": tokens.SOURCES.index(tokens.source_of(c.names[i]))})
    return out


def window(seq: Seq, start: int, length: int, start_pitch: int, start_duration: int) -> Seq:
    p, d = seq["pitch"], seq["duration"]
    prev_p = np.concatenate([[start_pitch], p[:-1]])
    prev_d = np.concatenate([[start_duration], d[:-1]])
    end = start + length
    return {"prev_pitch": prev_p[start:end], "prev_duration": prev_d[start:end], "position": seq["position"][start:end],
            "pitch": p[start:end], "duration": d[start:end], "mode": seq["mode"], "meter": seq["meter"],
            "source": seq["source"]}


def batches(lengths: list[int], size: int, rng: random.Random) -> list[list[int]]:
    """Tune indices in batches of similar length (less padding): shuffled, sorted within pools of 50 batches,
    cut, and the batches shuffled."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    pool, out = size * 50, []
    for a in range(0, len(order), pool):
        chunk = sorted(order[a:a + pool], key=lambda i: lengths[i])
        out += [chunk[b:b + size] for b in range(0, len(chunk), size)]
    rng.shuffle(out)
    return out


def batch(windows: list[Seq]) -> tuple[torch.Tensor, ...]:
    import torch

    t = max(len(w["pitch"]) for w in windows)

    def pad(key: str, fill: int) -> torch.Tensor:
        return torch.tensor(np.stack([np.pad(w[key], (0, t - len(w[key])), constant_values=fill) for w in windows]))
    return (pad("prev_pitch", 0), pad("prev_duration", 0), pad("position", 0),
            torch.tensor([w["mode"] for w in windows]), torch.tensor([w["meter"] for w in windows]),
            torch.tensor([w["source"] for w in windows]),
            pad("pitch", 0), pad("pitch", -100), pad("duration", -100))


def losses(model: MelodyNet, windows: list[Seq]) -> tuple[torch.Tensor, torch.Tensor, int]:
    """Summed pitch and duration cross-entropy (nats) and the number of notes."""
    import torch.nn.functional as F

    prev_p, prev_d, pos, mode, meter, source, pitch_in, pitch, dur = batch(windows)
    pl, dl = model(prev_p, prev_d, pos, mode, meter, source, pitch_in)
    lp = F.cross_entropy(pl.reshape(-1, pl.shape[-1]), pitch.reshape(-1), ignore_index=-100, reduction="sum")
    ld = F.cross_entropy(dl.reshape(-1, dl.shape[-1]), dur.reshape(-1), ignore_index=-100, reduction="sum")
    return lp, ld, int((pitch != -100).sum())


def evaluate_bits(model: MelodyNet, seqs: list[Seq], context: int) -> tuple[float, float]:
    """Bits per note (pitch, duration), each note predicted with the whole tune before it when it fits in the
    context, else with at least half a context (windows overlap by half)."""
    import torch

    from generators.learn.net import START_DURATION, START_PITCH

    model.eval()
    tp = td = n = 0.0
    with torch.no_grad():
        for seq in seqs:
            length, start, scored = len(seq["pitch"]), 0, 0
            while scored < length:
                w = window(seq, start, context, START_PITCH, START_DURATION)
                pl, dl = model(*[x[None] if hasattr(x, "shape") else torch.tensor([x]) for x in
                                 (torch.tensor(w["prev_pitch"]), torch.tensor(w["prev_duration"]),
                                  torch.tensor(w["position"]), w["mode"], w["meter"], w["source"],
                                  torch.tensor(w["pitch"]))])
                lp = torch.log_softmax(pl[0], -1).gather(1, torch.tensor(w["pitch"])[:, None])[:, 0]
                ld = torch.log_softmax(dl[0], -1).gather(1, torch.tensor(w["duration"])[:, None])[:, 0]
                skip = scored - start
                tp -= float(lp[skip:].sum())
                td -= float(ld[skip:].sum())
                n += len(lp) - skip
                scored = start + len(lp)
                start = scored - context // 2 if scored < length else scored
    model.train()
    return tp / n / math.log(2), td / n / math.log(2)


def commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "generators/learn"], capture_output=True,
                               text=True).stdout.strip()
        return head + ("+uncommitted changes in generators/learn" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def export(model: MelodyNet, out: Path, meta: dict[str, Any]) -> None:
    state = {k: v.detach().numpy().astype(np.float16) for k, v in model.state_dict().items()}
    atomic_write(out, lambda tmp: np.savez_compressed(tmp, **state))
    meta = {**meta, "sha256": runtime.sha256(out), "bytes": out.stat().st_size}
    write_text(out.with_suffix(".json"), json.dumps(meta, indent=1) + "\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m generators.learn.train", description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=40.0, help="training time budget")
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--width", type=int, default=192)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--out", type=Path, default=runtime.WEIGHTS)
    args = ap.parse_args(argv)

    import torch

    from generators.learn.net import START_DURATION, START_PITCH, Config, MelodyNet

    torch.manual_seed(args.seed)
    random.seed(args.seed)
    torch.set_num_threads(2)
    made_from = commit()  # before training: the code that runs is the code of this commit
    c = corpus_mod.load()
    train, valid = sequences(c, "train"), sequences(c, "valid")
    config = Config(width=args.width, layers=args.layers)
    model = MelodyNet(config)
    params = sum(p.numel() for p in model.parameters())
    print(f"train: {len(train)} tunes ({sum(len(s['pitch']) for s in train)} notes), valid {len(valid)}, "
          f"{params:,} parameters", file=sys.stderr)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01, betas=(0.9, 0.98))
    steps_per_epoch = math.ceil(len(train) / args.batch)
    total = steps_per_epoch * args.epochs
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / 300) * 0.5 * (1 + math.cos(math.pi * min(1.0, s / total))))
    began, history = time.time(), []
    best: tuple[float, dict[str, Any], int] = (float("inf"), {}, 0)  # bits/note, weights, epoch
    rng = random.Random(args.seed)
    for epoch in range(1, args.epochs + 1):
        for group in batches([len(s["pitch"]) for s in train], args.batch, rng):
            ws = []
            for i in group:
                s = train[i]
                start = rng.randrange(len(s["pitch"]) - config.context + 1) if len(s["pitch"]) > config.context else 0
                ws.append(window(s, start, config.context, START_PITCH, START_DURATION))
            lp, ld, n = losses(model, ws)
            opt.zero_grad()
            ((lp + ld) / n).backward()  # type: ignore[no-untyped-call]  # torch's, unannotated
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
        vp, vd = evaluate_bits(model, valid, config.context)
        history.append({"epoch": epoch, "valid_pitch_bits": round(vp, 4), "valid_duration_bits": round(vd, 4),
                        "minutes": round((time.time() - began) / 60, 2)})
        print(f"epoch {epoch}: valid pitch {vp:.3f} + duration {vd:.3f} = {vp + vd:.3f} bits/note "
              f"({history[-1]['minutes']} min)", file=sys.stderr)
        if vp + vd < best[0]:
            best = (vp + vd, {k: v.clone() for k, v in model.state_dict().items()}, epoch)
        if time.time() - began > args.minutes * 60 * (epoch + 1) / epoch:
            break  # the next epoch would end past the budget
    model.load_state_dict(best[1])
    command = "python -m generators.learn.train " + " ".join(argv if argv is not None else sys.argv[1:])
    export(model, args.out, {
        "config": config.as_dict(), "vocabulary": runtime.vocabulary(), "parameters": params,
        "command": command.strip(), "commit": made_from, "seed": args.seed, "best_epoch": best[2],
        "history": history, "train_minutes": round((time.time() - began) / 60, 1), "corpus": c.stats,
        "corpus_version": corpus_mod.VERSION, "made": time.strftime("%Y-%m-%d %H:%M")})
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB), best epoch {best[2]}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
