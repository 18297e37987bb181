"""Slots of edits by part and by section, and of the ways people complain or compare ("that's too fast", "less
happy, more melancholic"): rules over normalised text, one small function a slot family."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from intents import lexicon

SECTION_WORDS = {"intro": "intro", "introduction": "intro", "verse": "verse", "chorus": "chorus",
                 "refrain": "chorus", "hook": "chorus", "bridge": "bridge", "middle 8": "bridge",
                 "middle eight": "bridge", "outro": "outro", "ending": "ending", "end": "ending",
                 "beginning": "beginning", "start": "beginning", "opening": "beginning"}
ORDINAL = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "last": -1,
           "final": -1}
SECTION = re.compile(r"\b(?:the|a|an|new|another|different|fresh|this|that)\s+(?:(first|1st|second|2nd|third|3rd|"
                     r"fourth|4th|last|final)\s+)?(introduction|intro|verse|chorus|refrain|hook|bridge|"
                     r"middle (?:8|eight)|outro|ending|end|beginning|start|opening)s?\b")
SECONDS_SPAN = re.compile(r"\bthe (last|final|first|opening) (\d+(?:\.\d+)?) ?(seconds?|secs?|minutes?)\b")
# "a new tune" is a new piece, so "tune" is not a part word here
PART_WORDS = (("melody", r"melody|lead(?: line)?|top line"), ("bass", r"bass ?line|bass part|bass"),
              ("drums", r"drum (?:groove|beat|pattern|part|track)|groove|beat|drums|rhythm"),
              ("chords", r"chords|chord part|accompaniment|comping"), ("pad", r"pad"))
NEW_PART = re.compile(r"\b(?:new|different|fresh|another|other|alternative|better)\s+(?:take (?:on|of) (?:the )?)?"
                      r"(" + "|".join(w for _, w in PART_WORDS) + r")\b")
REDO_PART = re.compile(r"\b(?:rewrite|redo|rework|regenerate|reroll|switch up|vary|change up|change|mix up)\s+(?:the |"
                       r"that |this )?(" + "|".join(w for _, w in PART_WORDS) + r")\b(?! (?:to|with|for|into)\b)")
NEW_SECTION = re.compile(r"\b(?:new|different|fresh|another|alternative)\s+(?:take (?:on|of) (?:the )?)?"
                         r"(intro|verse|chorus|refrain|hook|bridge|outro|ending)\b|\b(?:rewrite|redo|rework|"
                         r"regenerate)\s+the\s+(?:\w+\s+)?(intro|verse|chorus|refrain|hook|bridge|outro|ending)\b")
LIVELIER = re.compile(r"\bmore (?:interesting|exciting|lively|complex|intricate|varied|catchy|busy)\b|\blivelier\b|"
                      r"\bbusier\b|\bspice up\b|\bless (?:boring|repetitive|plain)\b|"
                      r"\btoo (?:boring|repetitive|plain)\b")
HANDOVER = (re.compile(r"\b(?:let|have|make) (?:the |a |an )?(.+?) (?:play|take|carry|do|have) (?:the )?"
                       r"(?:melody|tune|lead|solo)\b"),
            re.compile(r"\b(?:give|hand|pass|put|move) the (?:melody|tune|lead|solo) (?:to|on|over to) "
                       r"(?:the |a |an )?(.+?)$"),
            re.compile(r"\b(?:the |a |an )?(.+?) (?:should|could|can|will|to) (?:play|take) (?:the )?"
                       r"(?:melody|tune|lead)"))
OCTAVE = re.compile(r"\b(a|an|one|two|1|2) octaves? (up|down|higher|lower)\b|\b(up|down|higher|lower) (?:by )?"
                    r"(a|an|one|two|1|2) octaves?\b")
REPEAT = re.compile(r"\b(?:repeat|double|loop|play (?:\w+ )?again|once more|one more time|twice)\b")
SKIP = re.compile(r"\b(?:skip|cut|remove|drop|lose|get rid of|take out|delete|leave out|no)\b")
FILL = re.compile(r"\b(?:drum )?(?:fill|roll|drum break)s?\b")
TOO = re.compile(r"\b(?:way |much |a bit |a little |kind of |kinda |slightly )?too (fast|quick|rushed|slow|loud|noisy|"
                 r"quiet|soft|long|short)\b|\bnot so (fast|slow|loud|quiet|long)\b|\bcan'?t hear (?:it|anything)\b")
COMPLAINT = {"fast": ("tempo_change", "slower"), "quick": ("tempo_change", "slower"),
             "rushed": ("tempo_change", "slower"), "slow": ("tempo_change", "faster"),
             "loud": ("volume_change", "down"), "noisy": ("volume_change", "down"), "quiet": ("volume_change", "up"),
             "soft": ("volume_change", "up"), "long": ("duration_change", "shorter"),
             "short": ("duration_change", "longer")}
OPPOSITE_MOOD = {"happy": "sad", "sad": "happy", "calm": "energetic", "energetic": "calm", "dark": "happy",
                 "romantic": "energetic", "epic": "calm", "mysterious": "happy", "playful": "calm",
                 "dreamy": "energetic"}
NEGATED = re.compile(r"\b(?:less|not so|not as|not that|too|no longer|not very|not too)\s+$")


@dataclass(frozen=True)
class Section:
    section: str | None = None
    index: int | None = None
    seconds: float | None = None


def section(text: str) -> Section:
    span = SECONDS_SPAN.search(text)
    if span:
        seconds = float(span.group(2)) * (60 if span.group(3).startswith("m") else 1)
        return Section("ending" if span.group(1) in ("last", "final") else "beginning", None, seconds)
    m = SECTION.search(text)
    if not m:
        return Section()
    name = SECTION_WORDS[m.group(2)]
    index = ORDINAL.get(m.group(1) or "")
    if name in ("ending", "beginning"):
        index = None
    return Section(name, index)


def without_span(text: str) -> str:
    """The text with "the last 10 seconds" taken out, so that it is not read as a length for the whole piece."""
    return SECONDS_SPAN.sub(" ", text)


def _part_of(word: str) -> str:
    return next(role for role, words in PART_WORDS if re.fullmatch(words, word))


def new_take(text: str) -> tuple[tuple[str, ...], bool]:
    """(parts to write again, livelier): "a new melody" → (melody,); "make the melody more interesting" →
    (melody,) livelier; "a different bass line" → (bass,)."""
    parts = [_part_of(m.group(1)) for p in (NEW_PART, REDO_PART) for m in p.finditer(text)]
    lively = bool(LIVELIER.search(text))
    if lively and not parts:
        named = [m.value for m in lexicon.find("part", text)]
        parts = named or ["melody"]
    return tuple(dict.fromkeys(parts)), lively


def new_section(text: str) -> bool:
    return bool(NEW_SECTION.search(text))


def handover(text: str) -> str | None:
    """The instrument that takes the melody over ("let the flute play the melody" → flute), or None."""
    for pattern in HANDOVER:
        m = pattern.search(text)
        if m:
            found = lexicon.first("instrument", m.group(1))
            if found:
                return found
    return None


def octave(text: str) -> int | None:
    m = OCTAVE.search(text)
    if not m:
        return None
    count, way = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
    n = 2 if count in ("two", "2") else 1
    return 12 * n * (-1 if way in ("down", "lower") else 1)


def section_change(text: str, sec: Section) -> str | None:
    """"repeat" or "remove" for a named section ("repeat the chorus", "skip the bridge")."""
    if not sec.section or FILL.search(text):
        return None
    if REPEAT.search(text):
        return "repeat"
    if SKIP.search(text) and not lexicon.find("instrument", text) and not lexicon.find("part", text):
        return "remove"
    return None


def complaint(text: str) -> dict[str, Any]:
    """"that's too fast" → slower; "it's way too loud" → volume down; "not so fast" → slower."""
    m = TOO.search(text)
    if not m:
        return {}
    word = m.group(1) or m.group(2)
    if word is None:  # "can't hear it"
        return {"volume_change": "up"}
    slot, value = COMPLAINT[word]
    return {slot: value}


def mood(text: str) -> str | None:
    """The mood asked for, reading comparisons: "less happy, more melancholic" → sad; "not so dark" → happy.
    "More exciting" about a part asks for a livelier take, not a mood."""
    if LIVELIER.search(text):
        text = LIVELIER.sub(" ", text)
    found = lexicon.find("mood", text)
    plain = [m.value for m in found if not NEGATED.search(text[:m.start])]
    if plain:
        return plain[-1]
    return OPPOSITE_MOOD[found[-1].value] if found else None
