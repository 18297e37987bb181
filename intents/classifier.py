"""The intent classifier: MiniLM with its top layers fine-tuned and a linear head over mean-pooled tokens.

Training saves only the fine-tuned top layers and the head (~14 MB, in the user's cache, rebuilt by `python -m
intents.train` when the examples change); intents.export compiles them with the encoder into the file the assistant
loads. Below `threshold` confidence, the answer is `unknown`."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from intents.model import INTENTS

FROZEN_LAYERS = 4
DATA = Path(__file__).with_name("data")


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "maestro" / "intents"


def data_fingerprint() -> str:
    """Hash of the training data and the training code: a change means the model must be retrained. The held-out
    file counts too: training drops the lines it holds."""
    h = hashlib.sha256()
    files = sorted(DATA.glob("*.yaml"))
    names = ("classifier.py", "train.py", "export.py", "examples.py", "numbers.py")
    code = [Path(__file__).with_name(n) for n in names]
    for p in files + code:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def default_model_path() -> Path:
    return cache_dir() / f"intent-model-{data_fingerprint()}.pt"


@dataclass(frozen=True)
class Prediction:
    intent: str
    confidence: float
    ranked: tuple[tuple[str, float], ...]
    """Top intents with probabilities, best first."""


class Compiled:
    """The classifier as intents.export compiled it: TorchScript and its own tokenizer (no `transformers`)."""

    def __init__(self, path: Path):
        import json

        import torch
        from tokenizers import Tokenizer

        torch.set_num_threads(1)
        files: dict[str, Any] = {"meta.json": "", "tokenizer.json": ""}
        self.module = torch.jit.load(  # type: ignore[no-untyped-call]  # torch.jit.load is unannotated
            str(path), map_location="cpu", _extra_files=files)
        meta = json.loads(files["meta.json"])
        self.labels: list[str] = meta["labels"]
        self.threshold: float = meta["threshold"]
        self.tokenizer = Tokenizer.from_str(files["tokenizer.json"].decode())  # extra files come back as bytes
        self.tokenizer.enable_truncation(meta["max_tokens"])
        self.tokenizer.enable_padding()

    def probabilities(self, texts: list[str]) -> Any:
        """(texts, labels) tensor of probabilities."""
        import torch

        batch = self.tokenizer.encode_batch(texts)
        ids, mask, types = (torch.tensor([getattr(e, f) for e in batch]) for f in ("ids", "attention_mask", "type_ids"))
        with torch.inference_mode():
            return self.module(ids, mask, types)


class IntentClassifier:
    def __init__(self, path: Path | None = None):
        """`path`: the trained weights (default: the model for the current data); their compiled form is built
        beside them the first time it is missing."""
        from intents.export import compile_model, compiled_path

        path = path or default_model_path()
        if not path.exists():
            raise FileNotFoundError(f"no trained intent model at {path}: run `python -m intents.train`")
        compiled = compiled_path(path)
        self.compiled = Compiled(compiled if compiled.exists() else compile_model(path))
        self.labels, self.threshold = self.compiled.labels, self.compiled.threshold
        assert set(self.labels) == set(INTENTS), "intent model labels do not match the contract"

    def predict(self, text: str) -> Prediction:
        probs = self.compiled.probabilities([text])[0].tolist()
        ranked = sorted(zip(self.labels, probs), key=lambda p: -p[1])
        intent, conf = ranked[0]
        if conf < self.threshold:
            intent = "unknown"
        return Prediction(intent, conf, tuple((n, round(p, 4)) for n, p in ranked[:3]))
