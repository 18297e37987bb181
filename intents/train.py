"""Train the intent classifier from intents/data/*.yaml: `python -m intents.train [--out PATH] [--seed N]`.

The bottom layers are frozen and their output computed once; the top layers and the head are trained with AdamW.
10% of the examples are a dev split for the out-of-scope threshold. Reproducible: same data and seed, same model."""
from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generators.atomic import atomic_write
from intents import encoder
from intents.classifier import FROZEN_LAYERS, default_model_path
from intents.examples import load
from intents.export import compile_model
from intents.model import INTENTS

EPOCHS = 6
BATCH = 32
LR_TOP, LR_HEAD = 1e-4, 2e-3
MAX_FALSE_REJECT = 0.01


def _prefix_states(model: Any, tokenizer: Any, texts: list[str]) -> list[Any]:
    import torch

    states = []
    with torch.inference_mode():
        for i in range(0, len(texts), 64):
            batch = encoder.tokenize(tokenizer, texts[i:i + 64])
            hidden = encoder.embed_prefix(model, batch, FROZEN_LAYERS)
            for h, m in zip(hidden, batch["attention_mask"]):
                n = int(m.sum())
                states.append(h[:n].clone())
    return states


def _pad(states: list[Any]) -> tuple[Any, Any]:
    import torch

    n = max(len(s) for s in states)
    hidden = torch.zeros(len(states), n, states[0].shape[-1])
    mask = torch.zeros(len(states), n, dtype=torch.long)
    for i, s in enumerate(states):
        hidden[i, :len(s)] = s
        mask[i, :len(s)] = 1
    return hidden, mask


def _forward(top: Any, head: Any, states: list[Any]) -> Any:
    hidden, mask = _pad(states)
    out = encoder.run_layers(top, hidden, encoder.additive_mask(mask))
    return head(encoder.mean_pool(out, mask))


def _threshold(top: Any, head: Any, states: list[Any], labels: list[int]) -> float:
    """The highest confidence floor that rejects at most 1% of in-scope dev examples, capped at 0.5."""
    import torch

    with torch.inference_mode():
        probs = torch.cat([_forward(top, head, states[i:i + 64]).softmax(-1) for i in range(0, len(states), 64)])
    conf = sorted(float(p.max()) for p, y in zip(probs, labels) if INTENTS[y] != "unknown")
    return min(0.5, conf[int(len(conf) * MAX_FALSE_REJECT)] - 1e-4) if conf else 0.3


def train(out: Path, seed: int = 0, log: Callable[[str], None] = print,
          progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Train and save the classifier; log(message) after each epoch, progress(epochs done, epochs) for a bar."""
    import torch

    torch.manual_seed(seed)
    torch.set_num_threads(1)
    rng = random.Random(seed)
    examples = load(seed)
    rng.shuffle(examples)
    n_dev = len(examples) // 10
    dev, train_set = examples[:n_dev], examples[n_dev:]
    tokenizer, model = encoder.load()
    t0 = time.perf_counter()
    states = _prefix_states(model, tokenizer, [e.text for e in train_set])
    dev_states = _prefix_states(model, tokenizer, [e.text for e in dev])
    labels = [INTENTS.index(e.intent) for e in train_set]
    dev_labels = [INTENTS.index(e.intent) for e in dev]
    top = model.encoder.layer[FROZEN_LAYERS:]
    top.train()
    head = torch.nn.Linear(model.config.hidden_size, len(INTENTS))
    opt = torch.optim.AdamW([{"params": top.parameters(), "lr": LR_TOP}, {"params": head.parameters(), "lr": LR_HEAD}])
    order = list(range(len(states)))
    for epoch in range(EPOCHS):
        rng.shuffle(order)
        total = 0.0
        for i in range(0, len(order), BATCH):
            idx = order[i:i + BATCH]
            logits = _forward(top, head, [states[j] for j in idx]) * 20.0  # cosine-scale logits
            loss = torch.nn.functional.cross_entropy(logits, torch.tensor([labels[j] for j in idx]))
            opt.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]  # torch's, unannotated
            opt.step()
            total += loss.item() * len(idx)
        log(f"epoch {epoch + 1}/{EPOCHS}: loss {total / len(order):.4f} ({time.perf_counter() - t0:.0f} s)")
        if progress:
            progress(epoch + 1, EPOCHS)
    top.eval()
    # Fold the logit scale into the head so that inference is plain head(pooled).
    with torch.no_grad():
        head.weight.mul_(20.0)
        head.bias.mul_(20.0)
    with torch.inference_mode():
        dev_pred = [int(_forward(top, head, [s]).argmax()) for s in dev_states]
    dev_acc = sum(p == y for p, y in zip(dev_pred, dev_labels)) / max(1, len(dev_labels))
    threshold = _threshold(top, head, dev_states, dev_labels)
    atomic_write(out, lambda tmp: torch.save({"top": top.state_dict(), "head": head.state_dict(),
                                              "labels": list(INTENTS), "threshold": threshold, "seed": seed}, tmp))
    compile_model(out)
    summary = {"examples": len(train_set), "dev": len(dev), "dev_accuracy": round(dev_acc, 4),
               "threshold": round(threshold, 4), "seconds": round(time.perf_counter() - t0, 1), "path": str(out)}
    log(f"trained: {summary}")
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m intents.train", description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--if-missing", action="store_true", help="do nothing when the model for this data exists")
    args = ap.parse_args(argv)
    out = args.out or default_model_path()
    if args.if_missing and out.exists():
        return 0
    train(out, args.seed, log=lambda m: print(m, file=sys.stderr, flush=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
