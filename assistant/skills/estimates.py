"""Sentences about a recording (the user's own file): estimates, said with how sure they are."""
from __future__ import annotations

from assistant.skills.describe import spoken_seconds

SURE = 0.8
CANNOT = ("I can't tell that from a recording; about {name} I can tell the key, tempo, chords, loudness and length.")


def key_words(a) -> str:
    if a.key is None:
        return "I can't hear a clear key in it."
    if a.key_confidence >= SURE or not a.key_alternatives:
        return f"It's in {a.key}."
    return f"It's in {a.key}, probably; {a.key_alternatives[0][0]} is also possible."


def tempo_words(a) -> str:
    return f"It's about {a.tempo_bpm:.0f} BPM." if a.tempo_bpm else "I can't find a steady beat in it."


def chord_words(a, position: float | None = None) -> str:
    names = list(dict.fromkeys(c["chord"] for c in a.chords if c["chord"] != "N"))
    if not names:
        return "I can't make out its chords."
    now = next((c["chord"] for c in a.chords if position is not None and c["start_s"] <= position < c["end_s"]
                and c["chord"] != "N"), None)
    return f"I hear {', '.join(names[:8])}." + (f" Right now it sounds like {now}." if now else "")


def loudness_words(a) -> str:
    return f"It's at {a.loudness_lufs:.1f} LUFS." if a.loudness_lufs is not None else "It's silent."


def answer(aspect: str | None, a, name: str, position: float | None = None) -> str:
    """One aspect of the analysis `a` of the file called `name`, or a summary when no aspect is asked."""
    said = {"key": key_words, "tempo": tempo_words, "loudness": loudness_words,
            "duration": lambda a: f"It's {spoken_seconds(a.duration_s)} long.",
            "title": lambda a: f"It's your file {name}."}
    if aspect == "chords":
        return chord_words(a, position)
    if aspect in said:
        return said[aspect](a)
    if aspect:
        return CANNOT.format(name=name)
    if a.key is None and a.tempo_bpm is None:
        return f"{name}: {spoken_seconds(a.duration_s)}, and no tempo or key could be found in it."
    return (f"{name}: {spoken_seconds(a.duration_s)}. {tempo_words(a)} {key_words(a)} {loudness_words(a)} "
            f"{chord_words(a)}")
