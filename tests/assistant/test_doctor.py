"""`maestro doctor`: every check passes on a set-up machine with audio devices, and a missing audio server is
named with its fix."""
import pytest

pytestmark = pytest.mark.slow


def test_all_good_with_the_virtual_devices(maestro, pulse):
    done = maestro("doctor", env={**pulse.env, "COLUMNS": "200"})
    assert done.returncode == 0, done.stderr
    assert "All good." in done.stdout, done.stdout
    intent_line = next(line for line in done.stdout.splitlines() if "intent model" in line)
    assert "compiled, " in intent_line


def test_no_audio_server_is_named_with_its_fix(maestro):
    done = maestro("doctor", env={"PULSE_SERVER": "unix:/nonexistent/native", "COLUMNS": "200"})
    assert done.returncode == 0
    out = done.stdout
    assert "2 problem(s) found." in out, out
    assert "missing  speaker" in out and "missing  microphone" in out
    assert "fix: start an audio server" in out
