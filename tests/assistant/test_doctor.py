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


def test_a_missing_soundfont_is_one_line_and_music_still_plays(maestro, tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("soundfont: /nonexistent/piano.sf2\n")
    done = maestro("doctor", env={"MAESTRO_CONFIG": str(config), "COLUMNS": "200"})
    assert done.returncode == 0
    lines = [line for line in done.stdout.splitlines() if "/nonexistent/piano.sf2" in line]
    assert len(lines) == 1 and "playing with" in lines[0] and "MuseScore_General" in lines[0], done.stdout


def test_echo_cancelling_is_said_on_or_off(maestro, tmp_path):
    config = tmp_path / "config.yaml"
    for setting, said in (("true", "on: WebRTC AEC3"), ("false", "off (echo_cancel: false)")):
        config.write_text(f"echo_cancel: {setting}\n")
        done = maestro("doctor", env={"MAESTRO_CONFIG": str(config), "COLUMNS": "200"})
        line = next(line for line in done.stdout.splitlines() if "echo cancellation" in line)
        assert "ok" in line and said in line, done.stdout
