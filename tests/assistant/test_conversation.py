"""A scripted conversation through `maestro ask --json --session S`, checking the piece after every turn."""
import json

import pytest

pytestmark = pytest.mark.slow

CONTRACT_PIECE_KEYS = {"id", "version", "title", "genre", "mood", "key", "tempo_bpm", "time_signature", "duration_s",
                       "instruments", "chords", "audio_path", "midi_path"}


def test_a_whole_conversation(ask, converse, tmp_path):
    """Through `maestro ask` where the contract's JSON is checked, in process (the same session folder) for the
    edits between, as a live session and `ask` share a session."""
    r = ask("make it faster")
    assert r["intent"] == "modify" and r["piece"] is None and "no piece yet" in r["reply"].lower()

    r = ask("make a happy jazz tune in c major at 120 bpm")
    assert set(r) == {"transcript", "intent", "confidence", "slots", "reply", "piece", "timings_ms"}
    assert r["slots"] == {"genre": "jazz", "mood": "happy", "key": "C major", "tempo_bpm": 120}
    p = r["piece"]
    assert set(p) == CONTRACT_PIECE_KEYS
    assert (p["key"], p["tempo_bpm"], p["version"], p["duration_s"]) == ("C major", 120, 1, 30)
    assert "drums" in p["instruments"]

    p = converse("make it faster")["piece"]
    assert p["version"] == 2 and p["tempo_bpm"] > 120 and p["key"] == "C major"

    p = converse("twice as fast")["piece"]
    assert p["version"] == 3 and p["tempo_bpm"] == pytest.approx(2 * 138, abs=1)

    p = converse("put it in d minor")["piece"]
    assert p["key"] == "D minor" and p["chords"][0] == "Dm", p["chords"]  # the tonic, respelled minor
    assert not {"D", "Dmaj7"} & set(p["chords"]), p["chords"]  # no major tonic left over

    p = converse("swap the piano for a guitar")["piece"]
    assert "acoustic guitar" in p["instruments"] and "piano" not in p["instruments"]

    p = converse("remove the drums")["piece"]
    assert "drums" not in p["instruments"]

    p = converse("add strings")["piece"]
    assert "strings" in p["instruments"]

    p = converse("make it forty five seconds long")["piece"]
    assert p["duration_s"] == pytest.approx(45)

    r = converse("what key is this in")
    assert r["intent"] == "analyze" and "D minor" in r["reply"]

    before = converse("undo")["piece"]
    assert before["duration_s"] != pytest.approx(45)
    assert converse("redo")["piece"]["duration_s"] == pytest.approx(45)

    p = converse("go back to the first version")["piece"]
    assert p["version"] == 1 and p["tempo_bpm"] == 120

    r = ask("save it as morning coffee")
    assert "morning-coffee.wav" in r["reply"]
    assert (ask.session / "library" / "morning-coffee.wav").exists()
    assert "morning-coffee-2.wav" in ask("save it as morning coffee")["reply"]
    assert "etc-passwd" in ask("save it as ../../etc/passwd")["reply"]
    ask("export it as midi")
    assert list((ask.session / "library").glob("*.mid"))

    r = ask("what's the weather like")
    assert r["intent"] == "unknown" and r["piece"]["id"] == p["id"]

    q = ask("make a sad classical piece")["piece"]
    assert q["id"] != p["id"] and q["genre"] == "classical"
    assert "Playing" in ask("play the previous song")["reply"]
    assert ask("undo")["piece"]["id"] == p["id"]  # undo a generation: back to the earlier piece


def test_state_survives_and_damage_is_reported(ask, maestro):
    ask("make a calm lofi beat")
    (ask.session / "state.json").write_text("garbage")
    done = maestro("ask", "make it faster", "--json", "--no-play", "--session", str(ask.session))
    assert done.returncode == 0
    assert "moved aside" in done.stderr
    assert json.loads(done.stdout)["piece"]["version"] == 2


@pytest.mark.parametrize("text", ["", "   ", "🎵🎶🎵", "\x07\x1b[31m\x08", "x" * 10000, "сделай что-нибудь"])
def test_bad_text_is_answered(ask, text):
    r = ask(text)
    assert r["intent"] == "unknown" and r["reply"]


