"""The dialogue manager: an Intent and the session in, a Reply out, the turn remembered in the store."""
from __future__ import annotations

import time
from dataclasses import replace

from assistant.session import Session
from assistant.skills import Reply, answer, chat, compose, hum, library, playback
from intents.model import Intent

SKILLS = {
    "generate": compose.generate, "modify": compose.modify, "undo": compose.undo, "redo": compose.redo,
    "analyze": answer.analyze, "save": library.save,
    "play": playback.play, "pause": playback.pause, "resume": playback.resume, "stop": playback.stop,
    "volume": playback.volume, "help": chat.help_, "quit": chat.quit_, "unknown": chat.unknown, "hum": hum.listen,
}


def handle(intent: Intent, session: Session, transcript: str, conversation_id: str | None = None) -> Reply:
    """The skill's reply; the turn is remembered (with the Wyoming client's conversation, when it came from one)."""
    return _remembered(SKILLS[intent.name](intent, session), session, transcript, intent.name, conversation_id)


def _remembered(reply: Reply, session: Session, said: str, intent: str, conversation_id: str | None) -> Reply:
    if reply.play is not None:  # what "this" means in the next question
        session.state = replace(session.state, last_played=str(reply.play))
    session.remember(said, intent, reply.text, time.time(), conversation_id)
    return reply


def hummed(hearing, intent: Intent | None, session: Session, transcript: str,
           conversation_id: str | None = None) -> Reply:
    """A hummed tune (generators.hum.hear.Hearing) and the words said with it, if any: a turn of intent "hum"."""
    said = f"{transcript} (and a hummed tune)" if transcript else "(a hummed tune)"
    return _remembered(hum.hummed(hearing, intent, session), session, said, "hum", conversation_id)
