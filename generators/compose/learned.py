"""Melodies from the learned model (generators.learn): the network proposes each note, the plan disposes.

The network samples pitch then duration (temperature, top-p) conditioned on the piece's mode and meter and on
everything written so far. The plan shapes its logits: the register's window, chord tones on strong beats (and a
little everywhere), the key's scale, the style's density and grid, and the bar lines of the phrase. Form: a section
is 4-bar phrases; the first phrase is sampled, the next answers it (its first half repeated, fitted to the chords,
then continued by the network), and every phrase ends on a cadence note, the tonic at the piece's end. A section
that comes back (the second verse, every chorus) repeats its phrases, its last one varied."""
from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from generators.compose.melody import chord_at
from generators.learn import tokens
from generators.learn.runtime import Melody, Step
from generators.piece import ChordSpan, Note, Section
from generators.theory import Key

SKIPPED = ("intro", "outro")
TEMPERATURE, TOP_P = 1.0, 0.98
STRONG_BIAS, CHORD_BIAS, OFF_SCALE, REST_BIAS = 2.0, 0.3, -1.0, -1.0
THIRD_BIAS = {"major": 0.3, "minor": 1.6}
"""On the mode's third, wherever the chord allows it: the note that tells major from minor. Minor leans harder: the
overtones of every low root sound its major third, and a minor piece is heard major. (A lean on the tonic as well
made no more keys heard, and made the melodies less like real ones.)"""
NATURAL_IOI = 0.82
"""Mean beats between onsets in the real tunes (the corpus' test split)."""
TILT = 0.1
"""Duration logits tilt by TILT · log2(style's mean / NATURAL_IOI) per octave of duration: a style near real tunes
keeps the network's own mix of lengths; a sparse one (ambient) leans to long notes, a busy one to short."""
CADENCE_MIN = tokens.TICKS
"""A cadence note lasts at least a beat; what is left of the bar after it is sampled freely (a pickup)."""
PHRASE_BARS = 4
START = (tokens.START_PITCH, tokens.START_DURATION)


@dataclass(frozen=True)
class Shape:
    """What the style asks of the melody."""

    register: int
    """Centre MIDI note."""
    density: float
    """Notes per grid step, 0-1."""
    step: float
    """Grid in beats."""
    velocity: int
    source: str = "song"
    """The kind of melody to write (generators.learn.tokens.SOURCES): song, dance tune or chorale."""
    lively: bool = False
    """A livelier take ("make the melody more interesting"): shorter notes, fewer repeated pitches."""


LIVELY_TILT, LIVELY_REPEAT = -0.8, -1.0
"""For a livelier take: logits per octave of duration (towards shorter notes), and on repeating the last pitch."""


def supported(meter: str) -> bool:
    return meter in tokens.METERS


