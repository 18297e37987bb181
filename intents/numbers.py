"""Spoken numbers and music spellings in the text Whisper writes: "one forty" → 140, "a hundred and twenty" → 120,
"forty five" → 45, "f sharp minor" → "F# minor", "see major" → "C major"."""
from __future__ import annotations

import re

UNITS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen "
                                     "fourteen fifteen sixteen seventeen eighteen nineteen".split())}
TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if i > 1}
NUMBER_WORDS = set(UNITS) | set(TENS) | {"hundred", "a", "and"}


def _parse_run(words: list[str]) -> tuple[int, int] | None:
    """Parse the longest number at the start of `words`; returns (value, words used)."""
    i, current, used = 0, 0, 0
    if words[:2] == ["a", "hundred"]:
        current, i = 100, 2
        used = 2
    while i < len(words):
        w = words[i]
        if w in UNITS and (current % 10 == 0 or current >= 100) and \
                (current % 100 == 0 or UNITS[w] < 10 and current % 10 == 0):
            if current and current % 100 and UNITS[w] >= 10:
                break
            current += UNITS[w]
        elif w in TENS and current % 100 == 0:
            if 0 < current < 10:
                break
            current += TENS[w]
        elif w == "hundred" and 0 < current < 10:
            current *= 100
        elif w == "and" and current >= 100 and current % 100 == 0 and i + 1 < len(words) and \
                words[i + 1] in UNITS | TENS:
            pass
        else:
            break
        i += 1
        used = i
    if not used:
        return None
    return current, used


def _hundreds_shorthand(words: list[str]) -> tuple[int, int] | None:
    """"one forty" → 140, "one twenty five" → 125 (how tempos are said)."""
    if len(words) >= 2 and words[0] in UNITS and 1 <= UNITS[words[0]] <= 2:
        rest = _parse_run(words[1:])
        if rest and 10 <= rest[0] <= 99 and words[1] not in UNITS or \
                (rest and words[1] in UNITS and UNITS[words[1]] >= 10):
            return UNITS[words[0]] * 100 + rest[0], 1 + rest[1]
    return None


UNIT_WORDS = re.compile(r"(second|sec|minute|min|semitone|half|step|tone|octave|percent|bpm|beat|hundred|time|"
                        r"bar|measure|version|and|or|to|\d)")


def _lone_one(tokens: list[str], i: int) -> bool:
    """"another one like this" keeps its word; "one minute", "by one semitone" become digits."""
    nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
    return tokens[i] == "one" and not UNIT_WORDS.match(nxt) and nxt not in UNITS and nxt not in TENS


def words_to_digits(text: str) -> str:
    tokens = text.split()
    out, i = [], 0
    while i < len(tokens):
        word = tokens[i]
        if _lone_one(tokens, i):
            out.append(word)
            i += 1
            continue
        if word in NUMBER_WORDS and word not in ("a", "and") or tokens[i:i + 2] == ["a", "hundred"]:
            parsed = _hundreds_shorthand(tokens[i:]) or _parse_run(tokens[i:])
            if parsed:
                out.append(str(parsed[0]))
                i += parsed[1]
                continue
        out.append(word)
        i += 1
    return " ".join(out)


NOTE_SOUNDS = {"see": "c", "sea": "c", "si": "c", "bee": "b", "dee": "d", "gee": "g", "ee": "e",
               "eh": "a", "ay": "a", "ef": "f", "eff": "f"}
# "a minor key" is a mode ("put it in a minor key"); "a minor" alone is the key of A minor.
KEY_RE = re.compile(r"\b([a-g]|see|sea|bee|dee|gee|ef|eff)(?:\s*(sharp|flat|#|♯|♭)|(b)(?=\s))?\s+(major|minor)\b"
                    r"(?<!\ba major)(?<!\ba minor)|\b(a) (major|minor)\b(?! key)")
KEY_OF_RE = re.compile(r"\bkey of ([a-g])(?:\s*(sharp|flat|#))?\b(?!\s+(?:major|minor))")


def _key(letter: str, accidental: str | None, mode: str) -> str:
    letter = NOTE_SOUNDS.get(letter, letter).upper()
    acc = {"sharp": "#", "#": "#", "♯": "#", "flat": "b", "♭": "b", "b": "b"}.get(accidental or "", "")
    return f"{letter}{acc} {mode}"


def normalise(text: str) -> str:
    """Lower case, no punctuation but # and /, digits for spoken numbers, keys spelled "F# minor"."""
    t = text.lower().replace("-", " ").replace("’", "'")
    t = re.sub(r"(\d),(\d{3})", r"\1\2", t)
    t = re.sub(r"[^\w\s#/'.♯♭]", " ", t)
    t = re.sub(r"(?<!\d)\.|\.(?!\d)", " ", t)
    t = re.sub(r"\b(\d+)(bpm|s|sec|secs|seconds|min|mins|minutes)\b", r"\1 \2", t)
    t = words_to_digits(" ".join(t.split()))
    t = KEY_RE.sub(lambda m: _key(m.group(1) or m.group(5), m.group(2) or m.group(3), m.group(4) or m.group(6)), t)
    t = KEY_OF_RE.sub(lambda m: "key of " + _key(m.group(1), m.group(2), "major"), t)
    return t
