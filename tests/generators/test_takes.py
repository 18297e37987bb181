"""New takes of a part (everything else note for note) and of a section (everything outside it note for note,
the same take each time the section comes back)."""
import pytest

from generators import form, takes
from generators.compose import Request, compose

from .scorecheck import clean_joins, midi_reads_back, same_music, unchanged_outside, within


@pytest.fixture(scope="module")
def song():
    return compose(Request(genre="pop", key="A minor", tempo_bpm=120, seed=8, duration_s=80))


@pytest.mark.parametrize("role", ["melody", "bass", "chords", "drums"])
def test_a_new_take_of_one_part_keeps_the_others(song, role, tmp_path):
    track = song.track(role)
    after = takes.new_part(song, track, seed=99)
    for old, new in zip(song.tracks, after.tracks):
        if old is track:
            assert new.notes != old.notes and (new.name, new.program, new.gain) == (old.name, old.program, old.gain)
            assert all(n.start + n.duration <= song.length_beats + 1e-3 for n in new.notes)
        else:
            assert new == old
    if role != "drums":
        scale = set(song.key.scale())
        assert sum(n.pitch % 12 in scale for n in after.track(role).notes) / len(after.track(role).notes) >= 0.85
    midi_reads_back(after, tmp_path)


def test_a_livelier_melody_has_more_notes():
    counts = []
    for seed in (1, 2, 3):
        piece = compose(Request(genre="folk", seed=seed, duration_s=40))
        plain = takes.new_part(piece, piece.track("melody"), seed=7)
        lively = takes.new_part(piece, piece.track("melody"), seed=7, lively=True)
        counts.append((len(plain.track("melody").notes), len(lively.track("melody").notes)))
    assert sum(b for _, b in counts) > 1.15 * sum(a for a, _ in counts), counts


def test_a_new_chorus_is_new_inside_the_choruses_only_and_the_same_each_time(song, tmp_path):
    spans = form.find(song, "chorus")
    assert len(spans) == 2
    after = takes.new_section(song, spans, seed=5)
    unchanged_outside(song, after, spans)
    clean_joins(after, spans, tracks={t.name for t in after.tracks if not t.is_drum})
    melody = after.track("melody")
    first = [(n.pitch, n.start - spans[0].start) for n in melody.notes if within(n, spans[:1])]
    second = [(n.pitch, n.start - spans[1].start) for n in melody.notes if within(n, spans[1:])]
    old = [(n.pitch, n.start - spans[0].start) for n in song.track("melody").notes if within(n, spans[:1])]
    assert first and same_music(first, second) and not same_music(first, old)
    assert after.track("drums") == song.track("drums")  # the groove is not part of a new take of a section
    midi_reads_back(after, tmp_path)


def test_one_named_occurrence_changes_alone(song):
    spans = form.find(song, "chorus", 2)
    after = takes.new_section(song, spans, seed=5, roles=("melody",))
    unchanged_outside(song, after, spans, changed_roles={"melody"})