def test_the_conversation_spoken(maestro, speech, tmp_path):
    """The same kind of conversation as piper speech through `ask --audio`: Whisper, the classifier, the skills."""
    session = str(tmp_path / "spoken")

    def say(text):
        done = maestro("ask", "--audio", str(speech(text)), "--json", "--no-play", "--session", session)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    r = say("make a happy jazz tune in C major at one twenty BPM")
    assert r["intent"] == "generate" and r["slots"]["key"] == "C major" and r["slots"]["tempo_bpm"] == 120
    assert r["timings_ms"]["asr"] > 0 and r["piece"]["version"] == 1
    assert say("make it faster")["piece"]["tempo_bpm"] > 120
    p = say("put it in D minor")["piece"]
    assert p["key"] == "D minor" and p["version"] == 3
    assert "acoustic guitar" in say("swap the piano for a guitar")["piece"]["instruments"]
    r = say("what key is this in")
    assert r["intent"] == "analyze" and "D minor" in r["reply"]
    assert say("undo that")["piece"]["version"] == 3
    assert say("redo")["piece"]["version"] == 4
    r = say("save it as sunday")
    assert r["intent"] == "save" and (tmp_path / "spoken" / "library" / "sunday.wav").exists()


def test_questions_about_the_users_own_recording(ask, maestro, tmp_path):
    song = tmp_path / "my song.wav"
    made = maestro("generate", "--genre", "pop", "--key", "A minor", "--tempo", "120", "--duration", "20",
                   "--seed", "8", "-o", str(song))
    assert made.returncode == 0, made.stderr
    assert ask(f"play {song}")["reply"] == "Playing my song.wav."
    assert "A minor" in ask("what key is this in")["reply"]
    assert "about 120 BPM" in ask("how fast is it")["reply"]
    assert "can't tell" in ask("what instruments are playing")["reply"]
    summary = ask("tell me about this track")["reply"]
    assert summary.startswith("my song.wav") and "LUFS" in summary
    ask("make a jazz tune in d major")
    assert ask("what key is this in")["reply"] == "It's in D major."  # "this" is the new piece again


def test_a_turn_that_fails_is_one_line_and_the_session_goes_on(tmp_path, monkeypatch, capsys):
    """A fault injected into one turn's skill: the live session says so in one line, and the next turn works on
    the state that was saved."""
    from assistant import dialogue
    from assistant.commands.common import understander
    from assistant.config import Config
    from assistant.session import Session
    from assistant.store import Store
    from assistant.turns import TurnRunner, Understanding
    from assistant.ui.plain import PlainUI

    session = Session(Store(tmp_path / "s"), Config())  # no playback port: music is saved, not played
    runner = TurnRunner(session, Understanding(understander()), PlainUI(), session.playback)
    runner.turn("make a calm folk song for five seconds")
    real = dialogue.handle
    monkeypatch.setattr(dialogue, "handle", lambda *a: (_ for _ in ()).throw(RuntimeError("disk on fire")))
    runner.turn("make it faster")
    monkeypatch.setattr(dialogue, "handle", real)
    runner.turn("what key is this in")
    out, err = capsys.readouterr()
    assert "that failed (RuntimeError: disk on fire)" in err and "Traceback" not in err
    assert "It's in" in out.splitlines()[-1]
    assert session.current().version == 1


@pytest.mark.parametrize("wake", [None, "maestro"])
def test_a_name_alone_is_not_a_whole_request(wake):
    """The early transcript's verdict in the live session: the assistant's name alone waits for the request
    (it used to be understood as quit); with a wake phrase, what follows it is the request and speech without it
    is ignored."""
    from assistant.commands.common import understander
    from assistant.config import Config
    from assistant.listener import Listener
    from assistant.ui.plain import PlainUI

    listener = Listener(Config(wake_phrase=wake), lambda text: None, understander(), live=None, ui=PlainUI())
    assert not listener.whole_request("Maestro.")
    assert listener.whole_request("Hey Maestro,") is bool(wake)  # with a wake phrase, not addressed: ignored
    assert listener.whole_request("Maestro, make it faster.")
    assert listener.command("Maestro, make it faster.") == ("make it faster." if wake else "Maestro, make it faster.")
    assert listener.command("make it faster") == (None if wake else "make it faster")
    assert listener.whole_request("make it faster")  # acted on, or ignored without the wake phrase: no wait


@pytest.mark.parametrize("wake", [None, "maestro"])
def test_how_sure_the_listener_is_of_a_request_it_heard(wake):
    """The `sure` the live session gives the recognizer (an unsure hearing over sound is heard again): the intent
    classifier's confidence in the request after the wake phrase, and none where the wake phrase is missing."""
    from assistant.commands.common import understander
    from assistant.config import Config
    from assistant.listener import Listener
    from assistant.ui.plain import PlainUI

    listener = Listener(Config(wake_phrase=wake), lambda text: None, understander(), live=None, ui=PlainUI())
    assert listener.sure("Maestro, make it faster.") > 0.9
    assert listener.sure("Maestro, not so said, please.") < 0.9  # Whisper's "said" for "sad", in noise
    assert (listener.sure("make it faster") == 0.0) is bool(wake)
