"""How good the melodies are: `python -m generators.learn.evaluate [--json] [--quick]`.

1. Likelihood: bits per note on the test split (pitch and duration separately), for the shipped network (run by
   the numpy runtime, exactly as it composes) and for the baseline, interpolated Kneser-Ney n-grams on the pitch
   and duration streams fitted on the train split (order 3, 4 or 5, whichever is best on the validation split).
2. Realism: a two-sample test. Logistic regression (5-fold cross-validation) on key-relative pitch-class,
   interval and inter-onset-interval histograms tries to tell held-out real melodies from maestro's, the same
   number of each with the same modes and meters (4/4, 3/4, 6/8), each pair over the same number of notes; 0.5
   means it cannot tell them apart. Reported for the learned melodies and the rule melodies (both from the full
   composer: genre, mood and tonic drawn at random), as the mean over three generated sets (one with --quick).
3. Musical statistics of each set: in-scale rate, chord tones on strong beats (against the best-fitting diatonic
   triad of each bar, the same estimate for every set; and against the piece's own chords for maestro's),
   interval-histogram KL divergence from the real melodies, range, repeated-bar rate.
4. Time: milliseconds to write the melody of a 60 s piece (median and p95)."""
from __future__ import annotations

import argparse
import dataclasses
import json
import math
import random
import statistics
import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from generators import styles
from generators.learn import corpus as corpus_mod
from generators.learn import tokens
from generators.theory import MODES

if TYPE_CHECKING:
    from generators.learn.runtime import Melody

MAESTRO_METERS = ("4/4", "3/4", "6/8")


@dataclass(frozen=True)
class Line:
    """A melody reduced to what the statistics read: key-relative onsets, pitches and bar length, in ticks."""

    mode: str
    bar: int
    onsets: tuple[int, ...]
    pitches: tuple[int, ...]
    """Semitones from the tonic."""
    chords: tuple[tuple[int, ...], ...] = ()
    """Key-relative pitch classes of the chord under each note, when the piece has chords."""


# --- likelihood -----------------------------------------------------------------------------------------------

def network_bits(model: Melody, c: corpus_mod.Corpus, idx: list[int]) -> tuple[float, float]:
    from generators.compose.learned import START

    tp = td = n = 0.0
    for i in idx:
        meter = tokens.METERS[int(c.meter[i])]
        p, d = c.pitches[i].tolist(), c.durations[i].tolist()
        pos = tokens.positions(meter, int(c.pickup[i]), [tokens.DURATIONS[x] for x in d])
        state, prev = model.start(tokens.MODES[int(c.mode[i])], meter, tokens.source_of(c.names[i])), START
        for j in range(min(len(p), model.context)):
            step = model.step(state, *prev, pos[j])
            tp -= _log2_softmax(step.pitch_logits)[p[j]]
            td -= _log2_softmax(model.duration_logits(step, p[j]))[d[j]]
            prev = (p[j], d[j])
            n += 1
    return float(tp / n), float(td / n)


def _log2_softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max()
    out: np.ndarray = (z - np.log(np.exp(z).sum())) / math.log(2)
    return out


def baseline_bits(c: corpus_mod.Corpus, train: list[int], test: list[int], order: int,
                  context: int) -> tuple[float, float]:
    from generators.learn.ngram import KneserNey

    def streams(idx: list[int], field: str) -> list[tuple[tuple[int, int], list[int]]]:
        data = c.pitches if field == "pitch" else c.durations
        return [((int(c.mode[i]), int(c.meter[i])), data[i][:context].tolist()) for i in idx]
    out = []
    for field, vocab in (("pitch", tokens.PITCHES), ("duration", len(tokens.DURATIONS))):
        lm = KneserNey(order, vocab).fit(streams(train, field))
        bits = [b for start, seq in streams(test, field) for b in lm.bits(start, seq)]
        out.append(sum(bits) / len(bits))
    return out[0], out[1]


def likelihood(c: corpus_mod.Corpus, model: Melody) -> dict[str, Any]:
    train, valid, test = (c.indices(s) for s in corpus_mod.SPLITS)
    orders = {o: sum(baseline_bits(c, train, valid, o, model.context)) for o in (3, 4, 5)}
    order = min(orders, key=lambda o: orders[o])
    bp, bd = baseline_bits(c, train, test, order, model.context)
    mp, md = network_bits(model, c, test)
    return {"melody_nll_bits": round(mp + md, 4), "melody_nll_pitch_bits": round(mp, 4),
            "melody_nll_duration_bits": round(md, 4), "melody_nll_baseline_bits": round(bp + bd, 4),
            "melody_nll_baseline_pitch_bits": round(bp, 4), "melody_nll_baseline_duration_bits": round(bd, 4),
            "melody_nll_baseline_order": order, "melody_nll_gain": round(1 - (mp + md) / (bp + bd), 4),
            "melody_test_tunes": len(test), "melody_test_notes": int(sum(min(len(c.pitches[i]), model.context)
                                                                        for i in test))}


