"""Edits by section: find what is named, change only that, keep the joins clean, and the MIDI reads back."""
import pytest

from generators import form
from generators.compose import Request, compose
from generators.form import Span

from .scorecheck import clean_joins, midi_reads_back, same_music, unchanged_outside, within


@pytest.fixture(scope="module")
def song():
    piece = compose(Request(genre="pop", mood="happy", key="Eb major", tempo_bpm=128, seed=3, duration_s=90))
    assert [s.label for s in piece.sections] == ["intro", "verse", "chorus", "verse", "chorus", "bridge", "outro"]
    return piece


def test_find_names_sections_occurrences_and_spans(song):
    assert [s.start for s in form.find(song, "chorus")] == [48.0, 112.0]
    assert form.find(song, "verse", 2)[0].name == "the second verse"
    assert form.find(song, "chorus", -1)[0].start == 112.0
    assert form.find(song, "ending")[0].start == song.sections[-1].start
    last = form.find(song, "ending", seconds=10)[0]
    assert last.end == song.length_beats and last.length == pytest.approx(10 / song.seconds_per_beat)
    with pytest.raises(form.FormError, match="there's no solo; it has intro, verse, chorus, bridge, outro"):
        form.find(song, "solo")
    with pytest.raises(form.FormError, match="only 2 verses"):
        form.find(song, "verse", 3)


def test_a_quieter_verse_changes_that_verse_only(song, tmp_path):
    spans = form.find(song, "verse", 2)
    after = form.dynamics(song, spans, louder=False)
    unchanged_outside(song, after, spans)
    inside = [(a, b) for t, u in zip(song.tracks, after.tracks) for a, b in zip(t.notes, u.notes)
              if within(a, spans)]
    assert inside and all(b.velocity < a.velocity or a.velocity == 1 for a, b in inside)
    midi_reads_back(after, tmp_path)


def test_a_calmer_ending_is_softer_and_sparser_there_only(song, tmp_path):
    spans = form.find(song, "ending", seconds=10)
    after = form.mood(song, spans, "calm")
    unchanged_outside(song, after, spans)

    def inside(p):
        return [n for t in p.tracks if t.role in ("melody", "chords") for n in t.notes if within(n, spans)]
    assert len(inside(after)) <= len(inside(song))
    assert sum(n.velocity for n in inside(after)) / len(inside(after)) < \
        sum(n.velocity for n in inside(song)) / len(inside(song))
    midi_reads_back(after, tmp_path)


def test_no_drums_in_the_intro(song):
    spans = form.find(song, "intro")
    after = form.without(song, spans, song.track("drums"))
    assert not [n for n in after.track("drums").notes if within(n, spans)]
    unchanged_outside(song, after, spans)


def test_a_fill_before_each_chorus(song, tmp_path):
    spans = form.find(song, "chorus")
    after = form.fill_before(song, spans)
    bars = tuple(Span(s.start - song.bar_beats, s.start, "") for s in spans)
    unchanged_outside(song, after, bars, changed_roles={"drums"})
    for b in bars:
        old = [(n.start, n.pitch) for n in song.track("drums").notes if within(n, (b,))]
        new = [(n.start, n.pitch) for n in after.track("drums").notes if within(n, (b,))]
        assert new and new != old
    midi_reads_back(after, tmp_path)


def test_a_fill_in_a_piece_without_drums_is_a_drum_track_of_fills():
    piece = compose(Request(genre="classical", seed=5, duration_s=40))
    assert piece.track("drums") is None
    spans = form.find(piece, piece.sections[1].label)
    after = form.fill_before(piece, spans)
    drums = after.track("drums")
    assert drums and all(spans[0].start - piece.bar_beats - 1e-6 <= n.start < spans[0].start for n in drums.notes)


def test_a_repeated_chorus_is_the_same_music_again_and_the_rest_moves_on(song, tmp_path):
    chorus = form.find(song, "chorus", 1)[0]
    after = form.repeat(song, chorus)
    assert after.length_beats == song.length_beats + chorus.length
    assert [s.label for s in after.sections][:5] == ["intro", "verse", "chorus", "chorus", "verse"]
    copy = Span(chorus.end, chorus.end + chorus.length, "")
    rest = Span(chorus.end, song.length_beats, "")
    for old, new in zip(song.tracks, after.tracks):
        first = [(n.pitch, n.start - chorus.start) for n in old.notes if within(n, (chorus,))]
        again = [(n.pitch, n.start - copy.start) for n in new.notes if within(n, (copy,))]
        assert same_music(first, again), old.name
        later = [(n.pitch, n.start + chorus.length) for n in old.notes if within(n, (rest,))]
        moved = [(n.pitch, n.start) for n in new.notes if within(n, (Span(copy.end, after.length_beats, ""),))]
        assert same_music(later, moved), old.name
    clean_joins(after, (copy,))
    midi_reads_back(after, tmp_path)


def test_a_longer_intro_and_a_shorter_one(song, tmp_path):
    intro = form.find(song, "intro")[0]
    longer = form.extend(song, intro)
    assert longer.sections[0].label == "intro" and longer.sections[0].duration > intro.length
    assert longer.length_beats - song.length_beats == longer.sections[0].duration - intro.length
    shorter = form.shorten(song, intro)
    assert shorter.sections[0].duration == intro.length / 2
    for piece in (longer, shorter):
        assert [s.label for s in piece.sections] == [s.label for s in song.sections]
        midi_reads_back(piece, tmp_path)


def test_skipping_the_bridge_cuts_it_and_closes_the_gap(song, tmp_path):
    bridge = form.find(song, "bridge")[0]
    after = form.remove(song, bridge)
    assert "bridge" not in form.labels(after)
    assert after.length_beats == song.length_beats - bridge.length
    head, tail = Span(0, bridge.start, ""), Span(bridge.end, song.length_beats, "")
    for old, new in zip(song.tracks, after.tracks):
        assert sorted((n.pitch, n.start) for n in old.notes if within(n, (head,))) == \
            sorted((n.pitch, n.start) for n in new.notes if within(n, (head,)))
        assert same_music([(n.pitch, n.start - bridge.length) for n in old.notes if within(n, (tail,))],
                          [(n.pitch, n.start) for n in new.notes
                           if within(n, (Span(bridge.start, after.length_beats, ""),))]), old.name
    clean_joins(after, (Span(bridge.start, after.length_beats, ""),))
    assert abs(sum(c.duration for c in after.chords) - after.length_beats) < 1e-3
    midi_reads_back(after, tmp_path)


def test_the_whole_piece_cannot_be_cut():
    piece = compose(Request(genre="pop", seed=1, duration_s=6))
    with pytest.raises(form.FormError):
        form.remove(piece, form.find(piece, piece.sections[0].label)[0])
