"""Telling maestro's own output that the echo canceller let through from the user (assistant/audio/doubletalk.py):
the echo of a reply follows it, a voice over it does not, and a jump in the echo's delay (AEC3 then lets the
reply through) starts no utterance while a voice said over the same reply still does."""
from __future__ import annotations

import numpy as np
import pytest

from assistant.audio.doubletalk import MAX_LAG_S, NEAR_FOLLOWS, WINDOW_S, follows
from assistant.audio.room import echo_of

RATE = 16000
WINDOW, LAGS = round(WINDOW_S * RATE), round(MAX_LAG_S * RATE)


def voice(speech, text: str) -> np.ndarray:
    """piper's voice saying `text` (noise off: the same on every machine), mono at RATE."""
    from assistant.audio.files import read_music

    return read_music(speech(text), RATE).mean(axis=1)


@pytest.fixture
def reply(speech) -> np.ndarray:
    return voice(speech, "I make and change music. Try: make a calm lo-fi beat, then make it faster.")


@pytest.fixture
def stop(speech) -> np.ndarray:
    said = voice(speech, "stop")
    return said[np.flatnonzero(np.abs(said) > 0.01)[0]:]  # from its first sound


def said_over(near: np.ndarray, said: np.ndarray, at: int) -> np.ndarray:
    """`said` added to `near` from sample `at`, as loud over its span as what `near` holds there (0 dB). (Not
    room.mixed, which matches its active speech only: "stop" would be quieter.)"""
    span = slice(at, at + len(said))
    out = near.copy()
    out[span] += said * np.sqrt(np.mean(near[span] ** 2) / np.mean(said ** 2))
    return out


def at(heard: np.ndarray, played: np.ndarray, end: int) -> float:
    return follows(heard[end - WINDOW:end], played[end - WINDOW - LAGS:end], RATE)


def test_the_echo_of_what_was_played_follows_it(reply):
    """At any delay within MAX_LAG_S, in a room with a short tail. (With a 0.15 s tail some windows fall to
    0.9, with 0.3 s many to 0.8: there fewer leaks are caught.)"""
    far = np.concatenate([np.zeros(RATE, np.float32), reply])
    ends = range(RATE + WINDOW, len(far), RATE // 10)
    for delay_s in (0.02, 0.1, 0.25):
        near = echo_of(far, RATE, delay_s, 0.05, seed=2)
        assert np.mean([at(near, far, end) >= NEAR_FOLLOWS for end in ends]) >= 0.9, delay_s


def test_a_voice_over_the_echo_does_not(reply, stop):
    far = np.concatenate([np.zeros(RATE, np.float32), reply])
    start = RATE + RATE // 2
    near = said_over(echo_of(far, RATE, 0.05, 0.15, seed=2), stop, start)
    assert at(near, far, start + WINDOW) < NEAR_FOLLOWS


def test_silence_follows_nothing(reply):
    quiet = np.zeros(WINDOW + LAGS, np.float32)
    assert follows(quiet[-WINDOW:], quiet, RATE) == -1.0
    assert follows(reply[RATE:RATE + WINDOW], quiet, RATE) == -1.0


def starts(near: np.ndarray, far: np.ndarray) -> list[float]:
    """The speech starts (s) the cancelling microphone's cutter finds."""
    from assistant.commands.bench_capture import cut

    return cut(near, far)[0]


def jumped(reply: np.ndarray, jump_s: float) -> tuple[np.ndarray, np.ndarray, int]:
    """Two replies through a room; the second one's echo comes `jump_s` later against the reference than the
    first's (as after an output restart whose stamps disagree with the last stream's). Returns the microphone,
    the reference and where the second reply starts."""
    gap = np.zeros(RATE, np.float32)
    far = np.concatenate([gap, reply, gap, reply, gap])
    echo = echo_of(far, RATE, 0.05, 0.15, seed=1)
    second, shift = 2 * len(gap) + len(reply), round(jump_s * RATE)
    near = echo.copy()
    near[second:] = echo[second - shift:len(echo) - shift]
    return near, far, second


def test_a_jump_in_the_echo_delay_starts_no_utterance(reply, stop, monkeypatch):
    """AEC3 takes more than a second to find a delay that jumped by 100 ms, and lets the reply through meanwhile:
    without the check that starts an utterance (which would hush the reply); with it, none starts, and "stop" said
    over the reply (0 dB) is still heard at once."""
    from assistant.audio.mic import Microphone

    near, far, second = jumped(reply, 0.1)
    assert starts(near, far) == []
    said_at = second + RATE // 2
    heard = starts(said_over(near, stop, said_at), far)
    assert len(heard) == 1 and 0 <= heard[0] - said_at / RATE <= 0.3, heard
    with monkeypatch.context() as without:
        without.setattr(Microphone, "_leaked", lambda self: False)
        assert starts(near, far)  # without the check, the leak starts one
