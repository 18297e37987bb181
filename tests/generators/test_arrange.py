"""Arrangement across the form: an intro thinner than the verse, a chorus fuller, higher and louder, a breakdown
where the genre has one, an outro that winds down; measured on the score and on the audio."""
import numpy as np
import pytest

from generators.compose import Request, compose
from generators.compose.arrange import ON_BEAT, treatments
from generators.render import SAMPLE_RATE, render
from generators.takes import new_part

pytestmark = pytest.mark.slow


def notes_in(piece, section, role=None):
    """The notes played in the section (a humanized onset a hair before the next one belongs to that one)."""
    start, end = section.start - ON_BEAT, section.start + section.duration - ON_BEAT
    return [n for t in piece.tracks if role in (None, t.role) for n in t.notes if start <= n.start < end]


def per_bar(piece, section):
    return len(notes_in(piece, section)) / (section.duration / piece.bar_beats)


def first(piece, label):
    return next(s for s in piece.sections if s.label == label)


def section_rms(audio, piece, section):
    a = int(section.start * piece.seconds_per_beat * SAMPLE_RATE)
    b = int((section.start + section.duration) * piece.seconds_per_beat * SAMPLE_RATE)
    return float(np.sqrt(np.mean(audio[a:b] ** 2)))


@pytest.mark.parametrize("genre", ["pop", "electronic", "classical", "folk"])
def test_a_chorus_is_louder_and_denser_than_its_intro(genre):
    piece = compose(Request(genre=genre, seed=5, duration_s=60))
    intro, chorus = first(piece, "intro"), first(piece, "chorus")
    assert per_bar(piece, chorus) > 1.3 * per_bar(piece, intro)
    mean_velocity = [np.mean([n.velocity for n in notes_in(piece, s)]) for s in (intro, chorus)]
    assert mean_velocity[1] > mean_velocity[0] + 8
    audio = render(piece)
    assert section_rms(audio, piece, chorus) > 1.4 * section_rms(audio, piece, intro)  # about 3 dB or more


def test_the_chorus_goes_higher():
    piece = compose(Request(genre="pop", seed=5, duration_s=60))
    verse, chorus = first(piece, "verse"), first(piece, "chorus")
    tops = []
    for s in (verse, chorus):
        chords = {}
        for n in notes_in(piece, s, "chords"):
            chords[round(n.start * 8)] = max(chords.get(round(n.start * 8), 0), n.pitch)
        tops.append(np.mean(list(chords.values())))
    assert tops[1] >= tops[0] + 7  # the top of each chord, an octave up


def test_the_bridge_is_a_breakdown_where_the_genre_has_one():
    piece = compose(Request(genre="electronic", seed=5, duration_s=150))
    bridge = first(piece, "bridge")
    assert not notes_in(piece, bridge, "drums") and not notes_in(piece, bridge, "bass")
    assert notes_in(piece, bridge, "chords")
    jazz = compose(Request(genre="jazz", seed=5, duration_s=120))
    assert "bridge" in treatments("jazz") and notes_in(jazz, first(jazz, "bridge"), "drums")


def test_the_outro_winds_down():
    piece = compose(Request(genre="pop", seed=5, duration_s=60))
    outro = first(piece, "outro")
    bar = piece.bar_beats
    early = [n.velocity for n in notes_in(piece, outro) if n.start < outro.start + bar]
    late = [n.velocity for n in notes_in(piece, outro) if n.start >= outro.start + outro.duration - bar]
    assert np.mean(late) < np.mean(early) - 10
    verse = first(piece, "verse")
    assert per_bar(piece, outro) < per_bar(piece, verse)


def test_a_new_take_of_the_drums_is_arranged_like_the_first():
    piece = compose(Request(genre="rock", seed=5, duration_s=60))
    drums = piece.track("drums")
    again = new_part(piece, drums, seed=9)
    intro = first(again, "intro")
    played = notes_in(again, intro, "drums")
    assert played and all(abs(n.start - round(n.start)) <= ON_BEAT for n in played)
    assert notes_in(again, intro, "drums") != notes_in(piece, intro, "drums") or again == piece
