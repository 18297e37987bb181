"""Chord progressions per section from the style's grammar, shaped to make the key heard: each section's cycle
starts on the tonic, played as a triad; a section leads into the next by the subdominant in major (IV → I) and by a
half cadence in minor (iv V → i), and the piece ends on a full cadence (a pre-dominant, the dominant, the tonic) that
does not stall on a repeated chord, so the fourth degree and the leading tone sound where a listener expects them. A
piece of three chords or fewer is home, away, home."""
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


def plain_tonic(prog: list[Chord], tonic_root: int) -> list[Chord]:
    """A major seventh on the tonic becomes the plain triad (Cmaj7 → C): the major seventh sounds the leading tone
    throughout, and a listener (or a key finder) hears the mediant's or the dominant's key; the sixth chord is no
    cure (C6 holds the notes of Am7, and the relative minor is heard)."""
    return [Chord(c.root, "maj") if c.root == tonic_root and c.quality == "maj7" else c for c in prog]


def from_tonic(prog: list[Chord], tonic: Chord) -> list[Chord]:
    """The cycle rotated to start on its first tonic chord ("ii V I I" → "I I ii V"); a cycle with no tonic chord
    ("iii vi ii V") gets the tonic in place of its first chord."""
    at = next((i for i, c in enumerate(prog) if c.root == tonic.root), None)
    if at is None:
        return [tonic] + prog[1:]
    return prog[at:] + prog[:at]


def _progressions(plan: Plan, rng: random.Random) -> list[list[Chord]]:
    """Three progressions (verse, chorus, bridge), distinct where the style offers enough; verse and chorus start
    on the tonic, the bridge as the style writes it (it may leave home)."""
    options = list(plan.genre.progressions_for(plan.key.is_minor))
    rng.shuffle(options)
    picked = [options[i % len(options)] for i in range(3)]
    progs = [[parse_roman(n, plan.key, plan.genre.sevenths) for n in prog] for prog in picked]
    tonic = _tonic(plan)
    progs = [plain_tonic(p, tonic.root) for p in progs]
    return [from_tonic(p, tonic) if i < 2 else p for i, p in enumerate(progs)]


def _subdominant(plan: Plan) -> Chord:
    return diatonic_chord(plan.key, 3, plan.genre.sevenths)


def _predominant(plan: Plan, prog: list[Chord]) -> Chord:
    """ii7 when the style's cycle uses it (jazz, lo-fi), else IV (iv in minor): each sounds the fourth degree and
    the tonic (a plain ii triad holds no tonic, and lets the dominant's key in)."""
    two = diatonic_chord(plan.key, 1, plan.genre.sevenths)
    if plan.genre.sevenths and any(c.root == two.root for c in prog) and not plan.key.is_minor:
        return two
    return _subdominant(plan)


def _dominant(plan: Plan) -> Chord:
    return diatonic_chord(plan.key, 4, plan.genre.sevenths)


def _tonic(plan: Plan) -> Chord:
    """The tonic triad, in every style (see plain_tonic)."""
    return diatonic_chord(plan.key, 0, False)


def _section_chords(plan: Plan, section: Section, prog: list[Chord], final: bool) -> list[ChordSpan]:
    span = plan.meter[0] * 4 / plan.meter[1] / plan.genre.chord_rate
    count = max(1, round(section.duration / span))
    chords = [prog[i % len(prog)] for i in range(count)]
    if final and count <= 3 and section.start == 0:  # the whole piece is three chords or fewer: home, away, home
        chords = [_tonic(plan), _dominant(plan), _tonic(plan)] if count == 3 else [_tonic(plan)] * count
    elif final and count >= 3:
        chords[-3:] = [_predominant(plan, prog), _dominant(plan), _tonic(plan)]
        if count >= 4 and chords[-4].root == chords[-3].root:  # "I vi ii | ii V I": home once more instead
            chords[-4] = _tonic(plan)
    elif final and count == 2:
        chords[-2:] = [_dominant(plan), _tonic(plan)]
    elif final:
        chords[-1] = _tonic(plan)
    elif count >= 4 and section.label != "intro" and plan.key.is_minor:
        # minor: a half cadence (iv V); the major V's leading tone belongs to no neighbouring key
        chords[-2:] = [_predominant(plan, prog), _dominant(plan)]
    elif count >= 4 and section.label != "intro":
        # major: into the next section (which starts on the tonic) by the subdominant: IV sounds the fourth degree,
        # and its overtones stay in the key, where V's leading tone adds the sharp fourth of the dominant key
        chords[-1] = _subdominant(plan)
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
