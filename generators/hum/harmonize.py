"""Chords for a hummed tune: one a bar (two where the style changes chords every half bar), chosen from the
style's own progressions for the key's mode by how well each fits the melody sounding over it (chord tones count,
a note on the chord's first beat counts double, notes outside the chord count against it) and by the style's
grammar (how often one chord follows another in its progressions), best path by Viterbi; it starts and ends at
home where the tune lets it."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from generators import styles
from generators.piece import ChordSpan, Note
from generators.theory import Chord, Key, diatonic_chord, parse_roman

FIT = 3.0
"""Weight of the melody's fit against the grammar's log-probability."""
HOME = 1.0
"""Bonus for the tonic on the first and last chord."""


def vocabulary(genre: styles.Genre, key: Key) -> tuple[list[Chord], np.ndarray]:
    """The chords the style's progressions use in this mode (and I, IV, V), and the log-probability of each
    following each (cyclic bigrams of the progressions, add-half smoothing)."""
    progressions = [[parse_roman(n, key, genre.sevenths) for n in prog] for prog in
                    genre.progressions_for(key.is_minor)]
    chords: list[Chord] = []
    for chord in [c for prog in progressions for c in prog] + [diatonic_chord(key, d, genre.sevenths)
                                                                 for d in (0, 3, 4)]:
        if chord not in chords:
            chords.append(chord)
    counts = np.full((len(chords), len(chords)), 0.5)
    for prog in progressions:
        for a, b in zip(prog, prog[1:] + prog[:1]):
            counts[chords.index(a), chords.index(b)] += 1
    return chords, np.log(counts / counts.sum(axis=1, keepdims=True))


def fit(chord: Chord, notes: Sequence[Note], start: float, end: float) -> float:
    """How well the melody over [start, end) sits on the chord, per beat."""
    tones = set(chord.pitch_classes())
    score = 0.0
    for n in notes:
        overlap = min(end, n.start + n.duration) - max(start, n.start)
        if overlap <= 0:
            continue
        weight = overlap * (2.0 if abs(n.start - start) < 1e-6 else 1.0)
        score += weight if n.pitch % 12 in tones else -0.6 * weight
    return score / (end - start)


def chords_for(notes: Sequence[Note], genre: styles.Genre, key: Key, bar_beats: float,
               length: float) -> tuple[ChordSpan, ...]:
    """A chord per span over [0, length)."""
    span = bar_beats / max(1, round(genre.chord_rate))
    starts = np.arange(0, length - 1e-9, span)
    chords, grammar = vocabulary(genre, key)
    tonic = chords.index(diatonic_chord(key, 0, genre.sevenths)) if diatonic_chord(key, 0, genre.sevenths) in \
        chords else 0
    local = np.array([[FIT * fit(c, notes, s, s + span) for c in chords] for s in starts])
    local[0, tonic] += HOME
    local[-1, tonic] += HOME
    best, back = local[0].copy(), np.zeros(local.shape, int)
    for t in range(1, len(starts)):
        total = best[:, None] + grammar  # from row to column
        back[t] = total.argmax(axis=0)
        best = total.max(axis=0) + local[t]
    path = [int(best.argmax())]
    for t in range(len(starts) - 1, 0, -1):
        path.append(int(back[t, path[-1]]))
    path.reverse()
    return tuple(ChordSpan(float(s), float(min(span, length - s)), chords[i]) for s, i in zip(starts, path))
