"""The dialogue manager: an Intent and the session in, a Reply out, the turn remembered in the store."""
from __future__ import annotations

import time
from dataclasses import replace

from assistant.session import Session
from assistant.skills import Reply, answer, chat, compose, library, playback
from intents.model import Intent

SKILLS = {
    "generate": compose.generate, "modify": compose.modify, "undo": compose.undo, "redo": compose.redo,
    "analyze": answer.analyze, "save": library.save,
    "play": playback.play, "pause": playback.pause, "resume": playback.resume, "stop": playback.stop,
    "volume": playback.volume, "help": chat.help_, "quit": chat.quit_, "unknown": chat.unknown,
}


def handle(intent: Intent, session: Session, transcript: str, conversation_id: str | None = None) -> Reply:
    """The skill's reply; the turn is remembered (with the Wyoming client's conversation, when it came from one)."""
    reply = SKILLS[intent.name](intent, session)
    if reply.play is not None:  # what "this" means in the next question
        session.state = replace(session.state, last_played=str(reply.play))
    session.remember(transcript, intent.name, reply.text, time.time(), conversation_id)
    return reply
