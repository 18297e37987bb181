import pytest

from assistant import config
from assistant.errors import UserError


def write(tmp_path, text):
    path = tmp_path / "config.yaml"
    path.write_text(text)
    return path


def test_missing_file_gives_defaults(tmp_path):
    assert config.load(tmp_path / "none.yaml") == config.Config()


def test_values_are_read(tmp_path):
    c = config.load(write(tmp_path, "asr_backend: faster-whisper\nvoice_replies: false\nvolume: 55\n"))
    assert c.asr_backend == "faster-whisper" and c.voice_replies is False and c.volume == 55


@pytest.mark.parametrize("text, fragment", [
    ("colour: blue\n", "unknown key 'colour'"),
    ("volume: loud\n", "'volume' has the wrong type"),
    ("voice_replies: 1\n", "'voice_replies' has the wrong type"),
    ("asr_backend: vosk\n", "must be one of"),
    ("volume: 500\n", "between 0 and 100"),
    ("a: [unclosed\n", "not valid YAML"),
    ("- a list\n", "must be a mapping"),
])
def test_bad_config_names_the_key_and_file(tmp_path, text, fragment):
    path = write(tmp_path, text)
    with pytest.raises(UserError) as err:
        config.load(path)
    assert fragment in str(err.value) and str(path) in str(err.value)


def test_maestro_config_env_and_cli(tmp_path, maestro):
    path = write(tmp_path, "colour: blue\n")
    done = maestro("ask", "hello", "--no-play", "--session", str(tmp_path / "s"), env={"MAESTRO_CONFIG": str(path)})
    assert done.returncode == 2 and "unknown key 'colour'" in done.stderr
