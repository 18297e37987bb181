"""generate, modify, undo and redo: the piece and its version history."""
from __future__ import annotations

from assistant.session import Session
from assistant.skills import Reply
from assistant.skills.describe import changes, describe, picked
from generators import edit
from generators.compose import Request
from generators.theory import Key
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


def _apply(piece, s):
    """The edits the slots ask for, in a sensible order; returns the new piece."""
    if s.variation:
        import random

        return edit.recompose(piece, seed=random.SystemRandom().randrange(1 << 31))
    if s.genre and s.genre != piece.genre:
        piece = edit.restyle(piece, s.genre)
    if s.mood and s.mood != piece.mood:
        piece = edit.change_mood(piece, s.mood)
    if s.time_signature and s.time_signature != piece.time_signature:
        piece = edit.set_time_signature(piece, s.time_signature)
    if s.duration_s:
        piece = edit.set_duration(piece, s.duration_s)
    elif s.duration_change:
        piece = edit.set_duration(piece, piece.duration_s * (1.5 if s.duration_change == "longer" else 2 / 3))
    if s.key:
        piece = edit.change_key(piece, Key.parse(s.key))
    elif s.mode:
        piece = edit.change_mode(piece, s.mode)
    if s.semitones:
        piece = edit.transpose(piece, s.semitones)
    if s.tempo_bpm:
        piece = edit.set_tempo(piece, s.tempo_bpm)
    elif s.tempo_change:
        factor = s.tempo_factor or (1.15 if s.tempo_change == "faster" else 1 / 1.15)
        piece = edit.set_tempo(piece, round(piece.tempo_bpm * factor))
    if s.replace:
        piece = edit.replace_instrument(piece, *s.replace)
    for thing in s.remove:
        piece = edit.remove_part(piece, thing)
    piece = _add(piece, s.add)
    if s.level_change:
        for thing in s.parts:
            piece = edit.set_level(piece, thing, s.level_change == "louder")
    return piece


def _add(piece, things):
    """"add a sax melody" names an instrument and a part: the instrument plays that part."""
    instruments = [t for t in things if t not in edit.PART_ROLES]
    roles = [t for t in things if t in edit.PART_ROLES]
    for role in roles:
        inst = instruments.pop(0) if instruments and role in ("melody", "chords", "pad") else None
        piece = edit.add_part(piece, role, inst)
    for inst in instruments:
        piece = edit.add_part(piece, inst)
    return piece


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
        piece = _apply(current.piece, intent.slots)
    except edit.EditError as exc:
        return Reply(f"I can't do that: {exc}.")
    said = changes(current.piece, piece)
    if not said:
        return Reply("I'm not sure what to change. Try \"make it faster\", \"add drums\" or \"put it in D minor\".")
    new = session.publish(piece, new_piece=False)
    return Reply(f"{said} This is version {new.version}.", play=new.files.audio)


def undo(intent: Intent, session: Session) -> Reply:
    state = session.state
    if state.cursor <= 0:
        return Reply("There is nothing to undo.")
    if intent.slots.target == "first":
        piece_id = state.current[0]
        cursor = state.timeline.index((piece_id, 1)) if (piece_id, 1) in state.timeline else 0
    else:
        cursor = state.cursor - 1
    before = session.current()
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