def strong_positions(meter: str) -> tuple[int, ...]:
    """Ticks in the bar that carry the metre's strong beats."""
    bar = tokens.bar_ticks(meter)
    num, den = (int(x) for x in meter.split("/"))
    if den == 8 and num % 3 == 0:
        return tuple(range(0, bar, 3 * tokens.TICKS // 2))
    return (0, bar // 2) if num % 2 == 0 and num >= 4 else (0,)


def _sample(logits: np.ndarray, rng: random.Random) -> int:
    z = logits / TEMPERATURE
    p = np.exp(z - z.max())
    p /= p.sum()
    order = np.argsort(-p)
    cum = np.cumsum(p[order])
    keep = order[:int(np.searchsorted(cum, TOP_P)) + 1]
    q = p[keep] / p[keep].sum()
    return int(keep[min(len(keep) - 1, int(np.searchsorted(np.cumsum(q), rng.random())))])


class Writer:
    """One melody being written: the network's state, the note waiting to be fed, and the plan's constraints."""

    def __init__(self, model: Melody, key: Key, meter: str, chords: tuple[ChordSpan, ...], shape: Shape,
                 rng: random.Random):
        self.model, self.key, self.meter, self.rng, self.shape = model, key, meter, rng, shape
        self.mode = "minor" if key.is_minor else "major"
        self.chords, self.starts = chords, [c.start for c in chords]
        self.bar = tokens.bar_ticks(meter)
        self.strong = strong_positions(meter)
        octave = round((shape.register - 5 - 60 - key.pc) / 12)
        self.base = 60 + key.pc + 12 * octave
        low = max(tokens.LOW, shape.register - 10 - self.base)
        high = min(tokens.HIGH, shape.register + 12 - self.base)
        ids = np.arange(tokens.PITCHES)
        rel = ids + tokens.LOW - 1
        self.allowed = (ids == tokens.REST) | ((rel >= low) & (rel <= high))
        scale = set(key.scale())
        self.in_scale = np.array([i == tokens.REST or (self.base + r) % 12 in scale for i, r in zip(ids, rel)])
        self.pcs = (self.base + rel) % 12
        self.third = (key.pc + (3 if key.is_minor else 4)) % 12
        self.ticks = np.array(tokens.DURATIONS, dtype=float)
        mean = min(4.0, max(shape.step, shape.step / max(0.15, shape.density)))
        tilt = TILT * np.log2(mean / NATURAL_IOI) + (LIVELY_TILT if shape.lively else 0.0)
        self.duration_bias = tilt * np.log2(self.ticks / tokens.TICKS)
        self.base_bias = np.where(self.in_scale, 0.0, OFF_SCALE) + np.where(self.pcs == self.third,
                                                                             THIRD_BIAS[self.mode], 0.0)
        self.base_bias[tokens.REST] = REST_BIAS
        self.base_bias[~self.allowed] = -np.inf
        self._chord_masks: dict[tuple[int, ...], np.ndarray] = {}
        self.shortest = shape.step * tokens.TICKS / 2
        self.state = model.start(self.mode, meter, shape.source)
        self.pending = START
        self.recent: list[tuple[int, int, int]] = []  # (position, pitch id, duration id), for a context refill

    # --- the network -----------------------------------------------------------------------------------------

    def _step(self, tick: int) -> Step:
        if self.state.length >= self.model.context - 1:
            self._refill()
        return self.model.step(self.state, *self.pending, tick % self.bar)

    def _refill(self) -> None:
        """The context is full: start again from the last 64 notes."""
        keep = self.recent[-64:]
        self.state, self.pending = self.model.start(self.mode, self.meter, self.shape.source), START
        for position, p, d in keep:
            self.model.step(self.state, *self.pending, position)
            self.pending = (p, d)

    def _accept(self, tick: int, p: int, d: int) -> None:
        self.pending = (p, d)
        self.recent.append((tick % self.bar, p, d))

    def chord_pcs(self, tick: int) -> tuple[int, ...]:
        return chord_at(self.chords, self.starts, tick / tokens.TICKS + 1e-6).chord.pitch_classes()

    # --- writing ---------------------------------------------------------------------------------------------

    def feed(self, tick: int, p: int, d: int) -> None:
        """A note decided elsewhere (a repeated motif, a rest): the network hears it."""
        self._step(tick)
        self._accept(tick, p, d)

    def _mask(self, pcs: tuple[int, ...]) -> np.ndarray:
        """Which pitch ids sound one of these pitch classes (the rest id never does)."""
        if pcs not in self._chord_masks:
            mask = np.isin(self.pcs, pcs)
            mask[tokens.REST] = False
            self._chord_masks[pcs] = mask
        return self._chord_masks[pcs]

    def _pitch_logits(self, logits: np.ndarray, tick: int, cadence: tuple[int, ...] | None) -> np.ndarray:
        strong = tick % self.bar in self.strong
        z: np.ndarray = logits + self.base_bias
        if self.shape.lively and self.pending[0] < tokens.PITCHES and self.pending[0] != tokens.REST:
            z[self.pending[0]] += LIVELY_REPEAT
        z[self._mask(self.chord_pcs(tick))] += STRONG_BIAS if strong else CHORD_BIAS
        if cadence is not None:
            z[tokens.REST] = -np.inf
            z[~self._mask(cadence)] = -np.inf
            z[self._mask(cadence[:1])] += 1.5
        return z

    def note(self, tick: int, end: int, cadence: tuple[int, ...] | None = None) -> tuple[int, int]:
        """Sample the note at `tick`, ending by `end`; a cadence note is a chord tone held towards the end."""
        step = self._step(tick)
        p = _sample(self._pitch_logits(step.pitch_logits, tick, cadence), self.rng)
        remaining = end - tick
        fits = (self.ticks >= self.shortest) & (self.ticks <= remaining)
        if not fits.any():
            fits = self.ticks <= remaining
        z = self.model.duration_logits(step, p) + self.duration_bias
        if cadence is not None:  # held: at least a beat, as long as the bar allows
            held = fits & (self.ticks >= min(CADENCE_MIN, remaining))
            fits = held if held.any() else fits
        z[~fits] = -np.inf
        d = _sample(z, self.rng)
        self._accept(tick, p, d)
        return p, d

    def rest(self, tick: int, end: int) -> list[tuple[int, int, int]]:
        out = []
        while end - tick >= tokens.DURATIONS[0]:
            d = max(i for i, t in enumerate(tokens.DURATIONS) if t <= end - tick)
            self.feed(tick, tokens.REST, d)
            out.append((tick, tokens.REST, d))
            tick += tokens.DURATIONS[d]
        return out

    def phrase(self, start: int, end: int, cadence: tuple[int, ...] | None, given: Phrase | tuple[()] = (),
               closing: bool = False) -> list[tuple[int, int, int]]:
        """(tick, pitch id, duration id) from `start` to `end`: the `given` notes first (fed, not sampled), then
        sampled ones; the first note from a strong beat of the last bar on (the downbeat or the bar's last strong
        beat, drawn per phrase) is the cadence note, held at least a beat; the rest of the bar is sampled freely
        (a breath, or a pickup into the next phrase); the piece's closing phrase rests after it."""
        out, tick = [], start
        for t, p, d in given:
            self.feed(t, p, d)
            out.append((t, p, d))
            tick = t + tokens.DURATIONS[d]
        arrive = end - self.bar + self.rng.choice((self.strong[0], self.strong[-1]))
        while end - tick >= tokens.DURATIONS[0]:
            if tick >= arrive and cadence is not None:  # the first note from the chosen strong beat of the last bar
                p, d = self.note(tick, end, cadence)
                out.append((tick, p, d))
                tick += tokens.DURATIONS[d]
                if closing:
                    out += self.rest(tick, end)
                    break
                cadence = None  # after it, a rest or a pickup into the next phrase, as the network likes
                continue
            p, d = self.note(tick, end)
            out.append((tick, p, d))
            tick += tokens.DURATIONS[d]
        return out

    def fitted(self, notes: list[tuple[int, int, int]], shift: int) -> list[tuple[int, int, int]]:
        """Notes moved by `shift` ticks; where the chord under a strong-beat note is not the one it was written over,
        the note moves to the nearest tone of the new chord."""
        out = []
        for t, p, d in notes:
            before, t = self.chord_pcs(t), t + shift
            if p != tokens.REST and t % self.bar in self.strong:
                pcs = self.chord_pcs(t)
                if pcs != before and self.pcs[p] not in pcs:
                    near = [q for q in range(max(1, p - 4), min(tokens.PITCHES, p + 5))
                            if self.pcs[q] in pcs and self.allowed[q]]
                    p = min(near, key=lambda q: abs(q - p)) if near else p
            out.append((t, p, d))
        return out


def _phrases(bars: int) -> list[int]:
    """Phrase lengths in bars: fours, with a short remainder joined to the last phrase."""
    if bars <= PHRASE_BARS + 1:
        return [bars]
    out = [PHRASE_BARS] * (bars // PHRASE_BARS)
    if bars % PHRASE_BARS:
        if bars % PHRASE_BARS >= 2:
            out.append(bars % PHRASE_BARS)
        else:
            out[-1] += bars % PHRASE_BARS
    return out


Phrase = list[tuple[int, int, int]]
"""(tick, pitch id, duration id) of each note."""


def _cadence(w: Writer, end: int, final: bool) -> tuple[int, ...]:
    """The pitch classes a phrase may end on, the preferred first: the tonic triad at the piece's end, else the
    chord sounding in the phrase's last bar."""
    if final:
        return w.key.pc, w.third, (w.key.pc + 7) % 12
    return w.chord_pcs(end - w.bar)


def _opening(w: Writer, phrase: Phrase, shift: int, bars: int) -> Phrase:
    """The first `bars` bars of a phrase, moved by `shift` ticks and fitted to the chords there."""
    moved = w.fitted(phrase, shift)
    limit = moved[0][0] + bars * w.bar if moved else 0
    return [x for x in moved if x[0] + tokens.DURATIONS[x[2]] <= limit]


def _section(w: Writer, section: Section, memory: dict[str, list[tuple[Phrase, int, int]]], final: bool) -> Phrase:
    """The section's notes. `memory` keeps, per label, each phrase with its bar count and start tick."""
    first = round(section.start * tokens.TICKS)
    lengths = _phrases(max(1, int(section.duration * tokens.TICKS // w.bar)))
    before = memory.get(section.label)
    written: list[tuple[Phrase, int, int]] = []
    tick = first
    for k, bars in enumerate(lengths):
        end = tick + bars * w.bar
        last = k == len(lengths) - 1
        cadence = _cadence(w, end, final and last)
        closing = final and last
        old = before[k] if before and k < len(before) and before[k][1] == bars else None
        if old is not None and not last:  # a section heard before: the same phrase again
            notes = w.fitted(old[0], tick - old[2])
            for t, p, d in notes:
                w.feed(t, p, d)
        elif old is not None:  # ... its last phrase begins the same and goes elsewhere
            notes = w.phrase(tick, end, cadence, given=_opening(w, old[0], tick - old[2], bars // 2), closing=closing)
        elif k % 2 == 1:  # an answer: the question's opening, then a new continuation
            question, _, started = written[k - 1]
            notes = w.phrase(tick, end, cadence, given=_opening(w, question, tick - started, max(1, bars // 2)),
                             closing=closing)
        else:
            notes = w.phrase(tick, end, cadence, closing=closing)
        written.append((notes, bars, tick))
        tick = end
    memory.setdefault(section.label, written)
    return [x for notes, _, _ in written for x in notes]


def melody_part(model: Melody, key: Key, meter: str, chords: tuple[ChordSpan, ...], sections: tuple[Section, ...],
                shape: Shape, rng: random.Random) -> list[Note]:
    w = Writer(model, key, meter, chords, shape, rng)
    memory: dict[str, list[tuple[Phrase, int, int]]] = {}
    sung = [s for s in sections if s.label not in SKIPPED] or list(sections)
    out = []
    for s in sung:
        for t, p, d in _section(w, s, memory, final=s is sung[-1]):
            pitch = tokens.pitch_of(p)
            if pitch is None:  # a rest
                continue
            ticks = tokens.DURATIONS[d]
            strong = t % w.bar in w.strong
            vel = shape.velocity + (8 if strong else 0) + rng.randint(-4, 4)
            out.append(Note(w.base + pitch, t / tokens.TICKS, ticks / tokens.TICKS * 0.95,
                            max(1, min(127, vel))))
    return out
