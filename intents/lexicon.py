"""Phrase lookup over intents/data/lexicon.yaml and the instrument names of generators: longest match first."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).with_name("data")


@dataclass(frozen=True)
class Match:
    value: str
    """The normal form ("lofi", "tenor sax")."""
    start: int
    end: int


@functools.cache
def table(kind: str) -> dict[str, str]:
    """Surface phrase → normal form for a lexicon kind (genre, mood, part, aspect, format, instrument)."""
    if kind == "instrument":
        from generators.styles import instrument_aliases

        return dict(instrument_aliases())
    import yaml

    data = yaml.safe_load((DATA / "lexicon.yaml").read_text(encoding="utf-8"))[kind]
    return {phrase: value for value, phrases in data.items() for phrase in phrases}


@functools.cache
def _pattern(kind: str) -> re.Pattern[str]:
    phrases = sorted(table(kind), key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(p) for p in phrases) + r")(?:s|es)?\b")


def find(kind: str, text: str) -> list[Match]:
    """Non-overlapping matches in order of appearance."""
    lookup = table(kind)
    return [Match(lookup[m.group(1)], m.start(), m.end()) for m in _pattern(kind).finditer(text)]


def first(kind: str, text: str) -> str | None:
    found = find(kind, text)
    return found[0].value if found else None
