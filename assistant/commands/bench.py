"""`maestro bench [--json] [--quick]`: speed and accuracy, measured here, warm-ups excluded; medians and p95.
Results also go to bench/results/latest.json. A figure that cannot be measured here (no PulseAudio for the
spoken round trip, no music21 for the chorales) is left out and said so, never invented."""
from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGETS = {"help_ms": "≤ 300", "compose_ms": "≤ 50", "render_x_realtime": "≥ 50", "first_audio_ms": "≤ 100",
           "intent_accuracy": "≥ 0.97", "intent_accuracy_spoken": "≥ 0.95", "e2e_typed_first_note_ms": "≤ 150",
           "analysis_key_accuracy": "≥ 0.9", "rss_mb": "≤ 1200", "startup_ms": "≤ 5000",
           "e2e_spoken_first_note_ms": "≤ 800 median, ≤ 1200 p95", "melody_nll_bits": "≥ 10% below the baseline",
           "melody_c2st_learned": "≤ 0.70, well below rules", "melody_ms": "≤ 100", "hum_note_f1": "≥ 0.8",
           "hum_key_accuracy": "≥ 0.9", "hum_notes_in_order": "≥ 0.9", "hum_ms": "≤ 1500 (a 10 s hum → first note)",
           "aec_erle_db": "≥ 15", "reply_interrupt_ms": "≤ 300", "aec_cpu_percent": "≤ 5",
           "barge_in_accuracy": "≥ 0.9 at 0 dB", "noisy_accuracy": "≥ 0.95 at 10 dB, ≥ 0.9 at 5 dB"}


def stats(samples: list[float]) -> dict:
    s = sorted(samples)
    return {"median": round(statistics.median(s), 2), "p95": round(s[min(len(s) - 1, int(0.95 * len(s)))], 2)}


def timed(fn, runs: int) -> list[float]:
    fn()  # warm-up
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def bench_help(runs: int) -> dict:
    cmd = [sys.executable, "-m", "assistant", "--help"]
    return stats(timed(lambda: subprocess.run(cmd, capture_output=True, check=True), runs))


