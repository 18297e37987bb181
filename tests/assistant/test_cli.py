import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def test_help_imports_nothing_heavy():
    code = ("import sys, assistant.cli as c\n"
            "try:\n    c.main(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = {'torch', 'whisper', 'transformers', 'librosa', 'numpy'} & set(sys.modules)\n"
            "assert not heavy, heavy")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "ask" in done.stdout and "transcribe" in done.stdout


@pytest.mark.parametrize("args, fragment", [
    (["--bogus"], "unrecognized arguments"),
    (["ask"], "say what you want"),
    (["ask", "hi", "--audio", "x.wav"], "not both"),
    (["ask", "--audio", "/no/such.wav"], "no such file"),
    (["analyze", "/no/such.mid"], "no such file"),
    (["transcribe", "/no/such.wav"], "no such file"),
    (["generate", "-o", "out.txt"], ".wav, .flac"),
    (["generate", "--genre", "polka", "-o", "x.wav"], "unknown genre"),
    (["generate", "--key", "H major", "-o", "x.wav"], "not a key"),
    (["generate", "--tempo", "5", "-o", "x.wav"], "between 20 and 400"),
    (["generate", "--tempo", "fast", "-o", "x.wav"], "invalid int value"),
])
def test_bad_arguments_are_one_line_and_exit_2(maestro, args, fragment):
    done = maestro(*args)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0] and "Traceback" not in done.stderr


def test_module_entry_point(maestro):
    assert maestro("--help").returncode == 0


def test_generate_writes_each_format(maestro, tmp_path):
    for ext in ("mid", "json"):
        out = tmp_path / f"x.{ext}"
        done = maestro("generate", "--genre", "folk", "--seed", "3", "--duration", "8", "-o", str(out))
        assert done.returncode == 0, done.stderr
        assert out.stat().st_size > 100


@pytest.mark.slow
def test_generate_audio(maestro, tmp_path):
    out = tmp_path / "x.flac"
    done = maestro("generate", "--genre", "lofi", "--mood", "calm", "--key", "A minor", "--tempo", "80",
                   "--duration", "10", "--seed", "1", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "A minor, 80 BPM" in done.stdout and out.stat().st_size > 10000


def test_unwritable_output_is_one_line(maestro, tmp_path):
    done = maestro("generate", "--seed", "1", "--duration", "4", "-o", "/proc/nope/x.mid")
    assert done.returncode == 2 and "cannot write" in done.stderr


@pytest.mark.slow
def test_stdout_is_only_json_even_when_libraries_talk(maestro, tmp_path):
    # pyfluidsynth prints to stdout when $CI is set; the contract allows nothing but the JSON there
    env = {"CI": "true"}
    session = str(tmp_path / "s")
    for args in (["ask", "make a folk song for five seconds", "--json", "--no-play", "--session", session],
                 ["ask", "export it as midi", "--json", "--no-play", "--session", session]):
        done = maestro(*args, env=env)
        assert done.returncode == 0, done.stderr
        lines = done.stdout.splitlines()
        assert len(lines) == 1 and json.loads(lines[0])["intent"] in ("generate", "save")
    mid = next((tmp_path / "s" / "library").glob("*.mid"))
    done = maestro("analyze", str(mid), "--json", env=env)
    assert done.returncode == 0 and json.loads(done.stdout)["tempo_bpm"] > 0
