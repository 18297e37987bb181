"""The live session's turn runner: text in, one turn at a time (typed and spoken requests arrive on two threads,
and `maestro ask` may share the session folder), the reply shown, spoken and carried out by the playback port."""
from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import TypeVar

from intents.model import Intent

T = TypeVar("T")


class Understanding:
    """The classifier, remembering its last answer: the early transcript's verdict already classified the text the
    turn then acts on (written from the speech worker as one tuple, so readers see it whole)."""

    def __init__(self, classify: Callable[[str], Intent]):
        self.classify = classify
        self._last: tuple[str, Intent] | None = None

    def __call__(self, text: str) -> Intent:
        last = self._last
        if last is not None and last[0] == text:
            return last[1]
        intent = self.classify(text)
        self._last = (text, intent)
        return intent


def _on_the_stored_state(session, act: Callable[[], T]) -> T:
    """act() under the session folder's lock, on the state as stored: another process (`maestro ask`) may have
    taken a turn since."""
    with session.store.turn():
        session.reload()
        return act()


def decide(session, intent: Intent, text: str, conversation_id: str | None = None):
    """The turn's decision (assistant.dialogue), on the stored state under the session folder's lock."""
    from assistant import dialogue

    return _on_the_stored_state(session, lambda: dialogue.handle(intent, session, text, conversation_id))


def decide_hummed(session, hearing, intent: Intent | None):
    """A hummed tune's turn (assistant.dialogue.hummed), under the session folder's lock like any other."""
    from assistant import dialogue

    return _on_the_stored_state(session, lambda: dialogue.hummed(hearing, intent, session,
                                                                 intent.text if intent else ""))


class TurnRunner:
    def __init__(self, session, understand: Callable[[str], Intent], ui, port, voice=None):
        self.session = session
        self.understand = understand
        self.ui = ui
        self.port = port
        """assistant.playback: carries out each reply's playback."""
        self.voice = voice
        """assistant.voice.Voice, or None for text-only replies."""
        self.done = threading.Event()
        """Set by a turn that quits."""
        self._lock = threading.Lock()

    def turn(self, text: str) -> None:
        """Understand, decide under the turn locks (this process's and the session folder's), then answer. A turn
        that fails says so in one line; what is saved stays."""
        def understood():
            intent = self.understand(text)
            self.ui.understood(intent)
            return intent
        self._take("thinking", understood, lambda intent: decide(self.session, intent, text))

    def hum(self, audio, rate: int, intent: Intent | None) -> None:
        """A tune sung after "listen to this" (with the request that asked for it): a turn like any other."""
        from generators.hum.hear import hear

        self._take("listening to your tune", lambda: hear(audio, rate),
                   lambda hearing: decide_hummed(self.session, hearing, intent))

    def _take(self, doing: str, prepare: Callable[[], T], act: Callable[[T], object]) -> None:
        """prepare() outside the locks, act(prepared) under them, then the answer."""
        self.port.check_output()
        self.ui.busy(doing)
        try:
            prepared = prepare()
            with self._lock:
                reply = act(prepared)
        except Exception as exc:  # noqa: BLE001 - one failed turn must not end the session; what is saved stays
            if os.environ.get("MAESTRO_DEBUG"):
                raise
            self.ui.warn(f"that failed ({exc.__class__.__name__}: {exc}); nothing saved was lost, try again")
            return
        finally:
            self.ui.busy(None)
        self._answer(reply)

    def _answer(self, reply) -> None:
        self.ui.reply(reply.text)
        if self.voice is not None:
            self.voice.say(reply.text)
        self.port.carry_out(reply)
        if reply.quit:
            self.done.set()
