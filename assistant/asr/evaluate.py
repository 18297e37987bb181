"""ASR on the project's spoken test set: the held-out requests spoken by piper, transcribed by each backend, model
and window (the default setting first). WER compares normalised words (spoken numbers as digits, keys spelled alike)
with the text spoken."""
from __future__ import annotations

import statistics
import time
from pathlib import Path

import numpy as np

from assistant import paths

SETTINGS = (("openai-whisper", "tiny.en", "short"), ("openai-whisper", "tiny.en", "full"),
            ("faster-whisper", "tiny.en", "full"), ("openai-whisper", "base", "full"),
            ("faster-whisper", "base", "full"))


def spoken_set(limit: int | None = None) -> list[tuple[dict, np.ndarray]]:
    """(held-out case, 16 kHz audio) for the held-out requests, in scope first, synthesized once into the cache."""
    import hashlib

    import soundfile

    from assistant.audio.constants import SPEECH_RATE
    from assistant.audio.files import read_speech
    from intents.examples import load_heldout

    cases = sorted(load_heldout(), key=lambda c: c["intent"] == "unknown")[:limit]
    folder = paths.cache_dir() / "spoken-set"
    folder.mkdir(parents=True, exist_ok=True)
    speaker = None
    out = []
    for case in cases:
        text = case["text"]
        path = folder / f"{hashlib.sha1(text.encode()).hexdigest()[:12]}.wav"
        if not path.exists():
            if speaker is None:
                from assistant.tts import Speaker

                speaker = Speaker(SPEECH_RATE)
            soundfile.write(str(path), speaker.synthesize(text)[:, 0], SPEECH_RATE)
        out.append((case, read_speech(Path(path))))
    return out


def words(text: str) -> list[str]:
    from intents.numbers import normalise

    return normalise(text).replace("'", "").split()


def wer(reference: str, hypothesis: str) -> tuple[int, int]:
    """(edits, reference words) by word-level Levenshtein distance."""
    r, h = words(reference), words(hypothesis)
    row = list(range(len(h) + 1))
    for i, rw in enumerate(r, 1):
        prev, row[0] = row[0], i
        for j, hw in enumerate(h, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (rw != hw))
    return row[-1], len(r)


def measure(setting: tuple[str, str, str], items) -> dict:
    """Latency and WER of one setting; `heard` keeps each case with its transcript as the text, for understanding."""
    from assistant.asr import Recognizer, load_backend

    recognizer = Recognizer(load_backend(*setting))
    recognizer.transcribe(items[0][1])  # warm-up
    times, edits, total, heard = [], 0, 0, []
    for case, audio in items:
        t = time.perf_counter()
        text = recognizer.transcribe(audio).text
        times.append((time.perf_counter() - t) * 1000)
        e, n = wer(case["text"], text)
        edits, total = edits + e, total + n
        heard.append({**case, "text": text, "said": case["text"]})
    s = sorted(times)
    return {"median": round(statistics.median(s), 1), "p95": round(s[min(len(s) - 1, int(0.95 * len(s)))], 1),
            "wer": round(edits / max(1, total), 4), "n": len(items), "heard": heard}


def main(argv: list[str] | None = None) -> int:
    """`python -m assistant.asr.evaluate [--setting BACKEND/MODEL/WINDOW]`: latency, WER, and understanding of
    the transcripts (intent accuracy, slots, out of scope) on the spoken held-out set."""
    import argparse

    from intents.evaluate import evaluate
    from intents.understand import Understander

    about = (main.__doc__ or "").split(":")[0]
    ap = argparse.ArgumentParser(prog="python -m assistant.asr.evaluate", description=about)
    ap.add_argument("--setting", action="append", help="e.g. openai-whisper/tiny.en/full (default: all)")
    ap.add_argument("--errors", action="store_true", help="list the transcripts misunderstood")
    args = ap.parse_args(argv)
    settings = [tuple(s.split("/")) for s in args.setting] if args.setting else SETTINGS
    items, understand = spoken_set(), Understander()
    for setting in settings:
        m = measure(setting, items)
        u = evaluate(understand, m["heard"])
        print(f"{'/'.join(setting):32} asr {m['median']:7.1f} / {m['p95']:7.1f} ms  WER {m['wer']:.3f}  "
              f"intent {u['intent_accuracy']:.3f}  slots {u['slot_accuracy']:.3f}  oos {u['oos_caught']}  "
              f"false reject {u['oos_false_reject']}  (n={m['n']})", flush=True)
        for e in u["errors"] if args.errors else ():
            print(f"   ✗ {e['text']!r}: {e['want']} → {e['got']} {e['slots']} (want {e['want_slots']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
