"""Checks shared by the tests of score edits: what changed, the joins, and the MIDI read back."""
from __future__ import annotations

import mido
import pytest

from generators import export

EPS = 1e-3
SLOP = 0.06  # humanized onsets sit a few hundredths of a beat around the bar line they belong to


def within(n, spans) -> bool:
    return any(s.start - SLOP <= n.start < s.end - SLOP for s in spans)


def unchanged_outside(before, after, spans, changed_roles=None):
    """Every note outside the spans is the same (a note cut where a span begins may only be shorter); tracks
    not in `changed_roles` are the same note for note everywhere."""
    for old, new in zip(before.tracks, after.tracks):
        if changed_roles is not None and old.role not in changed_roles:
            assert old == new, old.name
            continue
        a = sorted((n for n in old.notes if not within(n, spans)), key=lambda n: (n.start, n.pitch))
        b = sorted((n for n in new.notes if not within(n, spans)), key=lambda n: (n.start, n.pitch))
        assert [(n.pitch, n.start, n.velocity) for n in a] == [(n.pitch, n.start, n.velocity) for n in b], old.name
        assert all(y.duration <= x.duration + EPS for x, y in zip(a, b)), old.name


def same_music(a: list[tuple[int, float]], b: list[tuple[int, float]]) -> bool:
    """(pitch, onset) lists equal up to the rounding of moved onsets."""
    def by_pitch(notes):
        out: dict[int, list[float]] = {}
        for pitch, onset in notes:
            out.setdefault(pitch, []).append(onset)
        return {k: sorted(v) for k, v in out.items()}
    x, y = by_pitch(a), by_pitch(b)
    return x.keys() == y.keys() and all(len(x[k]) == len(y[k]) and all(abs(s - t) < 0.002 for s, t in zip(x[k], y[k]))
                                        for k in x)


def clean_joins(piece, spans, tracks=None):
    """No note from before a span rings into it, and none inside a span rings past its end."""
    for t in piece.tracks:
        if tracks is not None and t.name not in tracks:
            continue
        for n in t.notes:
            end = n.start + n.duration
            for s in spans:
                if n.start < s.start - SLOP:
                    assert end <= s.start + EPS, (t.name, n, s)
                elif n.start < s.end - SLOP:
                    assert end <= s.end + EPS, (t.name, n, s)


def midi_reads_back(piece, tmp_path):
    path = tmp_path / "edit.mid"
    export.write_score(piece, path)
    midi = mido.MidiFile(str(path))
    got: dict[int, list[float]] = {}
    for track in midi.tracks:
        tick = 0
        for msg in track:
            tick += msg.time
            if msg.type == "note_on" and msg.velocity > 0:
                got.setdefault(msg.note, []).append(tick / midi.ticks_per_beat)
    want: dict[int, list[float]] = {}
    for t in piece.tracks:
        for n in t.notes:
            want.setdefault(n.pitch, []).append(n.start)
    assert sorted(got) == sorted(want)
    for pitch in want:
        assert sorted(got[pitch]) == pytest.approx(sorted(want[pitch]), abs=1.5 / midi.ticks_per_beat)
