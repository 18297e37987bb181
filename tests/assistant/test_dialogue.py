"""The dialogue and every skill, in process: intents built by hand (a stub classifier), a real session on a
temporary store, and a playback port that records what the turn asked of it (a fake is enough here: the ports
themselves are tested with real devices in test_audio and test_remote)."""
from pathlib import Path

import pytest

from assistant import dialogue
from assistant.config import Config
from assistant.session import Session
from assistant.skills import Reply
from assistant.store import Store
from assistant.turns import TurnRunner, Understanding
from intents.model import INTENTS, Intent, Slots


class RecordingPort:
    """What the turns asked of the speaker; `playing` says whether something plays."""

    def __init__(self):
        self.replies: list[Reply] = []
        self.playing = False

    def active(self) -> bool:
        return self.playing

    def position(self) -> float | None:
        return 3.0 if self.playing else None

    def carry_out(self, reply: Reply) -> None:
        self.replies.append(reply)

    def check_output(self) -> None:
        pass


@pytest.fixture
def port():
    return RecordingPort()


@pytest.fixture
def session(tmp_path, port):
    return Session(Store(tmp_path / "s"), Config(), playback=port)


def say(session, name, text="", **slots) -> Reply:
    return dialogue.handle(Intent(name, 1.0, Slots(**slots), text), session, text or name)


def test_every_intent_has_a_skill():
    assert set(dialogue.SKILLS) == set(INTENTS)


def test_edits_before_a_piece_ask_for_one(session):
    for name in ("modify", "save", "analyze", "play"):
        assert "no piece yet" in say(session, name, tempo_change="faster").text.lower(), name
    assert say(session, "undo").text == "There is nothing to undo."


def test_a_piece_its_versions_undo_and_redo(session):
    made = say(session, "generate", genre="folk", mood="calm", duration_s=5.0)
    assert made.play == session.current().files.audio and made.play.exists()
    faster = say(session, "modify", tempo_change="faster")
    first = session.piece_at(("p0001", 1)).piece
    assert "version 2" in faster.text and session.current().piece.tempo_bpm > first.tempo_bpm
    assert session.current().version == 2
    back = say(session, "undo")
    assert session.current().version == 1 and back.play == session.current().files.audio
    say(session, "redo")
    assert session.current().version == 2
    assert say(session, "modify", semitones=2).text.endswith("This is version 3.")
    state = Store(session.store.root).load()  # every turn is remembered in the store
    assert state.current == ("p0001", 3)
    assert [t.intent for t in state.conversation] == ["generate", "modify", "undo", "redo", "modify"]


def test_questions_answer_from_the_score(session, port):
    say(session, "generate", genre="jazz", key="Eb major", tempo_bpm=100, duration_s=5.0)
    assert say(session, "analyze", aspect="key").text == "It's in Eb major."
    assert "100" in say(session, "analyze", aspect="tempo").text


def test_controls_need_something_playing_and_travel_as_data(session, port):
    for name in ("pause", "resume", "stop"):
        assert say(session, name).text == "Nothing is playing right now."
    port.playing = True
    assert say(session, "pause") == Reply("Paused.", control="pause")
    assert say(session, "stop") == Reply("Stopped.", control="stop")


def test_volume_lives_in_the_state(session):
    assert say(session, "volume", volume=40) == Reply("Volume 40.", control="volume", volume=40)
    assert say(session, "volume", volume_change="up").volume == 55
    assert Store(session.store.root).load().volume == 55
    assert say(session, "volume", volume=250).volume == 100


def test_play_a_file_or_say_it_is_missing(session, tmp_path):
    assert "can't find" in say(session, "play", filename="nothing here").text
    say(session, "generate", genre="pop", duration_s=4.0)
    saved = say(session, "save", filename="morning coffee")
    assert saved.text.startswith("Saved as morning-coffee.wav")
    again = say(session, "play", filename="morning coffee")
    assert again.play == session.library() / "morning-coffee.wav"
    assert session.state.last_played == str(again.play)  # what "this" means in the next question


def test_help_quit_and_out_of_scope(session):
    assert "make" in say(session, "help").text.lower()
    assert say(session, "quit").quit
    assert "outside what I do" in say(session, "unknown").text


def test_the_turn_runner_answers_speaks_and_carries_out(session, port):
    """The runner with a stub classifier (a table), a recording port and a recording voice."""
    table = {"make a folk song": Intent("generate", 0.9, Slots(genre="folk", duration_s=4.0)),
             "pause": Intent("pause", 0.9, Slots()), "bye": Intent("quit", 0.9, Slots())}
    seen: list[str] = []

    class Voice:
        def say(self, text):
            seen.append(text)

    class UI:
        def __getattr__(self, name):
            return lambda *a: None

    runner = TurnRunner(session, Understanding(table.__getitem__), UI(), port, Voice())
    runner.turn("make a folk song")
    port.playing = True
    runner.turn("pause")
    assert [r.control for r in port.replies] == [None, "pause"] and isinstance(port.replies[0].play, Path)
    assert seen[0].startswith("Here is") and seen[1] == "Paused."
    assert not runner.done.is_set()
    runner.turn("bye")
    assert runner.done.is_set()


def test_understanding_remembers_the_last_text():
    calls = []

    def classify(text):
        calls.append(text)
        return Intent("help", 1.0, Slots(), text)
    understand = Understanding(classify)
    understand("help")
    understand("help")
    understand("what")
    assert calls == ["help", "what"]
