"""`maestro serve` measured from outside, as Home Assistant uses it: what a Wyoming round trip on localhost adds to
the work itself (the client's round trip minus the time the server logs for the same request), and the server's
memory when idle."""
from __future__ import annotations

import asyncio
import os
import re
import tempfile
import time
from pathlib import Path

QUESTION = "what key is this in"
SPOKEN = "make a jazz tune in b flat major at 90 bpm"


def _logged_ms(line: str) -> float:
    return float(re.findall(r"\((\d+) ms\)", line)[-1])


async def _round_trip(uri: str, events, until: str) -> float:
    from wyoming.client import AsyncClient

    t = time.perf_counter()
    async with AsyncClient.from_uri(uri) as client:
        for event in events:
            await client.write_event(event)
        while (event := await client.read_event()) is not None and event.type != until:
            pass
    return (time.perf_counter() - t) * 1000


def _speech_events():
    from wyoming.asr import Transcribe

    from assistant.audio.constants import SPEECH_RATE
    from assistant.audio.pcm import audio_events, pcm16
    from assistant.tts import Speaker

    pcm = pcm16(Speaker(SPEECH_RATE).synthesize(SPOKEN)[:, 0] / 0.8)
    return [Transcribe(language="en").event(), *audio_events(pcm, SPEECH_RATE)]


def _added(server, uri: str, events, until: str, logged: str | None, runs: int) -> list[float]:
    """Round trips minus the server's own time for each (none logged: the whole round trip is protocol)."""
    out = []
    for i in range(runs + 1):  # the first is a warm-up
        mark = len(server.lines)
        total = asyncio.run(_round_trip(uri, events, until))
        work = _logged_ms(server.next_line(logged, mark)) if logged else 0.0
        if i:
            out.append(total - work)
    return out


def measure(runs: int) -> dict:
    from wyoming.asr import Transcript
    from wyoming.info import Describe

    from assistant.commands.bench import stats
    from assistant.serve.child import maestro_serve

    with tempfile.TemporaryDirectory() as tmp:
        server, uri = maestro_serve(Path(tmp) / "session", {**os.environ, "OMP_NUM_THREADS": "1"})
        try:
            time.sleep(2)
            idle = server.rss_mb()
            asyncio.run(_round_trip(uri, [Transcript("make a calm lofi beat").event()], "handled"))
            describe = _added(server, uri, [Describe().event()], "info", None, runs)
            handle = _added(server, uri, [Transcript(QUESTION, context={"conversation_id": "bench"}).event()],
                            "handled", f"'{QUESTION}'", runs)
            asr = _added(server, uri, _speech_events(), "transcript", "heard", runs)
            after = server.rss_mb()
        finally:
            server.stop()
    return {"wyoming_added_ms": {"describe": stats(describe), "handle": stats(handle), "asr": stats(asr)},
            "serve_idle_rss_mb": idle, "serve_rss_after_turns_mb": after}
