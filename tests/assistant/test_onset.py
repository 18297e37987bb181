"""The start of a word said over maestro's voice, given back from what AEC3's suppressor took (assistant/audio/
onset.py): a reply through a room, "stop" said over it 6 dB over its echo, the reply hushed 250 ms into the word as
the session hushes it, all through the microphone's canceller and cutter (bench_capture.cut)."""
from __future__ import annotations

import numpy as np
import pytest

from assistant.audio.constants import MIC_BLOCK, SPEECH_RATE
from assistant.audio.onset import HOP, MIN_PLAYED_S, NOTHING_PLAYED, History, RoomGain, _room_gain, over_echo, restored

RATE = SPEECH_RATE
REPLY = ("Here is an energetic rock song in E minor at a hundred and twenty eight BPM.",
         "I can make music in many styles, and change its tempo, key and instruments.")
SAID_AT_S = (5.0, 6.0, 6.5, 7.0)
"""Where "stop" is said, over different words of the reply."""


def _db(x: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(np.asarray(x, np.float64) ** 2) + 1e-12))


@pytest.fixture(scope="module")
def said_over_a_reply(monkeypatch_module):
    """For each of SAID_AT_S: the word's first sample in the utterance cut, and that utterance with its start given
    back and without (the canceller's output alone)."""
    from assistant.audio.files import read_speech
    from assistant.audio.mic import PRE_ROLL_S, Microphone
    from assistant.audio.room import echo_of, mixed
    from assistant.commands.bench_capture import cut
    from tests.conftest import synthesize

    reply = np.concatenate([read_speech(synthesize(line)) for line in REPLY])
    word = read_speech(synthesize("stop"))
    cases = []
    for at_s in SAID_AT_S:
        at = int(at_s * RATE)
        far = np.zeros(at + len(word) + RATE, np.float32)
        far[:len(reply)] = reply[:len(far)]
        far[at + int(0.25 * RATE):] = 0  # hushed once the word is heard
        near = mixed(word, echo_of(far, RATE, 0.05, 0.15, seed=1), at, 6.0)
        (start, given_back), = cut(near, far)[1]
        with monkeypatch_module.context() as m:
            m.setattr(Microphone, "_heard", lambda self, speech, tune: np.concatenate(speech))
            (start_alone, alone), = cut(near, far)[1]
        assert start_alone == start and len(alone) == len(given_back)
        cases.append((at - int((start - PRE_ROLL_S) * RATE), given_back, alone))
    return cases


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as m:
        yield m


