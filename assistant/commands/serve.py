"""`maestro serve [--uri URI] [--session DIR] [--no-play] [--allow-remote]`: maestro as a Wyoming service for Home
Assistant and its voice satellites (assistant/serve). Models load before the address is announced, so the first
request is as quick as the rest."""
from __future__ import annotations

from assistant.commands.common import load_config, session_dir


def run(args) -> int:
    import asyncio

    from assistant.serve.events import Limits
    from assistant.serve.host import Host
    from assistant.serve.log import Log
    from assistant.serve.server import check_address, serve

    warning = check_address(args.uri, args.allow_remote)
    log = Log()
    if warning:
        log.warn(warning)
    log.note("loading the classifier, Whisper and the voice")
    host = Host.open(load_config(), session_dir(args.session), not args.no_play, log)
    programs = "handle, asr" + (", tts" if host.speaker else "")
    try:
        asyncio.run(serve(args.uri, host, Limits(), lambda: log.note(f"serving Wyoming on {args.uri} ({programs}); "
                                                                     "Ctrl-C stops")))
    finally:
        host.close()
    log.note("stopped")
    return 0
