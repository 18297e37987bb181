"""Nothing leaves the machine: a whole spoken session (listen, transcribe, classify, generate, play, speak) runs
with every Python network connection and name lookup blocked and logged."""
import os
import subprocess
import sys

import pytest

from tests.assistant.test_audio import running
from tests.conftest import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.audio]

GUARD = '''
import os, socket
_log = os.environ["MAESTRO_NET_LOG"]
def _blocked(what):
    with open(_log, "a") as f:
        f.write(f"{what}\\n")
    raise OSError("network blocked by maestro's privacy test")
_connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex
def connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _blocked(address)
    return _connect(self, address)
def connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _blocked(address)
    return _connect_ex(self, address)
def getaddrinfo(host, *args, **kwargs):
    _blocked(host)
socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = connect, connect_ex, getaddrinfo
'''


@pytest.fixture
def offline(tmp_path, pulse):
    folder = tmp_path / "guard"
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(GUARD)
    log = tmp_path / "network.log"
    # HF_HUB_OFFLINE=0: the Makefile sets it to 1, which would hide a model loader that reaches for the hub
    return {**pulse.env, "PYTHONPATH": f"{folder}{os.pathsep}{ROOT}", "MAESTRO_NET_LOG": str(log),
            "HF_HUB_OFFLINE": "0", "TRANSFORMERS_OFFLINE": "0"}, log


def test_the_guard_catches_a_connection(offline):
    env, log = offline
    done = subprocess.run([sys.executable, "-c", "import urllib.request; urllib.request.urlopen('http://example.com')"],
                          env=env, capture_output=True, text=True)
    assert done.returncode != 0 and "example.com" in log.read_text()


def test_a_spoken_session_opens_no_connection(offline, pulse, speech, tmp_path):
    env, log = offline
    app = running(env, tmp_path / "s")
    try:
        app.wait_for("Listening")
        pulse.speak_into_mic(speech("make a calm jazz tune")).wait()
        assert "jazz" in app.wait_for("maestro>")[-1].lower()
        pulse.speak_into_mic(speech("what key is this in")).wait()
        app.wait_for("maestro>")
    finally:
        app.close()
    assert app.proc.returncode == 0
    assert not log.exists(), log.read_text()