def test_the_start_of_a_word_said_over_a_reply_is_given_back(said_over_a_reply):
    gained = [_db(back[w:w + RATE // 5]) - _db(alone[w:w + RATE // 5]) for w, back, alone in said_over_a_reply]
    assert min(gained) >= 1.5 and np.mean(gained) >= 4, gained  # measured: +3.0, +10.8, +4.4, +2.2 dB


def test_the_reply_before_the_word_stays_out(said_over_a_reply):
    for w, back, alone in said_over_a_reply:
        assert w >= RATE // 5
        before = slice(0, w)  # the pre-roll: the reply's echo alone, which the canceller took out
        assert _db(back[before]) <= _db(alone[before]) + 1.5
        assert _db(back[before]) <= -50


@pytest.mark.slow
def test_the_word_given_back_is_heard(said_over_a_reply):
    """What the session acts on over sound (Whisper base): "stop" is understood in 3 of the 4 (measured: the
    canceller's output alone gave "", "Yeah.", "Star." and "Stop.")."""
    from assistant.asr import load_recognizer
    from assistant.config import Config
    from intents.understand import Understander

    recognizer, understand = load_recognizer(Config(), playing=lambda: True), Understander()
    heard = [recognizer.transcribe(back).text for _, back, _ in said_over_a_reply]
    assert sum(understand(text).name == "stop" for text in heard) >= 3, heard


def test_where_nothing_was_played_the_utterance_is_the_cancelled_one():
    rng = np.random.default_rng(1)
    out, raw = rng.normal(0, 0.1, (2, 3 * RATE)).astype(np.float32)
    assert np.array_equal(restored(out, raw, np.zeros_like(out), RATE, RATE), out[RATE:])


def test_the_echo_alone_takes_nothing_from_the_microphone():
    """Where the raw microphone holds no more than the room's echo of what was played, the output is the
    canceller's own."""
    rng = np.random.default_rng(2)
    far = rng.normal(0, 0.1, 3 * RATE).astype(np.float32)
    raw = (0.5 * far).astype(np.float32)
    out = rng.normal(0, 0.001, 3 * RATE).astype(np.float32)
    assert np.array_equal(restored(out, raw, far, RATE, RATE), out[RATE:])


def test_over_echo_is_the_share_of_the_microphone_that_what_was_played_cannot_explain():
    """A reply through a room: its echo alone leaves next to nothing over the loudest echo the room could make; a
    word said over it (6 dB over the echo) most of the microphone's energy; where nothing was played, all of it.
    At the margin the microphone uses for OWN_OVER_ECHO."""
    from assistant.audio.files import read_speech
    from assistant.audio.mic import OWN_OVER_ECHO, TALKED_OVER_MARGIN_DB
    from assistant.audio.room import echo_of
    from tests.conftest import synthesize

    far = read_speech(synthesize(REPLY[0]))[:3 * RATE]
    echo = echo_of(far, RATE, 0.05, 0.15)
    word = read_speech(synthesize("stop"))[:RATE]
    heard = echo.copy()
    heard[2 * RATE:2 * RATE + len(word)] += word * 10 ** ((6 + _db(echo) - _db(word)) / 20)
    margin = TALKED_OVER_MARGIN_DB
    assert over_echo(echo, far, RATE, 2 * RATE, RATE, margin) < OWN_OVER_ECHO
    assert over_echo(heard, far, RATE, 2 * RATE, RATE, margin) > 0.5
    assert over_echo(heard, np.zeros_like(far), RATE, 2 * RATE, RATE, margin) == 1.0


def test_history_gives_the_samples_that_end_where_asked():
    history = History(RATE, 1.0, MIC_BLOCK)
    count = np.arange(3 * RATE, dtype=np.float32)
    for i in range(0, len(count), MIC_BLOCK):
        block = count[i:i + MIC_BLOCK]
        history.add(block, -block, 2 * block)
    out, raw, far = history.last(1000, skip=100)
    assert np.array_equal(out, count[-1100:-100]) and np.array_equal(raw, -out) and np.array_equal(far, 2 * out)
    assert len(history.last(5 * RATE)[0]) < 1.1 * RATE  # only about the last second is kept


def test_the_microphone_gives_back_the_span_of_the_utterance(monkeypatch):
    """The span the microphone hands over is the utterance's own: with nothing given back, the same samples as the
    VAD frames it was cut from."""
    import assistant.audio.onset as onset
    from assistant.audio.files import read_speech
    from assistant.audio.mic import Microphone
    from assistant.commands.bench_capture import cut
    from tests.conftest import synthesize

    said = read_speech(synthesize("make it a jazz tune"))
    near = np.concatenate([np.zeros(2 * RATE), said, np.zeros(RATE)]).astype(np.float32)
    far = np.full_like(near, 1e-3)  # something played, so the span is taken from the history
    monkeypatch.setattr(onset, "restored", lambda out, raw, far, before, rate, *given: out[before:])
    from_history = cut(near, far)[1]
    monkeypatch.setattr(Microphone, "_heard", lambda self, speech, tune: np.concatenate(speech))
    from_frames = cut(near, far)[1]
    assert len(from_history) == len(from_frames) == 1
    assert np.array_equal(from_history[0][1], from_frames[0][1])


def test_where_the_microphone_hears_no_echo_the_voice_is_the_raw_microphones():
    """Headphones, or a room that does not feed the speaker back: the microphone holds the voice alone, which AEC3
    took 10 dB down. Music had a silent stretch in the span the room's gain is learnt from; those frames teach
    nothing (NOTHING_PLAYED), so the voice comes back whole."""
    rng = np.random.default_rng(3)
    far = rng.normal(0, 0.1, 3 * RATE).astype(np.float32)
    far[:RATE // 2] = 0  # the music had not started yet
    raw = np.zeros(3 * RATE, np.float32)
    raw[RATE:] = rng.normal(0, 0.1, 2 * RATE)  # the voice, over the music, with no echo of it
    out = (raw * 0.3).astype(np.float32)
    back = restored(out, raw, far, RATE, RATE)
    assert _db(back[RATE // 10:] - raw[RATE + RATE // 10:]) - _db(raw[RATE:]) <= -20


def test_the_rooms_gain_is_each_bins_percentile_where_something_was_played():
    """As np.nanpercentile over the played frames of each bin (what it was before it was sorted once for all)."""
    import warnings

    from assistant.audio.onset import PERCENTILE

    rng = np.random.default_rng(0)
    for frames in (1, 2, 27, 125):
        p_raw = rng.random((frames, 257)) ** 3
        echo = rng.random((frames, 257)) ** 4 * 1e-6
        echo[rng.random(echo.shape) < 0.4] = 0.0
        echo[:, :5] = 0.0  # nothing played in these bins
        played = echo >= NOTHING_PLAYED
        with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # the all-NaN bins, where nothing was played
            expected = np.nan_to_num(np.nanpercentile(np.where(played, p_raw / echo, np.nan), PERCENTILE, axis=0))
        assert np.allclose(_room_gain(p_raw, echo), expected, rtol=1e-9, atol=0)


def test_a_bin_keeps_its_gain_while_nothing_is_played_in_it():
    """RoomGain: a span that plays in a bin for MIN_PLAYED_S teaches it; one that plays nothing there, or too
    briefly, leaves it as it was (a reply after a silence is not all given back as the user's)."""
    frames = round(MIN_PLAYED_S * RATE / HOP)
    room = RoomGain(RATE)
    echo = np.full((frames, 4), 1e-6)
    room.learn(np.full((frames, 4), 4e-6), echo)
    assert np.allclose(room.gain, 4.0)
    brief = echo.copy()
    brief[1:, 1] = 0.0  # played in one frame only
    brief[:, 2] = 0.0  # nothing played
    gain = room.learn(np.full((frames, 4), 9e-6), brief)
    assert np.allclose(gain, [9.0, 4.0, 4.0, 9.0])
