"""A hummed, sung or whistled tune becomes a new piece whose melody it is (generators.hum): in the style asked
for with it ("make it a jazz tune"), else the current piece's, else folk, which suits a tune sung alone."""
from __future__ import annotations

from assistant.session import Session
from assistant.skills import Reply
from assistant.skills.describe import describe
from generators.hum.hear import MAX_S, Hearing
from intents.model import Intent

FITTING = "folk"
LISTENING = "I'm listening for your tune. Hum, sing or whistle it now, and pause when you're done."
NO_EARS = ("I can't hear a tune here. Hum it into the microphone in the voice session (just run maestro), or give "
           "me a recording: maestro ask --hum tune.wav.")
NO_TUNE = ("I didn't hear a tune in that. Hum, sing or whistle a melody, one note at a time, for a few seconds, "
           "then give it to me again.")


def style_of(intent: Intent | None, session: Session) -> tuple[str, str | None, tuple[str, ...]]:
    """(genre, mood, instruments): the request's, else the current piece's genre and mood, else FITTING."""
    slots = intent.slots if intent is not None and intent.name in ("generate", "modify", "hum") else None
    current = session.current()
    genre = (slots.genre if slots else None) or (current.piece.genre if current else FITTING)
    mood = (slots.mood if slots else None) or (current.piece.mood if current and not (slots and slots.genre)
                                                else None)
    instruments = slots.instruments if slots else ()
    return genre, mood, instruments


def listen(intent: Intent, session: Session) -> Reply:
    """"Listen to this": the next utterance is a tune (the live session's microphone, when there is one), and the
    words said now ("listen to this and make it a bossa nova") give its style."""
    if session.listen_for_tune is None:
        return Reply(NO_EARS)
    session.listen_for_tune(intent)
    return Reply(LISTENING)


def hummed(hearing: Hearing, intent: Intent | None, session: Session) -> Reply:
    from generators.compose import Request
    from generators.hum.arrange import piece_of

    cut = f" I listened to the first {MAX_S:.0f} seconds of your recording." if hearing.cut else ""
    tune = hearing.tune
    if tune is None:
        return Reply(NO_TUNE + cut)
    genre, mood, instruments = style_of(intent, session)
    piece = piece_of(tune, Request(genre=genre, mood=mood, instruments=instruments))
    current = session.publish(piece, new_piece=True)
    kept = (f", keeping {tune.chromatic_kept} held note{'s' if tune.chromatic_kept > 1 else ''} outside the key"
            if tune.chromatic_kept else "")
    plays = sum(s.label in ("verse", "chorus") for s in piece.sections)
    return Reply(f"Here is your tune as {describe(piece)}. I heard {len(tune.notes)} notes in {tune.key.name} at "
                 f"{tune.tempo_bpm:.0f} BPM{kept}; the melody plays it {plays} times.{cut}",
                 play=current.files.audio)
