"""Slot extraction by rules and lexicons over normalised text (intents.numbers.normalise)."""
from __future__ import annotations

import re
from typing import Any

from intents import edits, lexicon
from intents.model import Slots

KEY = re.compile(r"\b([A-G][#b]?) (major|minor)\b")
MODE_ONLY = re.compile(r"\b(?:to|it|in|a|more|into)\s+(major|minor)\b(?!\s*(?:change|problem|issue))")
BPM = re.compile(r"\b(\d{2,3})\s*(?:bpm|beats per minute|beats a minute|b p m)\b|\btempo (?:to |of |at )?(\d{2,3})\b"
                 r"|\b(?:at|to) (\d{2,3})\b(?! (?:seconds?|minutes?|percent|semitones?|half))")
FASTER = re.compile(r"\b(faster|quicker|speed (?:it |this |that )?up|more quickly|up the tempo|increase the tempo|"
                    r"raise the tempo|pick up the pace|double time|double the (?:speed|tempo)|twice as fast)\b")
SLOWER = re.compile(r"\b(slower|slow (?:it |this |that )?down|less fast|decrease the tempo|lower the tempo|"
                    r"reduce the tempo|half (?:time|speed|the speed|the tempo|as fast)|more slowly)\b")
FACTOR = ((re.compile(r"\b(twice as (?:fast|quick)|double (?:the )?(?:speed|tempo)|double time|"
                      r"2 times faster)\b"), 2.0),
          (re.compile(r"\b(half (?:as fast|the speed|speed|the tempo|time))\b"), 0.5))
PERCENT = re.compile(r"\b(\d{1,3}) ?(?:percent|%) (faster|slower)\b")
SEMITONES = re.compile(r"\b(up|down|higher|lower|raise|drop|lift)\b[^.]*?\b(?:by )?(\d{1,2}|a|an|one) ?"
                       r"(semitones?|half ?steps?|half ?tones?|steps?|whole steps?|whole tones?|tones?|octaves?)\b")
TRANSPOSE = re.compile(r"\b(?:transpose|shift|move|pitch)\b.*?\b(up|down)?\b.*?\b(\d{1,2}) ?"
                       r"(semitones?|half ?steps?)?\b")
DURATION = re.compile(r"\b(\d+(?:\.\d+)?) ?(seconds?|secs?|s|minutes?|mins?)\b")
TIME_SIG = re.compile(r"\b([2-9]) ?/ ?(4|8)\b|\b(3|6|4|2|5|7) (4|8) time\b|\b(waltz|in 3|triple meter)\b"
                      r"|\b(?:in|to|into) ([2-7]) (4|8)\b")
FORMAT_WORDS = r"(?:an? )?(?:wav|wave|flac|mp3|midi|mid)(?: files?)?"
SAVE_NAME = re.compile(r"\b(?:save|store|keep|export|name|call|title)\b"
                       r"(?: (?:it|this one|that one|this|that|the song|the track|the piece))?"
                       r"(?: (?:as|to|under|called|named))+ (?!" + FORMAT_WORDS + r"\b\s*$)(.+)$")
PATH = re.compile(r"((?:~|\.{0,2}/)[^\n]*?\.(?:wav|flac|ogg|mp3|midi?))\b", re.I)
PLAY_NAME = re.compile(r"^(?:please )?(?:play|put on|listen to|open|load)(?: (?:my|the) (?:file|song|track|recording))?"
                       r"(?: (?:called|named))? (.+)$")
GENERIC = re.compile(r"^(?:it|that|this|them|again|me|us|something|some|music|anything|from|back|one|more|a|an|"
                     r"(?:the|my) (?:song|track|tune|piece|music|last|previous|first|original|new|one|beat|melody|"
                     r"current|latest|other|same|jam))\b")
VOLUME_ABS = re.compile(r"\b(?:volume|level)\b.*?\b(\d{1,3})\b|\b(\d{1,3}) ?(?:percent|%)\b")
VOL_UP = re.compile(r"\b(louder|turn (?:it |this |the (?:\w+ ){1,2})?up|bring (?:the (?:\w+ ){1,2})?up|boost|"
                    r"volume up|increase the volume|raise the volume|pump it up|crank it)\b")
