"""Pitch classes, keys, scales and chord symbols."""
from __future__ import annotations

import re
from dataclasses import dataclass

SHARP_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
FLAT_NAMES = ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B")
LETTER_PC = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
MODES = {
    "major": (0, 2, 4, 5, 7, 9, 11),
    "minor": (0, 2, 3, 5, 7, 8, 10),
    "dorian": (0, 2, 3, 5, 7, 9, 10),
    "mixolydian": (0, 2, 4, 5, 7, 9, 10),
}
# Conventional spelling of each tonic, by mode family.
MAJOR_TONICS = ("C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
MINOR_TONICS = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "G#", "A", "Bb", "B")
FLAT_KEYS = {"F", "Bb", "Eb", "Ab", "Db", "Gb", "Cb"}
FLAT_MINOR_KEYS = {"D", "G", "C", "F", "Bb", "Eb", "Ab"}


def parse_pitch_class(name: str) -> int:
    """'C' → 0, 'F#' → 6, 'Bb' → 10."""
    m = re.fullmatch(r"([A-Ga-g])([#b]*)", name.strip())
    if not m:
        raise ValueError(f"not a note name: {name!r}")
    return (LETTER_PC[m.group(1).upper()] + m.group(2).count("#") - m.group(2).count("b")) % 12


@dataclass(frozen=True)
class Key:
    tonic: str
    """Tonic as spelled: "C", "F#", "Bb"."""
    mode: str
    """"major" or "minor" (dorian and mixolydian use their parent scale's name family)."""

    @property
    def pc(self) -> int:
        return parse_pitch_class(self.tonic)

    @property
    def name(self) -> str:
        return f"{self.tonic} {self.mode}"

    @property
    def is_minor(self) -> bool:
        return self.mode in ("minor", "dorian")

    def scale(self) -> tuple[int, ...]:
        """Pitch classes of the scale, tonic first."""
        return tuple((self.pc + step) % 12 for step in MODES[self.mode])

    def uses_flats(self) -> bool:
        if "b" in self.tonic[1:]:
            return True
        if "#" in self.tonic:
            return False
        return self.tonic in (FLAT_MINOR_KEYS if self.is_minor else FLAT_KEYS)

    def spell(self, pc: int) -> str:
        """Name a pitch class in this key; notes outside the scale (borrowed chords) take flats."""
        flats = self.uses_flats() or pc % 12 not in self.scale()
        return (FLAT_NAMES if flats else SHARP_NAMES)[pc % 12]

    def transposed(self, semitones: int) -> "Key":
        return key_from_pc((self.pc + semitones) % 12, self.mode)

    @staticmethod
    def parse(text: str) -> "Key":
        """'A minor', 'F# minor', 'Bb major', 'Am', 'c' (major)."""
        m = re.fullmatch(r"\s*([A-Ga-g][#b]?)\s*(major|minor|maj|min|m|dorian|mixolydian)?\s*", text)
        if not m:
            raise ValueError(f"not a key: {text!r}")
        tonic = m.group(1)[0].upper() + m.group(1)[1:]
        mode = {"maj": "major", "min": "minor", "m": "minor", None: "major"}.get(m.group(2), m.group(2))
        return Key(tonic, mode)


def key_from_pc(pc: int, mode: str) -> Key:
    names = MINOR_TONICS if mode in ("minor", "dorian") else MAJOR_TONICS
    return Key(names[pc % 12], mode)


# Chord qualities: intervals above the root, and the symbol suffix.
QUALITIES = {
    "maj": ((0, 4, 7), ""),
    "min": ((0, 3, 7), "m"),
    "dim": ((0, 3, 6), "dim"),
    "aug": ((0, 4, 8), "aug"),
    "sus4": ((0, 5, 7), "sus4"),
    "maj7": ((0, 4, 7, 11), "maj7"),
    "maj6": ((0, 4, 7, 9), "6"),
    "min7": ((0, 3, 7, 10), "m7"),
    "dom7": ((0, 4, 7, 10), "7"),
    "hdim7": ((0, 3, 6, 10), "m7b5"),
    "dim7": ((0, 3, 6, 9), "dim7"),
    "power": ((0, 7), "5"),
}
TRIAD_OF: dict[tuple[int, ...], str] = {(0, 4, 7): "maj", (0, 3, 7): "min", (0, 3, 6): "dim", (0, 4, 8): "aug"}
SEVENTH_OF: dict[tuple[int, ...], str] = {
    (0, 4, 7, 11): "maj7", (0, 3, 7, 10): "min7", (0, 4, 7, 10): "dom7", (0, 3, 6, 10): "hdim7",
    (0, 3, 6, 9): "dim7", (0, 3, 7, 11): "min7", (0, 4, 8, 11): "maj7", (0, 4, 8, 10): "dom7"}


@dataclass(frozen=True)
class Chord:
    root: int
    """Root pitch class."""
    quality: str
    """A key of QUALITIES."""

    def pitch_classes(self) -> tuple[int, ...]:
        return tuple((self.root + i) % 12 for i in QUALITIES[self.quality][0])

    def symbol(self, key: Key) -> str:
        return key.spell(self.root) + QUALITIES[self.quality][1]

    def transposed(self, semitones: int) -> "Chord":
        return Chord((self.root + semitones) % 12, self.quality)


ROMAN = {"i": 0, "ii": 1, "iii": 2, "iv": 3, "v": 4, "vi": 5, "vii": 6}


def diatonic_chord(key: Key, degree: int, seventh: bool, harmonic_dominant: bool = True) -> Chord:
    """The chord built in thirds on scale degree 0-6; minor keys take a major V (harmonic minor) when asked."""
    scale = MODES[key.mode]
    tones = [scale[(degree + 2 * i) % 7] + 12 * ((degree + 2 * i) // 7) for i in range(4 if seventh else 3)]
    rel: tuple[int, ...] = tuple(t - tones[0] for t in tones)
    if harmonic_dominant and key.is_minor and degree == 4:
        rel = (0, 4, 7, 10) if seventh else (0, 4, 7)
    quality = (SEVENTH_OF if seventh else TRIAD_OF).get(rel, "maj")
    return Chord((key.pc + scale[degree]) % 12, quality)


def parse_roman(numeral: str, key: Key, seventh: bool) -> Chord:
    """'I', 'vi', 'V7', 'bVII', 'IV' → a Chord in the key. The key's scale decides the quality; an upper-case V
    in a minor key is the harmonic-minor major dominant; a flat prefix borrows a major chord."""
    m = re.fullmatch(r"(b?)([ivIV]+)(7?)", numeral)
    if not m:
        raise ValueError(f"not a roman numeral: {numeral!r}")
    degree = ROMAN[m.group(2).lower()]
    if m.group(1):
        root = (key.pc + MODES["major"][degree] - 1) % 12
        return Chord(root, "dom7" if m.group(3) else "maj")
    if m.group(3):  # an explicit 7 is a dominant seventh (upper case) or a minor seventh (lower case)
        triad = diatonic_chord(key, degree, False, harmonic_dominant=m.group(2).isupper())
        return Chord(triad.root, "dom7" if m.group(2).isupper() else "min7")
    return diatonic_chord(key, degree, seventh, harmonic_dominant=m.group(2).isupper())
