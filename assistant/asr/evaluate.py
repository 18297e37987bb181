"""ASR on the project's spoken test set: the held-out requests spoken by piper, transcribed by each backend, model
and window. WER compares normalised words (spoken numbers as digits, keys spelled alike) with the text spoken."""
from __future__ import annotations

import statistics
import time
from pathlib import Path

import numpy as np

from assistant import paths

SETTINGS = (("openai-whisper", "tiny.en", "full"), ("openai-whisper", "tiny.en", "short"),
            ("faster-whisper", "tiny.en", "full"), ("openai-whisper", "base", "full"),
            ("faster-whisper", "base", "full"))


def spoken_set(limit: int | None = None) -> list[tuple[str, np.ndarray]]:
    """(text, 16 kHz audio) for in-scope held-out requests, synthesized once into the cache."""
    import soundfile

    from assistant.audio.files import SPEECH_RATE, read_speech
    from intents.examples import load_heldout

    texts = [c["text"] for c in load_heldout() if c["intent"] != "unknown"][:limit]
    folder = paths.cache_dir() / "spoken-set"
    folder.mkdir(parents=True, exist_ok=True)
    speaker = None
    out = []
    for i, text in enumerate(texts):
        path = folder / f"{i:03d}-{abs(hash(text)) % 10**8}.wav"
        if not path.exists():
            if speaker is None:
                from assistant.tts import Speaker

                speaker = Speaker(SPEECH_RATE)
            soundfile.write(str(path), speaker.synthesize(text)[:, 0], SPEECH_RATE)
        out.append((text, read_speech(Path(path))))
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
    from assistant.asr import Recognizer, load_backend

    recognizer = Recognizer(load_backend(*setting))
    recognizer.transcribe(items[0][1])  # warm-up
    times, edits, total = [], 0, 0
    for text, audio in items:
        t = time.perf_counter()
        heard = recognizer.transcribe(audio).text
        times.append((time.perf_counter() - t) * 1000)
        e, n = wer(text, heard)
        edits, total = edits + e, total + n
    s = sorted(times)
    return {"median": round(statistics.median(s), 1), "p95": round(s[min(len(s) - 1, int(0.95 * len(s)))], 1),
            "wer": round(edits / max(1, total), 4), "n": len(items)}
