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


@pytest.mark.slow
def test_a_library_that_stops_being_writable_mid_session(tmp_path):
    """A live typed session: the library folder is replaced by a file after a first save (read-only to anyone,
    root too). Saving says so in one line, the session goes on, and once the folder is back the first copy is
    intact and saving works again."""
    import hashlib

    from assistant.audio.virtual import Running

    session = tmp_path / "s"
    run = Running({"PULSE_SERVER": "unix:/nonexistent/native"}, session, "--text", "--quiet", "--plain")

    def turn(text: str) -> str:
        run.type(text)
        return [line for line in run.wait_for("maestro>") if "maestro>" in line][-1]

    try:
        turn("make a calm folk song for five seconds")
        assert "Saved as sunday.wav" in turn("save it as sunday")
        library = session / "library"
        kept = hashlib.sha256((library / "sunday.wav").read_bytes()).hexdigest()
        library.rename(tmp_path / "away")
        library.write_text("not a folder")
        reply = turn("save it as monday")
        assert "I couldn't save it" in reply and "Nothing was lost" in reply
        assert "version 2" in turn("make it faster")  # the session goes on
        library.unlink()
        (tmp_path / "away").rename(library)
        assert "Saved as monday.wav" in turn("save it as monday")
        assert hashlib.sha256((library / "sunday.wav").read_bytes()).hexdigest() == kept
        assert "Traceback" not in "\n".join(run.quiet_for(0.5))
    finally:
        run.close()
