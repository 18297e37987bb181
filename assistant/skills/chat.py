"""help, quit and unknown: short spoken-length answers."""
from __future__ import annotations

from assistant.session import Session
from assistant.skills import Reply
from intents.model import Intent

GUIDE = (
    ("Make music", "\"make a calm lo-fi beat in A minor\", \"a happy jazz tune at 120 BPM for one minute\""),
    ("Change it", "\"make it faster\", \"add drums\", \"swap the piano for a guitar\", \"put it in D minor\""),
    ("Go back", "\"undo\", \"redo\", \"go back to the first version\""),
    ("Ask about it", "\"what key is this in?\", \"what chords are these?\", \"how fast is it?\""),
    ("Listen", "\"play\", \"pause\", \"resume\", \"stop\", \"volume 60\", \"play the previous song\""),
    ("Keep it", "\"save it as sunday\", \"export it as MIDI\""),
    ("Hum it", "\"listen to this\" (then hum your tune), \"listen to this and make it a bossa nova\""),
)
SPOKEN_HELP = ("I make and change music. Try: make a calm lo-fi beat, then make it faster, add drums, "
               "what key is this in, undo, or save it as sunday. Or say listen to this, and hum me a tune.")


def help_text() -> str:
    return "\n".join(f"{title}: {examples}" for title, examples in GUIDE)


def help_(intent: Intent, session: Session) -> Reply:
    return Reply(SPOKEN_HELP)


def quit_(intent: Intent, session: Session) -> Reply:
    return Reply("Goodbye.", quit=True)


def unknown(intent: Intent, session: Session) -> Reply:
    return Reply("That's outside what I do. I make, change and play music: try \"make a jazz tune\" or say help.")
