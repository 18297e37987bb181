"""Hum it (generators.hum): the hum set meets its targets, and each step on its own: a steady note read in tune, a
drifting voice and rubato taken out, held chromatic notes kept, chords that fit the tune, the tune kept whole."""
from __future__ import annotations

import numpy as np
import pytest

from generators import styles
from generators.compose import Request
from generators.hum import evaluate, hear, humset, quantize, transcribe
from generators.hum.arrange import piece_of
from generators.hum.harmonize import chords_for
from generators.piece import Note
from generators.theory import Key


@pytest.fixture(scope="module")
def scores():
    return evaluate.evaluate(humset.TUNES, seed=0)


def test_the_hum_set_meets_its_targets(scores):
    assert scores["hum_heard"] == scores["hum_tunes"] == 40
    assert scores["hum_note_f1"] >= 0.8
    assert scores["hum_key_accuracy"] >= 0.9
    assert scores["hum_notes_in_order"] >= 0.9


def test_the_hum_set_is_held_out_and_reproducible():
    from generators.learn.corpus import split_of

    for tune in humset.load():
        source, index = tune.name.rsplit(":", 1) if ":" in tune.name else (tune.name, "0")
        assert split_of(source, int(index)) == "test", tune.name
    a, b = humset.sing(humset.load()[0], 7), humset.sing(humset.load()[0], 7)
    assert np.array_equal(a.audio, b.audio) and a.key == b.key


def tone(midi: float, seconds: float = 1.5, rate: int = transcribe.RATE) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    f = 440 * 2 ** ((midi - 69) / 12)
    x = sum(w * np.sin(2 * np.pi * k * f * t) for k, w in enumerate((1, 0.5, 0.3, 0.2), 1)) * 0.3
    return np.concatenate([np.zeros(rate // 4), x, np.zeros(rate // 4)]).astype(np.float32)


def test_a_steady_note_is_heard_in_tune():
    heard = transcribe.notes(tone(60))
    longest = max(heard, key=lambda h: h.offset - h.onset)
    assert abs(longest.pitch - 60) < 0.1  # basic-pitch reads a third of a semitone sharp: corrected
    assert abs(longest.onset - 0.25) < 0.05


def test_a_whistled_note_is_heard_slowed_down_in_tune():
    high = tone(91, seconds=1.0)  # G6, 1.57 kHz: a whistle
    assert abs(hear.usual_pitch_hz(high) - 1568) < 20
    longest = max(hear._heard(high), key=lambda h: h.offset - h.onset)
    assert abs(longest.pitch - 91) < 0.3 and abs(longest.onset - 0.25) < 0.06 and abs(longest.offset - 1.25) < 0.1


def test_whistled_tunes_are_heard():
    whistled = evaluate.evaluate(8, seed=0, whistle=True)
    assert whistled["hum_heard"] == 8 and whistled["hum_note_f1"] >= 0.8 and whistled["hum_key_accuracy"] >= 0.75


def test_a_drifting_voice_lands_on_its_notes():
    scale = [60, 62, 64, 65, 67, 69, 71, 72, 71, 69, 67, 65, 64, 62, 60]
    drift = np.linspace(-0.4, 0.45, len(scale))  # slowly sharper across the tune, up to 45 cents
    assert quantize.semitones(list(np.array(scale) + drift)) == scale


def test_rubato_stays_on_the_grid():
    beats = [1, 1, 0.5, 0.5, 1, 2, 1, 1, 0.5, 0.5, 0.5, 0.5, 2]
    starts = np.concatenate([[0], np.cumsum(beats)[:-1]])
    stretch = 1 + 0.05 * np.sin(np.linspace(0, np.pi * 2, len(beats)))  # ±5%, slowly
    seconds = np.concatenate([[0], np.cumsum(np.array(beats) * 0.6 * stretch)[:-1]])
    period = quantize.beat_period(seconds)
    assert abs(60 / period - 100) < 5
    got, lengths = quantize.on_the_grid(seconds, seconds + np.array(beats) * 0.6 * stretch, period)
    assert np.allclose(got, starts) and np.allclose(lengths, beats)


def test_held_chromatic_notes_stay_and_passing_ones_snap():
    key = Key.parse("C major")
    pitches, kept = quantize.in_scale([60, 61, 62, 66, 67], [1, 0.25, 1, 2, 1], key)
    assert pitches == [60, 60, 62, 66, 67] and kept == 1  # a tie goes to the note before
    minor, _ = quantize.in_scale([69, 68, 69], [1, 0.5, 1], Key.parse("A minor"))
    assert minor == [69, 68, 69]  # the raised seventh belongs to a minor key


def test_chords_fit_the_tune():
    arpeggios = [(60, 64, 67, 64), (65, 69, 72, 69), (67, 71, 74, 71), (72, 67, 64, 60)]
    notes = [Note(p, bar * 4 + i, 1.0, 90) for bar, ps in enumerate(arpeggios) for i, p in enumerate(ps)]
    spans = chords_for(notes, styles.genres()["folk"], Key.parse("C major"), 4.0, 16.0)
    roots = [span.chord.root for span in spans if span.start % 4 == 0]
    assert roots == [0, 5, 7, 0]


def test_the_tune_is_the_melody_whole(scores):
    sung = humset.sing(humset.load()[11], 11)
    tune = hear.hear(sung.audio, sung.rate).tune
    piece = piece_of(tune, Request(genre="jazz", mood="calm", seed=1))
    melody = next(t for t in piece.tracks if t.role == "melody")
    labels = [s.label for s in piece.sections]
    assert labels[0] == "intro" and labels[-1] == "outro" and labels.count("verse") >= 1
    shift = {m.pitch - n.pitch for m, n in zip(melody.notes, tune.notes)}
    assert len(shift) == 1 and shift.pop() % 12 == 0  # moved by octaves, nothing else
    first = piece.sections[1].start
    assert [round(m.start - first, 3) for m in melody.notes[:len(tune.notes)]] == [n.start for n in tune.notes]
    assert piece.genre == "jazz" and piece.key == tune.key and piece.duration_s >= 20


def test_silence_and_speech_are_no_tune(speech):
    import soundfile

    assert hear.hear(np.zeros(3 * 22050, np.float32), 22050).tune is None
    audio, rate = soundfile.read(speech("listen to this, I will hum it for you and then you make it into a song "
                                        "please"), dtype="float32")
    assert hear.hear(audio, rate).tune is None


def test_a_long_hum_is_cut_to_thirty_seconds():
    sung = [humset.sing(t, i) for i, t in enumerate(humset.load()[:12])]
    audio = np.concatenate([s.audio for s in sung])
    assert len(audio) / 22050 > 100
    hearing = hear.hear(audio, 22050)
    assert hearing.cut and hearing.tune is not None
    assert max(h.offset for h in hearing.heard) <= hear.MAX_S
