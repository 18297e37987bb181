"""Chord progressions per section from the style's grammar, with cadences at phrase ends."""
from __future__ import annotations

import random

from generators.compose.plan import Plan
from generators.piece import ChordSpan, Section
from generators.theory import Chord, diatonic_chord, parse_roman

PROGRESSION_OF = {"intro": 1, "verse": 0, "chorus": 1, "bridge": 2, "outro": 0}


def sections(plan: Plan) -> tuple[Section, ...]:
    bar = plan.meter[0] * 4 / plan.meter[1]
    out, start = [], 0.0
    for label, bars in plan.form:
        out.append(Section(label, start, bars * bar))
        start += bars * bar
    last = out[-1]
    return tuple(out[:-1]) + (Section(last.label, last.start, plan.length_beats - last.start),)


def _progressions(plan: Plan, rng: random.Random) -> list[list[Chord]]:
    """Three progressions (verse, chorus, bridge), distinct where the style offers enough."""
    options = list(plan.genre.progressions_for(plan.key.is_minor))
    rng.shuffle(options)
    picked = [options[i % len(options)] for i in range(3)]
    return [[parse_roman(n, plan.key, plan.genre.sevenths) for n in prog] for prog in picked]


def _dominant(plan: Plan) -> Chord:
    return diatonic_chord(plan.key, 4, plan.genre.sevenths)


def _tonic(plan: Plan) -> Chord:
    return diatonic_chord(plan.key, 0, plan.genre.sevenths and not plan.key.is_minor)


def _section_chords(plan: Plan, section: Section, prog: list[Chord], final: bool) -> list[ChordSpan]:
    span = plan.meter[0] * 4 / plan.meter[1] / plan.genre.chord_rate
    count = max(1, round(section.duration / span))
    chords = [prog[i % len(prog)] for i in range(count)]
    if final and count >= 2:
        chords[-2:] = [_dominant(plan), _tonic(plan)]
    elif final:
        chords[-1] = _tonic(plan)
    elif count >= 4 and section.label != "intro":
        chords[-1] = _dominant(plan)  # half cadence leading into the next section
    spans = [ChordSpan(section.start + i * span, span, c) for i, c in enumerate(chords)]
    last = spans[-1]
    end = section.start + section.duration
    return spans[:-1] + [ChordSpan(last.start, end - last.start, last.chord)]


def chord_spans(plan: Plan, secs: tuple[Section, ...], rng: random.Random) -> tuple[ChordSpan, ...]:
    progs = _progressions(plan, rng)
    out: list[ChordSpan] = []
    for i, section in enumerate(secs):
        prog = progs[PROGRESSION_OF.get(section.label, 0)]
        out += _section_chords(plan, section, prog, final=i == len(secs) - 1)
    return tuple(out)
