"""`maestro analyze FILE [--json]`: tempo, key, chords, loudness, duration and sections of audio or MIDI."""
from __future__ import annotations

import json

from assistant.commands.common import readable_file
from assistant.errors import UserError


def sentence(a) -> str:
    if a.tempo_bpm is None and a.key is None:
        return f"{a.file}: {a.duration_s:.1f} s; no tempo or key could be found (too short or silent)."
    key = f"{a.key}, probably" + (f"; {a.key_alternatives[0][0]} is also possible" if a.key_alternatives and
                                   a.key_confidence < 0.8 else "") if a.key else "no clear key"
    tempo = f"about {a.tempo_bpm:.0f} BPM" if a.tempo_bpm else "no steady tempo"
    loud = f", {a.loudness_lufs:.1f} LUFS" if a.loudness_lufs is not None else ""
    chords = ", ".join(dict.fromkeys(c["chord"] for c in a.chords if c["chord"] != "N"))
    return f"{a.file}: {a.duration_s:.1f} s, {tempo}, {key}{loud}. Chords: {chords or 'none found'}."


def run(args) -> int:
    from generators.analysis import analyze

    path = readable_file(args.file)
    try:
        result = analyze(path)
    except (OSError, EOFError, ValueError, IndexError, KeyError, RuntimeError) as exc:
        raise UserError(f"{args.file}: cannot be analysed as audio or MIDI ({exc.__class__.__name__})") from None
    except Exception as exc:  # noqa: BLE001 - decoders raise their own exception types
        if exc.__class__.__module__.split(".")[0] in ("soundfile", "mido", "pretty_midi", "audioread"):
            raise UserError(f"{args.file}: not a readable audio or MIDI file") from None
        raise
    print(json.dumps(result.to_json()) if args.json else sentence(result))
    return 0
