"""Text → Intent: normalise spoken numbers and keys, classify, then keep the slots the intent cares about."""
from __future__ import annotations

from pathlib import Path

from intents.model import SLOTS_FOR, Intent, Slots
from intents.numbers import normalise
from intents.slots import extract


class Understander:
    def __init__(self, model_path: Path | None = None):
        from intents.classifier import IntentClassifier

        self.classifier = IntentClassifier(model_path)

    def __call__(self, text: str) -> Intent:
        clean = normalise(text)
        if not clean.strip():
            return Intent("unknown", 1.0, Slots(), clean)
        prediction = self.classifier.predict(clean)
        slots = extract(clean, text).only(SLOTS_FOR.get(prediction.intent, ()))
        return Intent(prediction.intent, round(prediction.confidence, 4), slots, clean)