# --- melodies to compare --------------------------------------------------------------------------------------

def real_lines(c: corpus_mod.Corpus, idx: list[int]) -> list[Line]:
    out = []
    for i in idx:
        tune = c.tune(i)
        if tune.meter not in MAESTRO_METERS:
            continue
        tick, onsets, pitches = tune.pickup, [], []
        for p, d in tune.notes:
            if p is not None:
                onsets.append(tick)
                pitches.append(p)
            tick += d
        out.append(Line(tune.mode, tokens.bar_ticks(tune.meter), tuple(onsets), tuple(pitches)))
    return out


def composed_line(engine: str, mode: str, meter: str, seed: int) -> Line:
    """The melody of a 30 s piece by the full composer, in a random genre, mood and tonic of the given mode."""
    from generators.compose import Context, melody_notes
    from generators.compose.plan import Request, make_plan
    from generators.theory import key_from_pc

    rng = random.Random(seed)
    key = key_from_pc(rng.randrange(12), mode)
    genre = rng.choice([g for g in styles.GENRES if mode == "major" or "minor" in dict(styles.genres()[g].modes)])
    plan = make_plan(Request(genre=genre, mood=rng.choice(styles.MOODS), key=key.name, time_signature=meter,
                             duration_s=30, seed=seed))
    ctx = Context.for_plan(plan, rng)
    notes = sorted(melody_notes(ctx, rng, engine), key=lambda n: n.start)
    under = [next(c for c in reversed(ctx.chords) if c.start <= n.start + 1e-6).chord.pitch_classes() for n in notes]
    return Line(mode, tokens.bar_ticks(meter), tuple(round(n.start * tokens.TICKS) for n in notes),
                tuple(n.pitch - (60 + key.pc) for n in notes),
                tuple(tuple((pc - key.pc) % 12 for pc in pcs) for pcs in under))


GENERATED_SEEDS = (9000, 19000, 29000)
"""The two-sample test runs on one generated set per seed, each against the same real melodies, and reports the
mean: one set's accuracy moves by about ±0.02 from seed to seed."""


def composed_lines(engine: str, like: list[Line], seed: int = GENERATED_SEEDS[0]) -> list[Line]:
    meters = {tokens.bar_ticks(m): m for m in MAESTRO_METERS}
    return [composed_line(engine, r.mode, meters[r.bar] if r.bar != 72 else _meter_of_72(r, i), seed + i)
            for i, r in enumerate(like)]


def _meter_of_72(line: Line, i: int) -> str:
    """3/4 and 6/8 bars are both 72 ticks; the real line's strong onsets say which (eighths in threes: 6/8)."""
    on_dotted = sum(o % line.bar == 36 for o in line.onsets)
    on_beats = sum(o % line.bar in (24, 48) for o in line.onsets)
    return "6/8" if on_dotted > on_beats else "3/4"


# --- features and statistics ----------------------------------------------------------------------------------

IOI_BINS = (3, 6, 8, 12, 18, 24, 36, 48, 72, 96)


def features(line: Line) -> np.ndarray:
    pcs = np.bincount(np.mod(line.pitches, 12), minlength=12).astype(float)
    steps = np.clip(np.diff(line.pitches), -12, 12) + 12
    intervals = np.bincount(steps, minlength=25).astype(float)
    iois = np.diff(line.onsets)
    ioi = np.bincount([int(np.argmin([abs(x - b) for b in IOI_BINS])) for x in iois],
                      minlength=len(IOI_BINS)).astype(float)
    return np.concatenate([h / max(1.0, h.sum()) for h in (pcs, intervals, ioi)])


def _first(line: Line, n: int) -> Line:
    return dataclasses.replace(line, onsets=line.onsets[:n], pitches=line.pitches[:n], chords=line.chords[:n])


