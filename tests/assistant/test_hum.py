"""`maestro ask --hum`: a hummed tune becomes a new piece whose melody it is, in the style asked for; speech and
silence are no tune; a long recording is cut to 30 s and the reply says so; a broken file is one line."""
from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile

from assistant.config import Config
from assistant.session import Session
from assistant.store import Store
from generators.hum import evaluate, humset
from generators.hum.hear import hear
from generators.theory import Key

pytestmark = pytest.mark.slow


@pytest.fixture
def session(tmp_path):
    return Session(Store(tmp_path / "session"), Config())


def test_a_hummed_tune_becomes_a_jazz_piece(maestro, tmp_path):
    sung = humset.sing(humset.load()[4], 4)
    path = tmp_path / "tune.flac"
    soundfile.write(path, sung.audio, sung.rate)
    done = maestro("ask", "make it a jazz tune", "--hum", str(path), "--json", "--no-play",
                   "--session", str(tmp_path / "s"))
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["intent"] == "hum" and answer["slots"]["genre"] == "jazz"
    assert answer["piece"]["genre"] == "jazz" and answer["reply"].startswith("Here is your tune as")
    heard, sang = Key.parse(answer["piece"]["key"]), Key.parse(sung.key)
    assert (heard.pc, heard.mode) == (sang.pc, sang.mode)
    piece = Store(tmp_path / "s").load_piece(answer["piece"]["id"], 1)
    melody = next(t for t in piece.tracks if t.role == "melody")
    assert evaluate.in_order([int(p) for p in sung.pitches], [n.pitch for n in melody.notes]) >= 0.9
    assert "hum" in answer["timings_ms"] and "WARNING" not in done.stderr


def test_without_words_the_current_style_is_kept(session):
    from assistant import dialogue

    dialogue.hummed(hear(*_sung(2)), None, session, "")
    first = session.current().piece
    assert first.genre == "folk"  # nothing playing yet: folk suits a tune sung alone
    reply = dialogue.hummed(hear(*_sung(3)), None, session, "")
    assert session.current().piece.genre == "folk" and "your tune" in reply.text
    assert [t.intent for t in session.state.conversation] == ["hum", "hum"]


def _sung(i: int) -> tuple[np.ndarray, int]:
    sung = humset.sing(humset.load()[i], i)
    return sung.audio, sung.rate


def test_speech_and_silence_are_no_tune(session, speech):
    from assistant import dialogue

    audio, rate = soundfile.read(speech("make a calm lo-fi beat in a minor at 85 bpm"), dtype="float32")
    for recording in ((audio, rate), (np.zeros(5 * 16000, np.float32), 16000)):
        reply = dialogue.hummed(hear(*recording), None, session, "")
        assert reply.text.startswith("I didn't hear a tune") and reply.play is None
    assert session.current() is None


def test_a_two_minute_hum_is_cut_and_the_reply_says_so(session):
    from assistant import dialogue

    audio = np.concatenate([_sung(i)[0] for i in range(14)])
    assert len(audio) / humset.RATE >= 120
    reply = dialogue.hummed(hear(audio, humset.RATE), None, session, "")
    assert "first 30 seconds" in reply.text and reply.play is not None


def test_continue_my_tune_and_play_it_again(converse):
    """The tune lives on in the session: continued by the learned model, kept through edits and a new piece, and
    played again on request."""
    from assistant import dialogue
    from generators.hum.develop import tune_in

    session = converse.session_object
    dialogue.hummed(hear(*_sung(5)), None, session, "")
    hummed = session.current()
    sung = tune_in(hummed.piece)
    answer = converse("continue my tune")
    assert answer["intent"] == "modify" and answer["reply"].startswith("I continued your tune: a new")
    grown = tune_in(session.current().piece)
    def timed(notes):
        return [(n.pitch, n.start, n.duration) for n in notes]  # velocities follow the mood
    assert grown.length_beats > sung.length_beats and timed(grown.notes[:len(sung.notes)]) == timed(sung.notes)
    assert converse("make it jazz")["piece"]["genre"] == "jazz"
    jazz = session.current()
    assert jazz.version == 3 and timed(tune_in(jazz.piece).notes) == timed(grown.notes)
    assert converse("make a calm lofi beat")["piece"]["genre"] == "lofi"
    again = converse("play my tune again")
    assert again["intent"] == "play" and again["slots"]["target"] == "tune"
    assert again["reply"] == f"Playing {jazz.piece.title}, version 3."


def test_a_broken_file_is_one_line(maestro, tmp_path):
    bad = tmp_path / "tune.wav"
    bad.write_bytes(b"RIFF not really")
    done = maestro("ask", "--hum", str(bad), "--session", str(tmp_path / "s"))
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "not a readable audio file" in done.stderr
    done = maestro("ask", "--hum", str(bad), "--audio", str(bad))
    assert done.returncode == 2 and "not both" in done.stderr


@pytest.mark.audio
def test_listen_to_this_then_hum_it_in_the_live_session(pulse, speech, tmp_path):
    """Spoken "listen to this and make it a jazz tune", then a tune hummed into the virtual microphone (the hum set's
    voice): the screen says maestro listens for a tune, and the tune becomes a jazz piece."""
    from assistant.audio.virtual import Running
    from tests.conftest import ROOT

    sung = humset.sing(humset.load()[6], 6)
    tune = tmp_path / "tune.wav"
    soundfile.write(tune, sung.audio, sung.rate)
    app = Running(pulse.env, tmp_path / "s", "--quiet", "--plain", cwd=ROOT)
    try:
        app.wait_for("Listening")
        pulse.speak_into_mic(speech("listen to this and make it a jazz tune")).wait()
        lines = app.wait_for("maestro>")
        assert "listening for your tune" in lines[-1].lower() and any("hum, sing or whistle" in line for line in lines)
        pulse.speak_into_mic(tune).wait()
        lines = app.wait_for("maestro>")
        assert any("(your tune)" in line for line in lines)
        assert "Here is your tune as" in lines[-1] and "jazz" in lines[-1], lines
        pulse.speak_into_mic(speech("what key is this in")).wait()  # requests are heard as before
        assert "It's in" in app.wait_for("maestro>")[-1]
    finally:
        app.close()


def test_listen_to_this_without_a_microphone_says_how(session):
    from assistant import dialogue
    from intents.model import Intent, Slots

    reply = dialogue.handle(Intent("hum", 1.0, Slots(), "listen to this"), session, "listen to this")
    assert "maestro ask --hum" in reply.text and reply.play is None
    heard: list[Intent] = []
    session.listen_for_tune = heard.append
    reply = dialogue.handle(Intent("hum", 1.0, Slots(genre="jazz"), "listen to this"), session, "listen to this")
    assert reply.text.startswith("I'm listening for your tune") and heard[0].slots.genre == "jazz"
