import pytest

from generators import styles
from generators.compose import Request, compose


@pytest.mark.parametrize("genre", styles.GENRES)
def test_every_genre_is_what_was_asked(genre):
    piece = compose(Request(genre=genre, mood="happy", key="D minor", tempo_bpm=97, duration_s=23.5, seed=4))
    assert piece.genre == genre and piece.mood == "happy"
    assert piece.key.name == "D minor" and piece.tempo_bpm == 97
    assert piece.duration_s == pytest.approx(23.5)
    assert all(n.start < piece.length_beats for t in piece.tracks for n in t.notes)
    assert (piece.track("drums") is not None) == (styles.genres()[genre].drums is not None)
    assert {"bass", "chords", "melody"} <= {t.role for t in piece.tracks}
    assert piece.chords and piece.chords[-1].chord.root == piece.key.pc  # ends on the tonic


def test_time_signature_is_honoured():
    piece = compose(Request(genre="pop", time_signature="3/4", seed=1, duration_s=20))
    assert piece.time_signature == "3/4"
    assert all(s.start % 3 == 0 for s in piece.sections)


def test_same_seed_same_piece_other_seed_other_piece():
    a, b = compose(Request(genre="jazz", seed=11)), compose(Request(genre="jazz", seed=11))
    assert a == b
    assert compose(Request(genre="jazz", seed=12)).tracks != a.tracks


def test_form_scales_with_duration():
    short = compose(Request(genre="pop", seed=1, duration_s=8))
    long = compose(Request(genre="pop", seed=1, duration_s=120))
    assert len(long.sections) > len(short.sections)
    assert [s.label for s in long.sections][0] == "intro" and long.sections[-1].label == "outro"


def test_melody_lands_on_chord_tones_on_strong_beats():
    piece = compose(Request(genre="pop", seed=3, duration_s=40))
    strong = [n for n in piece.track("melody").notes
              if abs(n.start - round(n.start)) < 0.05 and round(n.start) % 2 == 0]

    def chord_at(beat):
        return next(c for c in reversed(piece.chords) if c.start <= beat + 0.05).chord
    hits = sum(n.pitch % 12 in chord_at(n.start).pitch_classes() for n in strong)
    assert strong and hits / len(strong) >= 0.8


def test_instruments_requested_are_used():
    piece = compose(Request(genre="jazz", seed=1, instruments=("flute",)))
    assert piece.track("melody").name == "flute"


def test_every_note_ends_inside_the_piece():
    """Patterns and humanized notes never spill past an end that the asked duration cut mid-bar (a note starting
    at the end made an empty MIDI note and failed the export)."""
    from generators import styles
    from generators.midi import to_pretty_midi

    for genre in styles.genres():
        for seed in range(8):
            piece = compose(Request(genre=genre, seed=seed, duration_s=5 + seed))
            for track in piece.tracks:
                assert all(n.duration > 0.04 and n.start + n.duration <= piece.length_beats + 1e-3
                           for n in track.notes), (genre, seed, track.name)
            to_pretty_midi(piece)
