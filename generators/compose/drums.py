"""Drum grooves from the step grids of drums.yaml, with a fill at each section's end and a crash on each new one."""
from __future__ import annotations

from generators import styles
from generators.piece import Note, Section

ACCENT, HIT = 108, 84


def _grid(pattern: dict[str, str], bar_start: float, bar_beats: float, scale: float) -> list[Note]:
    kit = styles.drum_kit()
    notes = []
    for voice, steps in pattern.items():
        step = bar_beats / len(steps)
        for i, c in enumerate(steps):
            if c in "xo":
                vel = max(1, min(127, round((ACCENT if c == "o" else HIT) * scale)))
                notes.append(Note(kit[voice], bar_start + i * step, min(step, 0.25), vel))
    return notes


def fill_bar(fill: str, bar_start: float, bar_beats: float, scale: float) -> list[Note]:
    """One bar of a fill of drums.yaml."""
    return _grid(styles.drum_patterns()[f"fill:{fill}"], bar_start, bar_beats, scale)


def drum_part(groove: str, fill: str | None, sections: tuple[Section, ...], bar_beats: float,
              scale: float) -> list[Note]:
    patterns = styles.drum_patterns()
    crash = styles.drum_kit()["crash"]
    notes = []
    for index, section in enumerate(sections):
        bars = max(1, int(round(section.duration / bar_beats)))
        for b in range(bars):
            start = section.start + b * bar_beats
            last = b == bars - 1 and index < len(sections) - 1
            pattern = patterns[f"fill:{fill}"] if (last and fill and bars >= 4) else patterns[groove]
            notes += _grid(pattern, start, bar_beats, scale)
        if index > 0 and section.label != "outro":
            notes.append(Note(crash, section.start, 1.0, round(100 * scale)))
    end = sections[-1].start + sections[-1].duration
    notes.append(Note(crash, max(0.0, end - bar_beats), 1.0, round(90 * scale)))
    return [n for n in notes if n.start < end - 1e-6]
