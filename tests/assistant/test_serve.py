"""`maestro serve` over real TCP on localhost, driven by the `wyoming` client library as Home Assistant drives it:
describe, a conversation (transcript → handled), speech (audio → transcript), the voice (synthesize → audio), and
the faults (malformed headers, a 100 MB payload, two clients at once, a client gone mid-turn). One server process
serves the module."""
from __future__ import annotations

import asyncio
import json
import os
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile
from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.client import AsyncTcpClient
from wyoming.handle import Handled
from wyoming.info import Describe, Info
from wyoming.tts import Synthesize

from assistant.errors import UserError
from assistant.serve.child import maestro_serve
from assistant.serve.server import check_address
from tests.conftest import ROOT

pytestmark = pytest.mark.slow


class Served:
    """`maestro serve --no-play` (assistant.serve.child) with its session folder at hand."""

    def __init__(self, session: Path, env: dict):
        self.child, self.uri = maestro_serve(session, env, ROOT)
        self.port = int(self.uri.rsplit(":", 1)[1])
        self.session = session

    def wait_for(self, text: str) -> str:
        return self.child.next_line(text)

    def rss_mb(self) -> float:
        return self.child.rss_mb()

    def state(self) -> dict:
        return json.loads((self.session / "state.json").read_text())


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("serve")
    env = {**os.environ, "XDG_CONFIG_HOME": str(root / "config"), "XDG_DATA_HOME": str(root / "data")}
    server = Served(root / "session", env)
    yield server
    server.child.stop()


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, 120))


async def exchange(uri: str, *events, until: str):
    """Send the events on one connection and read until an event of type `until`; all events read."""
    async with AsyncTcpClient.from_uri(uri) as client:
        for event in events:
            await client.write_event(event)
        got = []
        while True:
            event = await client.read_event()
            assert event is not None, f"the connection closed after {[e.type for e in got]}"
            got.append(event)
            if event.type == until:
                return got


def say(uri: str, text: str, conversation_id: str | None = "c1"):
    context = {"conversation_id": conversation_id} if conversation_id else None
    return exchange(uri, Transcript(text, context=context, language="en").event(), until="handled")


async def closed_by_server(reader: asyncio.StreamReader) -> bool:
    """The server closed (or reset) the connection: the read ends."""
    try:
        return await asyncio.wait_for(reader.read(), 10) == b""
    except ConnectionError:
        return True


def test_describe_offers_handle_asr_and_tts(served):
    info = Info.from_event(run(exchange(served.uri, Describe().event(), until="info"))[-1])
    assert info.handle[0].models[0].languages == ["en"] and info.handle[0].installed
    assert info.asr[0].models[0].name == "tiny.en" and info.asr[0].models[0].languages == ["en"]
    assert info.tts[0].voices[0].name == "en_US-joe-medium"


def test_a_conversation_from_home_assistant(served):
    handled = Handled.from_event(run(say(served.uri, "make a calm jazz tune in b flat major"))[-1])
    assert "jazz" in handled.text.lower() and "Bb major" in handled.text
    assert handled.context == {"conversation_id": "c1"}
    # a new conversation (another satellite, or later) edits the same music: it plays in one room
    handled = Handled.from_event(run(say(served.uri, "make it faster", "c2"))[-1])
    assert "BPM" in handled.text and handled.context == {"conversation_id": "c2"}
    turns = served.state()["conversation"][-2:]
    assert [(t["user"], t["intent"], t["conversation_id"]) for t in turns] == [
        ("make a calm jazz tune in b flat major", "generate", "c1"), ("make it faster", "modify", "c2")]


def test_a_conversation_without_an_id_gets_one(served):
    handled = Handled.from_event(run(say(served.uri, "what key is this in", None))[-1])
    assert handled.text.startswith("It's in") and len(handled.context["conversation_id"]) == 32


def test_speech_becomes_a_transcript(served, speech):
    """A piper recording sent as Home Assistant sends a satellite's audio, here 48 kHz stereo to be converted."""
    audio, rate = soundfile.read(speech("make a jazz tune in b flat major at 90 bpm"), dtype="float32")
    stereo = np.repeat(np.interp(np.arange(0, len(audio), rate / 48000), np.arange(len(audio)), audio), 2)
    pcm = (stereo * 32767).astype("<i2").tobytes()
    chunks = [AudioChunk(48000, 2, 2, pcm[i:i + 8192]).event() for i in range(0, len(pcm), 8192)]
    events = run(exchange(served.uri, Transcribe(language="en").event(), AudioStart(48000, 2, 2).event(), *chunks,
                          AudioStop().event(), until="transcript"))
    text = Transcript.from_event(events[-1]).text.lower()
    assert "jazz" in text and "b flat major" in text and "90" in text