def two_sample(real: list[Line], fake: list[Line], seed: int = 0) -> float:
    """Cross-validated accuracy of a logistic regression telling the two sets apart (0.5: indistinguishable).
    Each real melody and its generated partner are compared over the same number of notes (the first n of each,
    n the shorter's), so that length alone (whole tunes against 30-second melodies) cannot tell them apart."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    pairs = [(_first(r, min(len(r.pitches), len(f.pitches))), _first(f, min(len(r.pitches), len(f.pitches))))
             for r, f in zip(real, fake)]
    real, fake = [r for r, _ in pairs], [f for _, f in pairs]
    x = np.array([features(line) for line in real + fake])
    y = np.array([1] * len(real) + [0] * len(fake))
    folds = StratifiedKFold(5, shuffle=True, random_state=seed)
    return float(cross_val_score(LogisticRegression(max_iter=2000, C=1.0), x, y, cv=folds).mean())


def _bar_triad(line: Line, bar_index: int) -> set[int]:
    """The diatonic triad of the mode that covers most of the bar's notes (ties: the lower degree)."""
    scale = MODES[line.mode]
    pcs = [p % 12 for o, p in zip(line.onsets, line.pitches) if o // line.bar == bar_index]
    best = max(range(7), key=lambda d: (sum(pc in {scale[(d + 2 * k) % 7] for k in range(3)} for pc in pcs), -d))
    return {scale[(best + 2 * k) % 7] for k in range(3)}


def _strong(line: Line, onset: int) -> bool:
    return onset % line.bar == 0 or (line.bar in (96, 48) and onset % line.bar == line.bar // 2)


def stats(lines: list[Line], reference: list[Line] | None = None) -> dict[str, Any]:
    in_scale = np.mean([np.mean([p % 12 in MODES[x.mode] for p in x.pitches]) for x in lines])
    strong = [(x, i, o) for x in lines for i, o in enumerate(x.onsets) if _strong(x, o)]
    fitted = np.mean([x.pitches[i] % 12 in _bar_triad(x, o // x.bar) for x, i, o in strong])
    own = [x.pitches[i] % 12 in x.chords[i] for x, i, o in strong if x.chords]
    repeated = []
    for x in lines:
        bars: dict[int, list[Any]] = {}
        for o, p in zip(x.onsets, x.pitches):
            bars.setdefault(o // x.bar, []).append((o % x.bar, p))
        seen, hits = set(), 0
        for content in bars.values():
            key = tuple(content)
            hits += key in seen
            seen.add(key)
        repeated.append(hits / max(1, len(bars)))
    out = {"in_scale": round(float(in_scale), 3), "strong_chord_tones_fitted": round(float(fitted), 3),
           "range_semitones": float(statistics.median(max(x.pitches) - min(x.pitches) for x in lines)),
           "repeated_bars": round(float(np.mean(repeated)), 3)}
    if own:
        out["strong_chord_tones"] = round(float(np.mean(own)), 3)
    if reference is not None:
        out["interval_kl"] = round(_kl(_intervals(reference), _intervals(lines)), 4)
    return out


def _intervals(lines: list[Line]) -> np.ndarray:
    h = np.sum([np.bincount(np.clip(np.diff(x.pitches), -12, 12) + 12, minlength=25) for x in lines], axis=0) + 1.0
    out: np.ndarray = h / h.sum()
    return out


def _kl(p: np.ndarray, q: np.ndarray) -> float:
    return float(np.sum(p * np.log(p / q)))


def melody_ms(runs: int) -> dict[str, Any]:
    from generators.compose import Context, melody_notes
    from generators.compose.plan import Request, make_plan

    ctx = Context.for_plan(make_plan(Request(genre="pop", mood="happy", duration_s=60, seed=1)), random.Random(1))
    melody_notes(ctx, random.Random(0))  # warm-up: loads the weights
    times = []
    for i in range(runs):
        t = time.perf_counter()
        melody_notes(ctx, random.Random(i))
        times.append((time.perf_counter() - t) * 1000)
    s = sorted(times)
    return {"median": round(statistics.median(s), 2), "p95": round(s[min(len(s) - 1, int(0.95 * len(s)))], 2)}


def run(quick: bool = False, c: corpus_mod.Corpus | None = None) -> dict[str, Any]:
    """Every figure above on the token cache (built first if missing), or on the corpus given."""
    from generators.learn import runtime

    c = c or corpus_mod.load()
    model = runtime.shipped()
    out = likelihood(c, model)
    rng = random.Random(7)
    test = c.indices("test")
    real = real_lines(c, test)
    rng.shuffle(real)
    real = real[:100 if quick else 300]
    seeds = GENERATED_SEEDS[:1 if quick else 3]
    sets = {engine: [composed_lines(engine, real, seed) for seed in seeds] for engine in ("learned", "rules")}
    for engine, lines in sets.items():
        each = [two_sample(real, x) for x in lines]
        out[f"melody_c2st_{engine}"] = round(float(np.mean(each)), 3)
        out[f"melody_c2st_{engine}_each"] = [round(x, 3) for x in each]
    out["melody_c2st_pairs"] = len(real)
    learned, rules = sets["learned"][0], sets["rules"][0]
    out["melody_stats"] = {"real": stats(real), "learned": stats(learned, real), "rules": stats(rules, real)}
    out["melody_ms"] = melody_ms(5 if quick else 20)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m generators.learn.evaluate", description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--quick", action="store_true", help="100 melodies a set instead of 300, 5 timing runs")
    args = ap.parse_args(argv)
    began = time.time()
    out = run(args.quick)
    if args.json:
        print(json.dumps(out))
        return 0
    for k, v in out.items():
        print(f"{k:34} {v}")
    print(f"({time.time() - began:.0f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