def bench_soundfont(path: str, piece, first_piece, runs: int) -> dict:
    """One SoundFont with the mix on: the time to open it, and to the first audio from a new synth (its presets
    read from disk, as in a fresh process), then real-time factor of a whole render and first audio when warm."""
    from generators.render import Synth, render, render_blocks

    t = time.perf_counter()
    synth = Synth(Path(path))
    load_ms = (time.perf_counter() - t) * 1000
    stream = synth.blocks(first_piece, block_frames=2205)
    next(stream)
    cold_ms = (time.perf_counter() - t) * 1000
    stream.close()
    synth.close()
    render_ms = timed(lambda: render(piece, path), max(3, runs // 3))  # ~1 s each: one run alone is noisy
    first = timed(lambda: next(iter(render_blocks(first_piece, path, block_frames=2205))), runs)
    return {"load_ms": round(load_ms, 1), "cold_first_audio_ms": round(cold_ms, 1),
            "render_x_realtime": round(60000 / statistics.median(render_ms), 1),
            "first_audio_ms": stats(first)}


def bench_music(runs: int) -> dict:
    from generators.compose import Request, compose
    from generators.soundfont import candidates

    request = Request(genre="pop", mood="happy", duration_s=60, seed=1)
    compose_ms = timed(lambda: compose(request), runs)
    piece, first_piece = compose(request), compose(Request(genre="lofi", seed=2))
    each = {p.name: bench_soundfont(str(p), piece, first_piece, runs) for p in candidates()}
    default = next(iter(each.values()))
    return {"compose_ms": stats(compose_ms), "soundfont": next(iter(each)),
            "render_x_realtime": default["render_x_realtime"], "first_audio_ms": default["first_audio_ms"],
            "by_soundfont": each}


def bench_intents() -> tuple[dict, object]:
    from intents.evaluate import evaluate
    from intents.examples import load_heldout
    from intents.understand import Understander

    understand = Understander()
    understand("warm up")
    r = evaluate(understand, load_heldout())
    return ({k: r[k] for k in ("intent_accuracy", "slot_accuracy", "oos_caught", "oos_false_reject", "intent_ms")},
            understand)


def bench_typed(understand, runs: int) -> dict:
    """Typed request → first block of music: understanding, composing and the first 50 ms rendered."""
    from generators.compose import Request, compose
    from generators.render import render_blocks

    def once():
        s = understand("make a calm lo fi beat in a minor").slots
        piece = compose(Request(genre=s.genre, mood=s.mood, key=s.key))
        next(iter(render_blocks(piece, block_frames=2205)))
    return stats(timed(once, runs))


def bench_analysis(genres: int, chorales: int) -> dict:
    """The audio analyzer on renders of maestro's pieces (one per genre) and on Bach chorales from the music21
    corpus (skipped, and said so, without music21)."""
    import importlib.util

    from generators import evaluate

    if importlib.util.find_spec("music21") is None:
        print("bench: music21 is not installed; the chorale key accuracy is left out", file=sys.stderr)
        chorales = 0
    return evaluate.summary(evaluate.renders(genres), evaluate.chorales(chorales) if chorales else [])


def bench_melody(quick: bool, corpus=None) -> dict:
    """The learned melodies: held-out likelihood against the n-gram baseline, the two-sample test against real
    tunes for learned and rule melodies, musical statistics, and the time to write one (generators.learn.evaluate).
    Without music21 (the held-out tunes come from its corpus) only the time is measured, and that is said."""
    import importlib.util

    from generators.learn import evaluate

    if importlib.util.find_spec("music21") is None:
        print("bench: music21 is not installed; the melody likelihood and realism are left out", file=sys.stderr)
        return {"melody_ms": evaluate.melody_ms(5 if quick else 20)}
    return evaluate.run(quick, corpus)


def bench_asr(quick: bool, understand) -> dict:
    """Latency (VAD + Whisper, from the end of the recorded speech) and WER per backend, model and window; and
    understanding of the default setting's transcripts (the first setting)."""
    from assistant.asr.evaluate import SETTINGS, measure, spoken_set
    from intents.evaluate import evaluate

    items = spoken_set(limit=20 if quick else None)
    settings = SETTINGS[:3] if quick else SETTINGS
    out = {"/".join(setting): measure(setting, items) for setting in settings}
    spoken = evaluate(understand, out["/".join(SETTINGS[0])]["heard"])
    return {"asr_ms": {k: {"median": v["median"], "p95": v["p95"]} for k, v in out.items()},
            "asr_wer": {k: v["wer"] for k, v in out.items()}, "asr_utterances": len(items),
            **{f"{k}_spoken": spoken[k]
               for k in ("intent_accuracy", "slot_accuracy", "oos_caught", "oos_false_reject")}}


def bench_hum(quick: bool) -> dict:
    """The hum set (generators.hum.humset): transcription, key, the tune kept in the arranged melody, and a hum of
    about 10 s to the first block of music (transcribe, quantize, harmonize, arrange, render the first 50 ms)."""
    from generators.hum.evaluate import evaluate

    return evaluate(10 if quick else 40)


def bench_session(runs: int) -> dict:
    from assistant.commands import bench_session as session

    samples, mode = session.startup(runs)
    return {"startup_ms": stats(samples), "startup_ready": mode, "rss_mb": session.rss_after_turns(),
            "rss_turns": len(session.TURNS)}


def bench_spoken(runs: int) -> dict:
    from assistant.commands import bench_spoken

    samples = bench_spoken.first_note(runs)
    if samples is None:
        return {}
    heard = [ms for ms in samples if ms is not None]
    return {"e2e_spoken_first_note_ms": stats(heard) if heard else None, "e2e_spoken_missed": len(samples) - len(heard)}


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    return {"cores": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
            "date": time.strftime("%Y-%m-%d %H:%M")}


def run(args) -> int:
    from assistant.commands import bench_barge_in, bench_echo, bench_noise, bench_wyoming

    runs = 5 if args.quick else 20
    results: dict = {"machine": machine(), "help_ms": bench_help(runs)}
    results.update(bench_music(runs))
    results.update(bench_melody(args.quick))
    intents, understand = bench_intents()
    results.update(intents)
    results["e2e_typed_first_note_ms"] = bench_typed(understand, runs)
    results.update(bench_analysis(4, 0) if args.quick else bench_analysis(16, 40))
    results.update(bench_hum(args.quick))
    results.update(bench_asr(args.quick, understand))
    results["bench_process_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    results.update(bench_session(3 if args.quick else 5))
    results.update(bench_wyoming.measure(5 if args.quick else 20))
    results.update(bench_echo.measure())
    results.update(bench_barge_in.measure(understand, 10 if args.quick else bench_barge_in.N))
    results.update(bench_noise.measure(understand, 20 if args.quick else bench_noise.N))
    results.update(bench_spoken(3 if args.quick else 10))
    out = Path("bench/results")
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=1))
    if args.json:
        print(json.dumps(results))
        return 0
    for key, value in results.items():
        if key != "machine":
            print(f"{key:28} {value}" + (f"   (target {TARGETS[key]})" if key in TARGETS else ""))
    print(f"machine: {results['machine']}")
    return 0