VOL_DOWN = re.compile(r"\b(quieter|softer|turn (?:it |this |the (?:\w+ ){1,2})?down|bring (?:the (?:\w+ ){1,2})?down|"
                      r"volume down|lower the volume|decrease the volume|less loud|reduce the volume)\b")
ADD_CUE = re.compile(r"\b(add|adding|with|put|throw|include|bring in|give it|give me|get|plus|layer|and some|need|"
                     r"want)\b")
REMOVE_CUE = re.compile(r"\b(remove|take out|take away|drop|without|get rid of|mute|no more|lose|cut out|kill|delete|"
                        r"no)\b")
REPLACE = re.compile(r"\b(?:replace|swap|switch|change|exchange|substitute)\b (?:the )?(.+?) "
                     r"\b(?:with|for|to|into|by)\b (?:an? |the |some )?(.+)")
FOR = re.compile(r"\b(?:the |an? )(\w+(?: \w+)?) for (?:an? |the |some )(\w+(?: \w+)?)")  # swap misheard
INSTEAD = re.compile(r"\b(?:use |play it on |try )?(?:an? |the |some )?(.+?) instead of (?:the )?(.+)")
VARIATION = re.compile(r"\b(another one like (?:this|that|it)|something similar|similar one|a variation|variation|"
                       r"another version|same (?:thing|style) but different|"
                       r"(?:different|new|fresh) (?:version|take|arrangement)|one more like (?:this|that)|"
                       r"more like this)\b")
LONGER = re.compile(r"\b(longer|extend|lengthen|make it last longer|stretch it|(?:continue|carry on(?: with)?|finish|"
                    r"develop|write more of|keep going with) (?:my|the|this|that) (?:tune|melody))\b")
SHORTER = re.compile(r"\b(shorter|trim|shorten|cut it down|make it brief)\b")
FIRST = re.compile(r"\b(first version|original version|the original|very first|version 1|go back to the start)\b")
YOUR_TUNE = re.compile(r"\b(my (?:own )?(?:tune|melody|humming)|(?:the tune|what) i (?:hummed|sang|whistled))\b")
PREVIOUS = re.compile(r"\b(previous (?:song|piece|one|track|tune)|last (?:song|piece|track|tune)|the one before)\b")


def _key(text: str) -> str | None:
    m = KEY.search(text)
    return f"{m.group(1)} {m.group(2)}" if m else None


