"""`maestro ask [TEXT] [--audio FILE] [--session DIR] [--json] [--no-play]`: one turn of the conversation."""
from __future__ import annotations

import json
import time

from assistant.commands.common import load_config, readable_file, session_dir, understander, warn
from assistant.errors import UserError

MAX_TEXT = 2000


def _text_from(args, config, timings) -> str:
    if args.audio and args.hum:
        raise UserError("give either --audio FILE (a spoken request) or --hum FILE (a tune), not both")
    if args.hum:
        timings["asr"] = 0.0
        return args.text or ""
    if args.audio and args.text:
        raise UserError("give either TEXT or --audio FILE, not both")
    if args.audio:
        from assistant.asr import load_recognizer
        from assistant.audio.files import read_speech

        audio = read_speech(readable_file(args.audio))
        recognizer = load_recognizer(config)
        t = time.perf_counter()
        result = recognizer.transcribe(audio)
        timings["asr"] = (time.perf_counter() - t) * 1000
        return result.text
    if args.text is None:
        raise UserError("say what you want: maestro ask \"make a jazz tune\" (or --audio FILE, or --hum FILE)")
    timings["asr"] = 0.0
    return args.text


def run(args) -> int:
    """Only the answer goes to stdout: anything a library prints while the turn runs goes to stderr."""
    import contextlib
    import sys

    out = sys.stdout
    with contextlib.redirect_stdout(sys.stderr):
        reply, text, intent, current, timings, play = _turn(args)
    if args.json:
        print(json.dumps({"transcript": text, "intent": intent.name, "confidence": intent.confidence,
                          "slots": intent.slots.to_json(), "reply": reply.text,
                          "piece": current.to_json() if current else None,
                          "timings_ms": {k: round(v, 1) for k, v in timings.items()}}), file=out, flush=True)
    else:
        print(reply.text, file=out, flush=True)
    if play:
        with contextlib.redirect_stdout(sys.stderr):
            _play(*play)
    return 0


def _turn(args):
    from assistant import dialogue
    from assistant.playback import OneShot
    from assistant.session import Session
    from assistant.store import Store
    from intents.model import Intent, Slots

    t0 = time.perf_counter()
    config = load_config()
    timings: dict[str, float] = {}
    text = " ".join(_text_from(args, config, timings).split())[:MAX_TEXT]
    store = Store(session_dir(args.session))
    port = OneShot(store.root)
    hearing = _hearing(args.hum, timings) if args.hum else None  # a broken file fails before any model loads
    understand = understander()
    t = time.perf_counter()
    intent = understand(text) if text or hearing is None else None
    timings["intent"] = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    with store.turn():  # one turn at a time on this folder: a second `ask` waits, then says it is busy
        session = Session(store, config, playback=port)  # the state as it is now, read once
        if hearing is not None:
            reply = dialogue.hummed(hearing, intent, session, text)
            intent = Intent("hum", 1.0, intent.slots if intent else Slots(), text)
        else:
            reply = dialogue.handle(intent, session, text)
    for w in store.warnings:
        warn(w)
    port.carry_out(reply)  # a control reaches the playing process now; music plays after the answer is out
    timings["action"] = (time.perf_counter() - t) * 1000
    timings["total"] = (time.perf_counter() - t0) * 1000
    play = (port, reply.play, session.state.volume, config) if reply.play and not args.no_play else None
    return reply, text, intent, session.current(), timings, play


def _hearing(name: str, timings: dict[str, float]):
    """The tune in a recording (generators.hum.hear), timed as "hum"."""
    from assistant.audio.files import read
    from generators.hum.hear import hear

    audio, rate = read(readable_file(name))
    t = time.perf_counter()
    hearing = hear(audio.mean(axis=1), rate)
    timings["hum"] = (time.perf_counter() - t) * 1000
    return hearing


def _play(port, path, volume: int, config) -> None:
    from assistant.errors import DeviceError

    try:
        port.play(path, volume, config)
    except DeviceError as exc:
        warn(f"{exc}; the audio is at {path}")
