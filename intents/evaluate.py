"""Evaluate understanding on intents/data/heldout.yaml (never trained on): `python -m intents.evaluate [--json]`.

Prints intent accuracy, per-intent precision and recall, confusions, slot exact-match, out-of-scope figures and
latency per utterance."""
from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from intents.model import INTENTS, SLOTS_FOR, Intent, Slots


def expected_slots(case: dict[str, Any]) -> dict[str, Any]:
    raw = dict(case.get("slots") or {})
    if "replace" in raw:
        raw["replace"] = (raw["replace"]["from"], raw["replace"]["to"])
    for k in ("instruments", "add", "remove", "parts"):
        if k in raw:
            raw[k] = tuple(raw[k])
    for k in ("duration_s", "tempo_factor"):
        if k in raw:
            raw[k] = float(raw[k])
    return Slots(**raw).only(SLOTS_FOR.get(case["intent"], ())).to_json()


def evaluate(understand: Callable[[str], Intent], cases: list[dict[str, Any]]) -> dict[str, Any]:
    rows, times = [], []
    for case in cases:
        t = time.perf_counter()
        got = understand(case["text"])
        times.append((time.perf_counter() - t) * 1000)
        rows.append((case, got))
    n = len(rows)
    correct = sum(c["intent"] == g.name for c, g in rows)
    slot_ok = [g.slots.to_json() == expected_slots(c) for c, g in rows if c["intent"] == g.name]
    per = {}
    for intent in INTENTS:
        tp = sum(c["intent"] == intent == g.name for c, g in rows)
        pred = sum(g.name == intent for _, g in rows)
        true = sum(c["intent"] == intent for c, _ in rows)
        per[intent] = {"precision": round(tp / pred, 3) if pred else None,
                       "recall": round(tp / true, 3) if true else None,
                       "n": true}
    oos = [(c, g) for c, g in rows if c["intent"] == "unknown"]
    ins = [(c, g) for c, g in rows if c["intent"] != "unknown"]
    return {
        "n": n, "intent_accuracy": round(correct / n, 4),
        "slot_accuracy": round(sum(slot_ok) / len(slot_ok), 4) if slot_ok else None,
        "oos_caught": round(sum(g.name == "unknown" for _, g in oos) / len(oos), 4) if oos else None,
        "oos_false_reject": round(sum(g.name == "unknown" for _, g in ins) / len(ins), 4) if ins else None,
        "intent_ms": {"median": round(statistics.median(times), 2),
                      "p95": round(sorted(times)[int(0.95 * (n - 1))], 2)},
        "per_intent": per,
        "confusions": Counter(f"{c['intent']}->{g.name}" for c, g in rows if c["intent"] != g.name).most_common(),
        "errors": [{"text": c["text"], "want": c["intent"], "got": g.name, "slots": g.slots.to_json(),
                    "want_slots": expected_slots(c)} for c, g in rows
                   if c["intent"] != g.name or g.slots.to_json() != expected_slots(c)],
    }


def main(argv: list[str] | None = None) -> int:
    from intents.examples import load_heldout
    from intents.understand import Understander

    ap = argparse.ArgumentParser(prog="python -m intents.evaluate")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    understand = Understander()
    understand("warm up")
    report = evaluate(understand, load_heldout())
    if args.json:
        print(json.dumps(report))
        return 0
    print(f"held-out utterances: {report['n']}")
    for key in ("intent_accuracy", "slot_accuracy", "oos_caught", "oos_false_reject", "intent_ms"):
        print(f"  {key:18} {report[key]}")
    print("per intent (precision / recall / n):")
    for intent, p in report["per_intent"].items():
        print(f"  {intent:9} {p['precision']} / {p['recall']} / {p['n']}")
    print("confusions:", report["confusions"] or "none")
    for e in report["errors"]:
        print(f"  ✗ {e['text']!r}: {e['want']} → {e['got']} {e['slots']} (want {e['want_slots']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
