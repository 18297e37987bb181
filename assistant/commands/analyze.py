"""`maestro analyze FILE [--json]`: tempo, key, chords, loudness, duration and sections of audio or MIDI."""
from __future__ import annotations

import json

from assistant.commands.common import readable_file
from assistant.errors import UserError


def run(args) -> int:
    from assistant import paths
    from assistant.skills.estimates import answer
    from generators.analysis import analyze_cached

    path = readable_file(args.file)
    try:
        result = analyze_cached(path, paths.cache_dir() / "analysis")
    except (OSError, EOFError, ValueError, IndexError, KeyError, RuntimeError) as exc:
        raise UserError(f"{args.file}: cannot be analysed as audio or MIDI ({exc.__class__.__name__})") from None
    except Exception as exc:  # noqa: BLE001 - decoders raise their own exception types
        if exc.__class__.__module__.split(".")[0] in ("soundfile", "mido", "pretty_midi", "audioread"):
            raise UserError(f"{args.file}: not a readable audio or MIDI file") from None
        raise
    print(json.dumps(result.to_json()) if args.json else answer(None, result, path.name))
    return 0
