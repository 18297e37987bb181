import pytest

from assistant.skills.library import free_path, safe_name


@pytest.mark.parametrize("said, want", [
    ("morning coffee", "morning-coffee"),
    ("../../etc/passwd", "etc-passwd"),
    ("CON", "song-con"),
    ("lpt1", "song-lpt1"),
    ("", "untitled"),
    ("🎵🎵", "untitled"),
    ("Café Mañana", "cafe-manana"),
])
def test_safe_names(said, want):
    assert safe_name(said) == want


def test_long_names_are_cut():
    assert len(safe_name("a" * 300)) == 80


def test_no_overwrite(tmp_path):
    (tmp_path / "x.wav").write_text("")
    (tmp_path / "x-2.wav").write_text("")
    assert free_path(tmp_path, "x", "wav").name == "x-3.wav"
