"""The hum set measured (generators.hum.humset): note F-measure of the transcription (mir_eval: onsets within
50 ms, pitch within 50 cents, offsets ignored), the key found, the share of the tune's notes that the arranged
melody plays in order, and the time from a 10 s hum to the first block of music.

    python -m generators.hum.evaluate [--tunes 40] [--seed 0]
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from generators.hum import hear as hearing
from generators.hum import humset, quantize, transcribe
from generators.theory import Key


@dataclass(frozen=True)
class Scored:
    f1: float
    key_right: bool
    in_order: float
    """Share of the sung notes the arranged melody plays, in order (pitch classes)."""
    first_note_ms: float


def note_f1(sung: humset.Sung, heard: tuple[transcribe.Heard, ...]) -> float:
    import mir_eval

    if not heard:
        return 0.0
    pitches = np.asarray(quantize.semitones([h.pitch for h in heard]), float)
    _, _, f1, _ = mir_eval.transcription.precision_recall_f1_overlap(
        np.stack([sung.onsets, sung.offsets], 1), _hz(sung.pitches),
        np.array([[h.onset, h.offset] for h in heard]), _hz(pitches),
        onset_tolerance=0.05, pitch_tolerance=50, offset_ratio=None)
    return float(f1)


def _hz(midi: np.ndarray) -> np.ndarray:
    hz: np.ndarray = 440.0 * 2 ** ((midi - 69) / 12)
    return hz


def in_order(wanted: list[int], played: list[int]) -> float:
    """The longest common subsequence of pitch classes, over the tune's length."""
    a, b = [p % 12 for p in wanted], [p % 12 for p in played]
    row = [0] * (len(b) + 1)
    for x in a:
        prev = 0
        for j, y in enumerate(b, 1):
            prev, row[j] = row[j], prev + 1 if x == y else max(row[j], row[j - 1])
    return row[-1] / max(1, len(a))


def score(tune: humset.Tune, seed: int, whistle: bool = False) -> Scored:
    from generators.compose import Request
    from generators.hum.arrange import piece_of
    from generators.render import render_blocks

    sung = humset.sing(tune, seed, whistle)
    t = time.perf_counter()
    heard = hearing.hear(sung.audio, sung.rate)
    if heard.tune is None:
        return Scored(0.0, False, 0.0, float("nan"))
    piece = piece_of(heard.tune, Request(genre="pop", seed=seed))
    next(iter(render_blocks(piece, None, 2205)))
    ms = (time.perf_counter() - t) * 1000
    melody = next(tr for tr in piece.tracks if tr.role == "melody")
    first_play = [n.pitch for n in melody.notes if n.start < piece.sections[1].start + piece.sections[1].duration]
    truth = Key.parse(sung.key)
    right = heard.tune.key.pc == truth.pc and heard.tune.key.mode == truth.mode
    return Scored(note_f1(sung, heard.heard), right,
                  in_order([int(p) for p in sung.pitches], first_play), ms)


def evaluate(tunes: int = humset.TUNES, seed: int = 0, whistle: bool = False) -> dict[str, Any]:
    scored = [score(tune, seed + i, whistle) for i, tune in enumerate(humset.load()[:tunes])]
    ms = sorted(s.first_note_ms for s in scored if s.first_note_ms == s.first_note_ms)
    return {"hum_note_f1": round(statistics.mean(s.f1 for s in scored), 3),
            "hum_key_accuracy": round(sum(s.key_right for s in scored) / len(scored), 3),
            "hum_notes_in_order": round(statistics.mean(s.in_order for s in scored), 3),
            "hum_ms": {"median": round(statistics.median(ms), 1), "p95": round(ms[int(0.95 * (len(ms) - 1))], 1)},
            "hum_tunes": len(scored), "hum_heard": len(ms)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tunes", type=int, default=humset.TUNES)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--whistle", action="store_true", help="the tunes whistled: three octaves up, nearly pure tones")
    args = ap.parse_args()
    print(json.dumps(evaluate(args.tunes, args.seed, args.whistle)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