def test_the_voice_speaks_a_reply(served):
    events = run(exchange(served.uri, Synthesize("Here is a calm jazz tune.").event(), until="audio-stop"))
    start = AudioStart.from_event(events[0])
    pcm = b"".join(AudioChunk.from_event(e).audio for e in events if e.type == "audio-chunk")
    speech = np.frombuffer(pcm, "<i2") / 32768
    assert (start.rate, start.width, start.channels) == (22050, 2, 1)
    assert 1.0 < len(speech) / 22050 < 4.0 and np.sqrt(np.mean(speech ** 2)) > 0.02


@pytest.mark.parametrize("header", [b"{not json\n", b"[1, 2]\n", b'{"data": {}}\n',
                                    b'{"type": "transcript", "data_length": -4}\n', b"x" * 70000])
def test_a_malformed_event_closes_that_connection_only(served, header):
    async def go():
        reader, writer = await asyncio.open_connection("127.0.0.1", served.port)
        writer.write(header)
        await writer.drain()
        assert await closed_by_server(reader)
        writer.close()
        return await exchange(served.uri, Describe().event(), until="info")
    assert run(go())[-1].type == "info"
    served.wait_for("closed that connection")


def test_a_100_mb_payload_is_refused_unread(served):
    before = served.rss_mb()

    async def go():
        reader, writer = await asyncio.open_connection("127.0.0.1", served.port)
        header = {"type": "audio-chunk", "data": {"rate": 16000, "width": 2, "channels": 1},
                  "payload_length": 100 * 1024 * 1024}
        writer.write(json.dumps(header).encode() + b"\n")
        try:
            for _ in range(100):  # the server closes long before 100 MB are sent
                writer.write(bytes(1 << 20))
                await writer.drain()
        except ConnectionError:
            pass
        assert await closed_by_server(reader)
        writer.close()
    run(go())
    assert "over the limit" in served.wait_for("payload_length")
    assert served.rss_mb() < before + 20
    assert run(say(served.uri, "how fast is it"))[-1].type == "handled"


def test_an_utterance_over_a_minute_is_refused(served):
    async def go():
        reader, writer = await asyncio.open_connection("127.0.0.1", served.port)
        second = AudioChunk(16000, 2, 1, bytes(32000)).event()
        for _ in range(61):
            writer.write(json.dumps({"type": "audio-chunk", "data": second.data,
                                     "payload_length": 32000}).encode() + b"\n" + second.payload)
        await writer.drain()
        assert await closed_by_server(reader)
    run(go())
    served.wait_for("an utterance longer than 60 s")


def test_two_clients_at_once_take_turns(served):
    async def both():
        return await asyncio.gather(say(served.uri, "make a funk groove", "a"),
                                    say(served.uri, "make a rock song", "b"))
    first, second = run(both())
    assert "funk" in Handled.from_event(first[-1]).text.lower()
    assert "rock" in Handled.from_event(second[-1]).text.lower()
    state = served.state()
    assert {t["conversation_id"] for t in state["conversation"][-2:]} == {"a", "b"}
    pieces = [entry[0] for entry in state["timeline"][-2:]]
    assert len(set(pieces)) == 2  # two new pieces, neither turn lost


def test_a_client_gone_mid_turn_leaves_the_session_whole(served):
    async def ask_and_leave():
        reader, writer = await asyncio.open_connection("127.0.0.1", served.port)
        writer.write(json.dumps({"type": "transcript", "data": {"text": "make a country song",
                                                                  "context": {"conversation_id": "gone"}}}).encode()
                     + b"\n")
        await writer.drain()
        writer.close()
    run(ask_and_leave())
    deadline = time.monotonic() + 60
    while not any(t.get("conversation_id") == "gone" for t in served.state()["conversation"]):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    current = served.state()["timeline"][-1]
    assert (served.session / "pieces" / f"{current[0]}-v{current[1]}.json").exists()
    assert "country" in Handled.from_event(run(say(served.uri, "what genre is this"))[-1]).text.lower()


def test_only_loopback_without_a_flag():
    assert check_address("tcp://127.0.0.1:10700", False) is None
    assert check_address("tcp://localhost:10700", False) is None
    assert check_address("unix:///tmp/maestro.sock", False) is None
    with pytest.raises(UserError, match="--allow-remote"):
        check_address("tcp://0.0.0.0:10700", False)
    assert "no authentication" in check_address("tcp://0.0.0.0:10700", True)
    with pytest.raises(UserError, match="tcp://host:port"):
        check_address("tcp://127.0.0.1", False)


def test_a_public_address_needs_the_flag(maestro):
    done = maestro("serve", "--uri", "tcp://0.0.0.0:10799")
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "--allow-remote" in done.stderr
