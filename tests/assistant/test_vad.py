"""Silero VAD frame by frame (assistant/asr/vad.py): the carried state drifts over a long stream, and Renewed
bounds its memory."""
import numpy as np
import pytest

from assistant.asr.vad import RENEW_S, Renewed, Stream
from assistant.audio.constants import SPEECH_RATE
from assistant.audio.files import read_speech

pytestmark = pytest.mark.slow


def probabilities(vad, audio: np.ndarray) -> np.ndarray:
    """The speech probability of each whole frame of `audio`, from `vad` (a Stream or a Renewed)."""
    return np.array([vad(audio[i:i + Stream.FRAME]) for i in range(0, len(audio) - Stream.FRAME + 1, Stream.FRAME)])


def test_renewed_is_a_carried_stream_until_its_first_renewal(speech):
    said = read_speech(speech("make it faster"))
    frames = round(RENEW_S * SPEECH_RATE / Stream.FRAME)
    assert np.array_equal(probabilities(Renewed(), said)[:frames], probabilities(Stream(), said)[:frames])


def test_after_a_minute_of_silence_a_word_is_heard_as_at_once(speech):
    """A carried state, a minute on, rates "stop" 0.65 (0.94 at once); Renewed as at once."""
    said = read_speech(speech("stop"))
    at_once = probabilities(Stream(), said).max()
    feed = np.concatenate([np.zeros(60 * SPEECH_RATE, np.float32), said])
    word = slice(60 * SPEECH_RATE // Stream.FRAME, None)
    assert probabilities(Renewed(), feed)[word].max() > at_once - 0.05
    assert probabilities(Stream(), feed)[word].max() < at_once - 0.2
