"""`maestro parse [TEXT] [--json]`: understanding only; without TEXT, one utterance per line of stdin."""
from __future__ import annotations

import json
import sys

from assistant.commands.common import understander


def _lines(args):
    if args.text is not None:
        yield args.text
        return
    for line in sys.stdin:
        yield line.rstrip("\n")


def run(args) -> int:
    understand = understander()
    for text in _lines(args):
        intent = understand(text)
        if args.json:
            print(json.dumps({"text": text, "intent": intent.name, "confidence": intent.confidence,
                              "slots": intent.slots.to_json()}), flush=True)
        else:
            slots = " ".join(f"{k}={v}" for k, v in intent.slots.to_json().items())
            print(f"{intent.name} ({intent.confidence:.2f}) {slots}".rstrip(), flush=True)
    return 0
