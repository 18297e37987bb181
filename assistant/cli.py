"""The command line of ../shared/contract.md. Only argparse is imported here, so `maestro --help` is instant;
each command's module (and torch, whisper, librosa behind it) is imported when that command runs."""
from __future__ import annotations

import argparse
import importlib
import os
import sys

from assistant.errors import UserError

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE = 0, 1, 2


class Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage, so every error is one line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UserError(f"{message} (see 'maestro --help')")


def _session_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--session", metavar="DIR", help="conversation state folder (default: the user's data dir)")


def build_parser() -> Parser:
    p = Parser(prog="maestro", description="An offline, hands-free, voice-driven music assistant.")
    p.add_argument("--text", action="store_true", help="typed session instead of the microphone")
    p.add_argument("--quiet", action="store_true", help="do not speak replies")
    p.add_argument("--plain", action="store_true", help="plain lines instead of the live screen")
    _session_args(p)
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    a = sub.add_parser("ask", help="one turn of the conversation")
    a.add_argument("text", nargs="?", metavar="TEXT")
    a.add_argument("--audio", metavar="FILE", help="a spoken request (WAV/FLAC/OGG/MP3, any sample rate)")
    a.add_argument("--hum", metavar="FILE", help="a hummed, sung or whistled tune that becomes the melody of a new "
                   "piece (TEXT, if given, says the style)")
    a.add_argument("--json", action="store_true")
    a.add_argument("--no-play", action="store_true", help="render and store, do not open an audio device")
    _session_args(a)

    t = sub.add_parser("transcribe", help="speech to text only")
    t.add_argument("files", nargs="+", metavar="FILE")
    t.add_argument("--json", action="store_true")

    r = sub.add_parser("parse", help="understanding only (reads stdin lines without TEXT)")
    r.add_argument("text", nargs="?", metavar="TEXT")
    r.add_argument("--json", action="store_true")

    g = sub.add_parser("generate", help="compose and render a piece")
    g.add_argument("--genre")
    g.add_argument("--mood")
    g.add_argument("--key")
    g.add_argument("--tempo", type=int, metavar="BPM")
    g.add_argument("--duration", type=float, metavar="S")
    g.add_argument("--time-signature", metavar="N/D")
    g.add_argument("--seed", type=int)
    g.add_argument("-o", "--output", required=True, metavar="OUT", help=".wav, .flac, .mp3, .mid or .json")

    n = sub.add_parser("analyze", help="tempo, key, chords, loudness, sections of an audio or MIDI file")
    n.add_argument("file", metavar="FILE")
    n.add_argument("--json", action="store_true")

    w = sub.add_parser("serve", help="a Wyoming server for Home Assistant and its voice satellites")
    w.add_argument("--uri", default="tcp://127.0.0.1:10700", help="tcp://host:port or unix:///path "
                   "(default: tcp://127.0.0.1:10700, this machine only)")
    w.add_argument("--allow-remote", action="store_true",
                   help="allow an address other machines can reach (Wyoming has no authentication)")
    w.add_argument("--no-play", action="store_true", help="store the music, do not open an audio device")
    _session_args(w)

    sub.add_parser("doctor", help="check devices, models, SoundFont and backends")

    b = sub.add_parser("bench", help="the benchmark suite")
    b.add_argument("--json", action="store_true")
    b.add_argument("--quick", action="store_true")
    return p


COMMANDS = {
    None: "assistant.commands.session",
    "ask": "assistant.commands.ask",
    "transcribe": "assistant.commands.transcribe",
    "parse": "assistant.commands.parse",
    "generate": "assistant.commands.generate",
    "analyze": "assistant.commands.analyze",
    "serve": "assistant.commands.serve",
    "doctor": "assistant.commands.doctor",
    "bench": "assistant.commands.bench",
}


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        module = importlib.import_module(COMMANDS[args.command])
        return int(module.run(args) or EXIT_OK)
    except UserError as exc:
        print(f"maestro: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, no traceback
        if os.environ.get("MAESTRO_DEBUG"):
            raise
        print(f"maestro: internal error: {exc.__class__.__name__}: {exc} (MAESTRO_DEBUG=1 shows more)", file=sys.stderr)
        return EXIT_INTERNAL
