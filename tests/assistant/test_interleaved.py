"""200 typed and spoken turns at once in one live session: the keyboard reader and the listener run on their own
threads against one turn runner, with the real classifier and a real session; the keyboard and the microphone are
fakes that hand over their lines and utterances as fast as the runner takes them."""
import queue
import threading
from dataclasses import dataclass

import pytest

from assistant.commands.common import understander
from assistant.config import Config
from assistant.keyboard import KeyboardReader
from assistant.listener import Listener
from assistant.session import Session
from assistant.store import Store
from assistant.turns import TurnRunner, Understanding

pytestmark = pytest.mark.slow

EDITS = ("make it faster", "make it slower", "transpose it up a semitone", "transpose it down a semitone")
QUESTIONS = ("what key is this in", "how fast is it", "volume 50", "what instruments are playing")


class QuietUI:
    """The screen: replies and warnings are kept; typed lines come from a queue (None: end of input)."""

    def __init__(self, lines: queue.Queue):
        self.lines = lines
        self.replies: list[str] = []
        self.warnings: list[str] = []

    def read_line(self):
        return self.lines.get()

    def reply(self, text):
        self.replies.append(text)

    def warn(self, text):
        self.warnings.append(text)

    def __getattr__(self, name):  # busy, understood, heard, note, partial
        return lambda *a: None


@dataclass
class Heard:
    text: str


class Mic:
    """Utterances, one per spoken request, until they run out."""

    def __init__(self, texts):
        self.texts = list(texts)
        self.armed = True
        self.deaf = None
        self.last_was_tune = False

    def utterances(self, done, hearing, pausing, finished):
        for text in self.texts:
            hearing(True)
            yield text


class Recognizer:
    pausing = finished = None

    def transcribe(self, utterance):
        return Heard(utterance)


def test_200_interleaved_turns_end_consistent(tmp_path):
    session = Session(Store(tmp_path / "s"), Config())
    lines: queue.Queue = queue.Queue()
    ui = QuietUI(lines)
    understand = Understanding(understander())

    class Live:  # no speaker: the listener only ducks, says the user speaks, and asks whether maestro is speaking
        def duck(self, on):
            pass

        def user_speaks(self, on):
            pass

        def resume_reply(self):
            pass

        def voice_in_the_room(self):
            return False

    runner = TurnRunner(session, understand, ui, session.playback)
    runner.turn("make a calm folk song for four seconds")
    typed = [(EDITS + QUESTIONS)[i % 8] for i in range(100)]
    spoken = [(QUESTIONS + EDITS)[i % 8] for i in range(99)]
    for line in typed:
        lines.put(line)
    lines.put(None)
    keyboard = KeyboardReader(ui, runner.turn)
    listener = Listener(Config(), runner.turn, understand, Live(), ui)
    threads = [threading.Thread(target=keyboard.run, args=(runner.done.is_set,)),
               threading.Thread(target=listener.listen, args=(Mic(spoken), Recognizer(), runner.done.is_set))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    assert not any(t.is_alive() for t in threads)

    assert ui.warnings == [] and len(ui.replies) == 200
    edits = sum(text in EDITS for text in typed + spoken)
    state = Store(tmp_path / "s").load()
    versions = 1 + edits
    assert state.timeline == tuple(("p0001", v) for v in range(1, versions + 1))
    assert state.cursor == versions - 1 and state.current == ("p0001", versions)
    assert len(state.conversation) == 200 and state.volume == 50
    for v in range(1, versions + 1):  # every version's files were written, once
        assert session.store.files("p0001", v).audio.exists()
    replies = [r for r in ui.replies if "This is version" in r]
    assert sorted(int(r.split("version ")[-1].rstrip(".")) for r in replies) == list(range(2, versions + 1))
