"""generate, modify, undo and redo: the piece and its version history."""
from __future__ import annotations

from assistant.session import Session
from assistant.skills import Reply, editing
from assistant.skills.describe import changes, describe, picked
from generators import edit, form
from generators.compose import Request
from intents.model import Intent

NO_PIECE = "There is no piece yet. Say something like \"make a calm lo-fi beat\" first."


def generate(intent: Intent, session: Session) -> Reply:
    s = intent.slots
    request = Request(genre=s.genre, mood=s.mood, key=s.key or None, tempo_bpm=s.tempo_bpm, duration_s=s.duration_s,
                      time_signature=s.time_signature, instruments=s.instruments)
    piece = session.engine.compose(request)
    if s.mode and not s.key:
        piece = edit.change_mode(piece, s.mode)
    current = session.publish(piece, new_piece=True)
    return Reply(f"Here is {describe(piece)}.{picked(piece, request)}", play=current.files.audio)


def modify(intent: Intent, session: Session) -> Reply:
    current = session.current()
    if current is None:
        return Reply(NO_PIECE)
    if intent.slots.target == "first":
        return undo(intent, session)
    if not session.engine.edits_score:
        return Reply(f"The {session.engine.name} engine makes audio, not a score, so I can't edit it note by note. "
                     "Ask for a new piece instead.")
    try:
        outcome = editing.apply(current.piece, intent.slots)
    except form.FormError as exc:  # "there's no bridge; it has intro, verse, chorus, outro"
        return Reply(f"{str(exc)[0].upper()}{str(exc)[1:]}.")
    except editing.EditErrors as exc:
        return Reply(f"I can't do that: {exc}.")
    if outcome.piece == current.piece:
        if outcome.already:
            return Reply(" ".join(outcome.already))
        return Reply("I'm not sure what to change. Try \"make it faster\", \"add a flute\", \"a new melody\" or "
                     "\"make the chorus louder\".")
    new = session.publish(outcome.piece, new_piece=False)
    said = " ".join(outcome.said) or (changes(current.piece, outcome.piece) or "Changed it.")
    return Reply(f"{said} This is version {new.version}.", play=new.files.audio)


def undo(intent: Intent, session: Session) -> Reply:
    state, before = session.state, session.current()
    if state.cursor <= 0 or before is None:
        return Reply("There is nothing to undo.")
    if intent.slots.target == "first":
        piece_id = before.id
        cursor = state.timeline.index((piece_id, 1)) if (piece_id, 1) in state.timeline else 0
    else:
        cursor = state.cursor - 1
    after = session.go_to(cursor)
    what = (f"version {after.version} of {after.piece.title}" if after.id == before.id
            else f"the previous piece, {after.piece.title} (version {after.version})")
    return Reply(f"Undone: back to {what}.", play=after.files.audio)


def redo(intent: Intent, session: Session) -> Reply:
    state = session.state
    if state.cursor >= len(state.timeline) - 1:
        return Reply("There is nothing to redo.")
    after = session.go_to(state.cursor + 1)
    return Reply(f"Redone: version {after.version} of {after.piece.title}.", play=after.files.audio)
