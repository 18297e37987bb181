"""Arrangement across the form: each section changes the parts as styledata/arrangement.yaml says (an intro thinner
than the verse, a chorus fuller, higher and louder, a breakdown where the genre has one, an outro that winds down).
Applied to every part once it is played (humanized), so a new take of a part or of a section is arranged the same
way and the arrangement draws nothing from the piece's random stream."""
from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from generators import styles
from generators.piece import Note, Section

LIFT_VELOCITY = -12
"""The octave doubling sits under the part it doubles."""
ON_BEAT = 0.05
"""Beats: a played note this close to a beat is on it (humanized onsets move by about 0.01)."""
GRID = 8
"""Onsets are grouped into chords on a grid of 1/8 beat."""


@dataclass(frozen=True)
class Treatment:
    """What one section does to the parts."""

    velocity: int = 0
    fade: float = 0.0
    """Velocity lost from the section's start to its end, linearly."""
    rest: tuple[str, ...] = ()
    thin: tuple[str, ...] = ()
    """Roles that keep only their notes on the beat."""
    lift: tuple[str, ...] = ()
    """Roles whose top note is doubled an octave up."""
    level_db: float = 0.0
    """The section's fader in the mix."""


def _treatment(row: dict[str, Any]) -> Treatment:
    return Treatment(int(row.get("velocity", 0)), float(row.get("fade", 0)), tuple(row.get("rest", ())),
                     tuple(row.get("thin", ())), tuple(row.get("lift", ())), float(row.get("level_db", 0)))


@functools.cache
def treatments(genre: str) -> dict[str, Treatment]:
    """Section label → treatment in a genre (the bridge is a breakdown in the genres that have one)."""
    data = styles.arrangement_table()
    table = {label: _treatment(row) for label, row in data["sections"].items()}
    if genre in data["breakdown"]["genres"]:
        table["bridge"] = _treatment(data["breakdown"]["section"])
    return table


def section_at(sections: Sequence[Section], beat: float) -> Section | None:
    return next((s for s in sections if s.start - ON_BEAT <= beat < s.start + s.duration - ON_BEAT), None)


def _tops(notes: Sequence[Note]) -> set[tuple[int, int]]:
    """(onset on the grid, pitch) of the highest note of each chord."""
    top: dict[int, int] = {}
    for n in notes:
        slot = round(n.start * GRID)
        top[slot] = max(top.get(slot, n.pitch), n.pitch)
    return set(top.items())


def _velocity(n: Note, section: Section, t: Treatment) -> int:
    fade = t.fade * (n.start - section.start) / max(section.duration, 1e-9)
    return max(1, min(127, round(n.velocity + t.velocity - fade)))


def arrange(role: str, notes: Sequence[Note], genre: str, sections: Sequence[Section]) -> list[Note]:
    """The part's notes as the form arranges them."""
    table, tops, out = treatments(genre), _tops(notes), []
    for n in notes:
        section = section_at(sections, n.start)
        t = table.get(section.label) if section else None
        if section is None or t is None:
            out.append(n)
            continue
        if role in t.rest or (role in t.thin and abs(n.start - round(n.start)) > ON_BEAT):
            continue
        out.append(replace(n, velocity=_velocity(n, section, t)))
        if role in t.lift and (round(n.start * GRID), n.pitch) in tops and n.pitch + 12 <= 108:
            out.append(replace(n, pitch=n.pitch + 12, velocity=max(1, out[-1].velocity + LIFT_VELOCITY)))
    return out
