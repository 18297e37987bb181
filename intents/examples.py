"""Training examples from intents/data/<intent>.yaml: literal lines plus hassil-style templates
("(a|b)" alternatives, "[optional]" words, "{slot}" values), expanded reproducibly from a seed."""
from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from intents import lexicon
from intents.model import INTENTS
from intents.numbers import normalise

DATA = Path(__file__).with_name("data")
TEMPLATE_SAMPLES = 14
FILLERS = ("", "", "", "", "um ", "uh ", "so ", "okay ", "hey maestro ", "maestro ", "please ", "can you ")


@dataclass(frozen=True)
class Example:
    text: str
    """Normalised text, as the classifier sees it."""
    intent: str


def spoken_number(n: int, rng: random.Random) -> str:
    ones = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen " \
           "seventeen eighteen nineteen".split()
    tens = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()

    def under_100(k: int) -> str:
        return ones[k] if k < 20 else tens[k // 10] + ("" if k % 10 == 0 else " " + ones[k % 10])
    if n < 100:
        return rng.choice((str(n), under_100(n)))
    rest = n % 100
    forms = [str(n), f"{ones[n // 100]} hundred" + (f" and {under_100(rest)}" if rest else "")]
    if rest >= 10:
        forms.append(f"{ones[n // 100]} {under_100(rest)}")
    return rng.choice(forms)


def _slot_value(name: str, rng: random.Random) -> str:
    if name in ("mood", "genre", "instrument"):
        return rng.choice(sorted(lexicon.table(name)))
    if name == "key":
        letter = rng.choice("abcdefg" * 3 + "see")
        letter = "see" if letter in "se" else letter
        acc = rng.choice(("", "", "", " sharp", " flat"))
        return f"{letter}{acc} {rng.choice(('major', 'minor'))}"
    if name == "tempo":
        return f"{spoken_number(rng.randrange(60, 181, 5), rng)} {rng.choice(('bpm', 'beats per minute', 'bpm'))}"
    if name == "duration":
        return rng.choice((f"{spoken_number(rng.choice((10, 15, 20, 30, 45, 90)), rng)} seconds",
                           f"{spoken_number(rng.choice((1, 2, 3)), rng)} minutes", "a minute", "half a minute"))
    if name == "semitones":
        return rng.choice((f"{spoken_number(rng.randrange(1, 8), rng)} semitones", f"{rng.randrange(1, 8)} half steps",
                           "a whole step", "an octave", "a semitone",
                           f"{spoken_number(rng.randrange(2, 6), rng)} steps"))
    if name == "percent":
        return spoken_number(rng.choice((10, 20, 25, 30, 40, 50, 60, 75, 80, 100)), rng)
    if name == "time_signature":
        return rng.choice(("three four", "3/4", "six eight", "6/8", "waltz"))
    if name == "name":
        return rng.choice(("sunday", "morning coffee", "rainy day", "track one", "my jam", "demo", "night drive",
                           "summer", "the best one", "beach house", "study session", "song for anna"))
    if name == "artist":
        return rng.choice(("taylor swift", "the beatles", "drake", "beyonce", "queen", "coldplay", "adele",
                           "metallica", "ed sheeran", "some radiohead", "my discover weekly"))
    raise KeyError(f"unknown template slot {{{name}}}")


def expand(template: str, rng: random.Random) -> str:
    """One random realisation of a template."""
    text = template
    while True:
        inner = re.search(r"\(([^()\[\]]*)\)|\[([^()\[\]]*)\]", text)
        if not inner:
            break
        if inner.group(1) is not None:
            choice = rng.choice(inner.group(1).split("|"))
        else:
            options = inner.group(2).split("|")
            choice = rng.choice(options) if rng.random() < 0.5 else ""
        text = text[:inner.start()] + choice + text[inner.end():]
    text = re.sub(r"\{(\w+)\}", lambda m: _slot_value(m.group(1), rng), text)
    return " ".join(text.split())


def written(seed: int = 0, samples: int = TEMPLATE_SAMPLES) -> list[tuple[str, str]]:
    """(intent, line) for every written example and template realisation, as a person would say it."""
    import yaml

    rng = random.Random(seed)
    out = []
    for intent in INTENTS:
        data = yaml.safe_load((DATA / f"{intent}.yaml").read_text(encoding="utf-8"))
        lines = list(data.get("examples", []))
        for template in data.get("templates", []):
            lines += [expand(template, rng) for _ in range(samples)]
        out += [(intent, line) for line in lines]
    return out


def heard() -> list[tuple[str, str]]:
    """(intent, transcript) for training lines spoken by piper and transcribed by Whisper (data/heard*.yaml, one
    file per recogniser setting, made by `python -m assistant.asr.harvest`): the spellings the classifier meets in
    use ("paws", "see major")."""
    import yaml

    out = []
    for path in sorted(DATA.glob("heard*.yaml")):
        rows = yaml.safe_load(path.read_text(encoding="utf-8")).get("heard") or []
        out += [(r["intent"], r["heard"]) for r in rows if r.get("heard")]
    return out


def load(seed: int = 0, samples: int = TEMPLATE_SAMPLES) -> list[Example]:
    """Every training example, normalised and de-duplicated; written lines win over transcripts. A template or a
    transcript can match a held-out sentence word for word; such lines are dropped, so the held-out test never
    overlaps training."""
    rng = random.Random(seed)
    held = {normalise(c["text"]) for c in load_heldout()}
    out: dict[str, str] = {}
    for intent, line in written(seed, samples):
        filler = rng.choice(FILLERS) if intent != "unknown" else ""
        for variant in (line, filler + line):
            out.setdefault(normalise(variant), intent)
    for intent, line in heard():
        out.setdefault(normalise(line), intent)
    return [Example(text, intent) for text, intent in out.items() if text and text not in held]


def load_heldout() -> list[dict[str, Any]]:
    import yaml

    cases: list[dict[str, Any]] = yaml.safe_load((DATA / "heldout.yaml").read_text(encoding="utf-8"))
    return cases
