"""`maestro transcribe FILE... [--json]`: speech to text only; the model loads once for all files."""
from __future__ import annotations

import json
import time

from assistant.commands.common import load_config, readable_file, warn
from assistant.errors import UserError


def run(args) -> int:
    from assistant.asr import load_recognizer
    from assistant.audio.files import read_speech

    recognizer = load_recognizer(load_config())
    failed = 0
    for name in args.files:
        try:
            audio = read_speech(readable_file(name))
        except UserError as exc:
            warn(str(exc))
            failed += 1
            continue
        t = time.perf_counter()
        result = recognizer.transcribe(audio)
        ms = (time.perf_counter() - t) * 1000
        if args.json:
            print(json.dumps({"file": name, "text": result.text, "duration_s": round(len(audio) / 16000, 3),
                              "asr_ms": round(ms, 1), **({"rejected": result.rejected} if result.rejected else {})}),
                  flush=True)
        else:
            print(f"{name}: {result.text}" + (f"  [nothing: {result.rejected}]" if result.rejected else ""), flush=True)
    return 2 if failed else 0