def _tempo(text: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    m = BPM.search(text)
    if m:
        value = int(next(g for g in m.groups() if g))
        if 20 <= value <= 400:
            out["tempo_bpm"] = value
    if "tempo_bpm" not in out:
        if FASTER.search(text):
            out["tempo_change"] = "faster"
        elif SLOWER.search(text):
            out["tempo_change"] = "slower"
        for pattern, factor in FACTOR:
            if pattern.search(text):
                out["tempo_factor"] = factor
                out["tempo_change"] = "faster" if factor > 1 else "slower"
        p = PERCENT.search(text)
        if p:
            pct = int(p.group(1)) / 100
            out["tempo_factor"] = round(1 + pct if p.group(2) == "faster" else max(0.1, 1 - pct), 3)
            out["tempo_change"] = p.group(2)
    return out


def _semitones(text: str) -> int | None:
    m = SEMITONES.search(text)
    if m:
        n = 1 if m.group(2) in ("a", "an", "one") else int(m.group(2))
        unit = m.group(3)
        size = 12 if unit.startswith("octave") else 2 if ("whole" in unit or unit.startswith("tone")) else 1
        return n * size * (-1 if m.group(1) in ("down", "lower", "drop") else 1)
    m = TRANSPOSE.search(text)
    if m and (m.group(3) or m.group(1)):
        return int(m.group(2)) * (-1 if m.group(1) == "down" else 1)
    return None


def _duration(text: str) -> float | None:
    if re.search(r"\b(?:a|1) minute and a half\b|\b1 and a half minutes?\b|\b90 seconds\b", text):
        return 90.0
    if re.search(r"\bhalf a minute\b", text):
        return 30.0
    total, found = 0.0, False
    for m in DURATION.finditer(text):
        total += float(m.group(1)) * (60 if m.group(2).startswith("m") else 1)
        found = True
    if not found and re.search(r"\b(?:a|one|1|a full|1 full) minute\b", text):
        return 60.0
    return total if found and total > 0 else None


def _time_signature(text: str) -> str | None:
    m = TIME_SIG.search(text)
    if not m:
        return None
    if m.group(5):
        return "3/4"
    num, den = next((m.group(i), m.group(i + 1)) for i in (1, 3, 6) if m.group(i))
    return f"{num}/{den}"


def _things(text: str) -> list[lexicon.Match]:
    """Instruments and parts mentioned, in order; instrument names win where both match."""
    found = lexicon.find("instrument", text)
    taken = [(m.start, m.end) for m in found]
    for m in lexicon.find("part", text):
        if not any(s < m.end and m.start < e for s, e in taken):
            found.append(m)
    return sorted(found, key=lambda m: m.start)


def _add_remove(text: str, things: list[lexicon.Match]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    add, remove = [], []
    for m in things:
        before = text[:m.start]
        cue_add = max((c.end() for c in ADD_CUE.finditer(before)), default=-1)
        cue_rm = max((c.end() for c in REMOVE_CUE.finditer(before)), default=-1)
        if cue_rm > cue_add:
            remove.append(m.value)
        elif cue_add >= 0:
            add.append(m.value)
    return tuple(dict.fromkeys(add)), tuple(dict.fromkeys(remove))


def _replace(text: str) -> tuple[str, str] | None:
    """"swap the piano for a guitar", "use a guitar instead of the piano"; and "the piano for a guitar" alone, when
    both are instruments, as Whisper often loses the verb ("swap" → "that's what")."""
    for pattern, order, parts in ((REPLACE, (0, 1), True), (INSTEAD, (1, 0), True), (FOR, (0, 1), False)):
        m = pattern.search(text)
        if m:
            a = lexicon.first("instrument", m.group(1)) or (parts and lexicon.first("part", m.group(1)))
            b = lexicon.first("instrument", m.group(2)) or (parts and lexicon.first("part", m.group(2)))
            if a and b and a != b:
                pair = (a, b)
                return (pair[order[0]], pair[order[1]])
    return None


CALL_IT = re.compile(r"\b(?:call|name|title)\b (?:it|this one|that one|this|that|the song|the track|the piece) "
                     r"(?!as\b|to\b|under\b|called\b|named\b)(.+)$")


def _filename(text: str) -> str | None:
    m = SAVE_NAME.search(text) or CALL_IT.search(text)
    if not m:
        return None
    name = re.sub(r"\b(?:as|in) " + FORMAT_WORDS + r"\b.*$|\b(?:please|thanks|thank you)\b.*$", "", m.group(1))
    name = re.sub(r"^(?:the name |the title |" + FORMAT_WORDS + r" (?:called|named) )", "", name).strip(" .'\"")
    return name or None


def _play_name(text: str, raw: str) -> str | None:
    """What to play when it is not the piece: a path as typed (from the raw text, which normalising would mangle)
    or a name from the library ("play morning coffee")."""
    path = PATH.search(raw)
    if path:
        return path.group(1).strip()
    m = PLAY_NAME.search(text)
    if not m or GENERIC.match(m.group(1)):
        return None
    return re.sub(r" (?:wav|wave|flac|ogg|mp3|midi?)$", "", m.group(1)).strip() or None


def _volume(text: str) -> dict[str, Any]:
    m = VOLUME_ABS.search(text)
    if m:
        value = int(m.group(1) or m.group(2))
        if 0 <= value <= 100:
            return {"volume": value}
    if VOL_UP.search(text):
        return {"volume_change": "up"}
    if VOL_DOWN.search(text):
        return {"volume_change": "down"}
    return {}


def _levels(text: str, volume: dict[str, Any], things: list[lexicon.Match],
            sec: edits.Section) -> tuple[str | None, bool]:
    """(level change, whether it is about parts): "turn the bass up" and "make the chorus louder" change a level
    inside the piece; "louder" alone is the playback volume."""
    if "volume_change" not in volume or re.search(r"\b(?:volume|music|everything)\b", text):
        return None, False
    if things or sec.section:
        return ("louder" if volume.pop("volume_change") == "up" else "quieter"), bool(things)
    return None, False


def _edit_parts(text: str, things: list[lexicon.Match], add: tuple[str, ...], remove: tuple[str, ...],
                shift: int | None) -> dict[str, Any]:
    """Part-level edits: a new take of parts, an octave for a part, a hand-over of the melody, a layer."""
    out: dict[str, Any] = {}
    take, lively = edits.new_take(text)
    if take:
        out.update(variation=True, parts=take, livelier=lively)
        add = tuple(a for a in add if a not in take)
    taker = edits.handover(text)
    if taker:
        out.update(parts=("melody",), layer=False)
        add, remove = (taker,), ()
    named = tuple(dict.fromkeys(m.value for m in things if m.value != "fill"))
    if shift and named:
        out.update(semitones=shift, parts=named)
        add = tuple(a for a in add if a not in named)
        remove = tuple(r for r in remove if r not in named)
    if "layer" not in out and any(a in lexicon.table("instrument").values() for a in add):
        out["layer"] = True
    return {"add": add, "remove": remove, **out}


def extract(text: str, raw: str = "") -> Slots:
    """All slots the normalised text states (`raw`, the text before normalising, only for file paths); which ones
    matter is the intent's business."""
    sec = edits.section(text)
    things = _things(text)
    add, remove = _add_remove(text, things)
    replace = _replace(text)
    if replace:
        add = tuple(a for a in add if a != replace[1])
        remove = tuple(r for r in remove if r != replace[0])
    shift = edits.octave(text)
    volume = {} if shift else _volume(text)  # "bring the melody down an octave" is not a level
    complaint = edits.complaint(text)
    if "volume_change" in complaint and not volume:
        volume = {"volume_change": complaint.pop("volume_change")}
    level, about_parts = _levels(text, volume, things, sec)
    parts = tuple(dict.fromkeys(m.value for m in things if m.value != "fill")) if about_parts else ()
    edit = _edit_parts(text, things, add, remove, shift)
    if edit.get("parts"):
        parts = edit["parts"]
    tempo = _tempo(text) or {k: v for k, v in complaint.items() if k == "tempo_change"}
    key = _key(text)
    mode_only = None if key else MODE_ONLY.search(text)
    mode = mode_only.group(1) if mode_only else None
    semitones = edit.get("semitones", _semitones(text))
    duration_change = "longer" if LONGER.search(text) else "shorter" if SHORTER.search(text) else \
        complaint.get("duration_change")
    return Slots(
        genre=lexicon.first("genre", text), mood=edits.mood(text), key=key, mode=mode,
        **tempo, semitones=semitones, duration_s=_duration(edits.without_span(text)),
        duration_change=duration_change, time_signature=_time_signature(text),
        instruments=tuple(dict.fromkeys(m.value for m in lexicon.find("instrument", text))),
        add=edit["add"], remove=edit["remove"], replace=replace,
        aspect=lexicon.first("aspect", text), filename=_filename(text) or _play_name(text, raw),
        format=lexicon.first("format", text), **volume, level_change=level, parts=parts,
        variation=bool(VARIATION.search(text)) or edit.get("variation", False) or (
            edits.new_section(text) and sec.section is not None),
        livelier=edit.get("livelier", False), section=sec.section, section_index=sec.index, section_s=sec.seconds,
        section_change=edits.section_change(text, sec), layer=edit.get("layer"),
        target="first" if FIRST.search(text) else "previous" if PREVIOUS.search(text) else
        "tune" if YOUR_TUNE.search(text) else None)
