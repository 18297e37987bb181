"""The intent classifier: MiniLM with its top layers fine-tuned and a linear head over mean-pooled tokens.

Only the fine-tuned top layers and the head are saved (~14 MB, in the user's cache, rebuilt by `python -m
intents.train` when the examples change). Below `threshold` confidence, the answer is `unknown`."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from intents import encoder
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
    for p in files + [Path(__file__), Path(__file__).with_name("train.py"), Path(__file__).with_name("examples.py"),
                      Path(__file__).with_name("numbers.py")]:
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


class IntentClassifier:
    def __init__(self, path: Path | None = None):
        import torch

        path = path or default_model_path()
        if not path.exists():
            raise FileNotFoundError(f"no trained intent model at {path}: run `python -m intents.train`")
        self.tokenizer, self.model = encoder.load()
        saved = torch.load(path, map_location="cpu", weights_only=True)
        top = self.model.encoder.layer[FROZEN_LAYERS:]
        top.load_state_dict(saved["top"])
        self.head = torch.nn.Linear(self.model.config.hidden_size, len(saved["labels"]))
        self.head.load_state_dict(saved["head"])
        self.labels: list[str] = list(saved["labels"])
        self.threshold = float(saved["threshold"])
        assert set(self.labels) == set(INTENTS), "intent model labels do not match the contract"

    def logits(self, texts: list[str]):
        import torch

        with torch.inference_mode():
            batch = encoder.tokenize(self.tokenizer, texts)
            hidden = encoder.embed_prefix(self.model, batch, len(self.model.encoder.layer))
            return self.head(encoder.mean_pool(hidden, batch["attention_mask"]))

    def predict(self, text: str) -> Prediction:
        probs = self.logits([text]).softmax(-1)[0].tolist()
        ranked = sorted(zip(self.labels, probs), key=lambda p: -p[1])
        intent, conf = ranked[0]
        if conf < self.threshold:
            intent = "unknown"
        return Prediction(intent, conf, tuple((n, round(p, 4)) for n, p in ranked[:3]))
