"""The signal-to-noise ratio guessed from an utterance alone (assistant/asr/noisy.py): a request said in a quiet
room stands far over NOISY_DB, the same said into music or pink noise 10 dB under it falls under."""
from __future__ import annotations

import numpy as np
import pytest

from assistant.asr.noisy import NOISY_DB, noisy, snr_db
from assistant.audio.room import mixed
from generators.hum.humset import pink


@pytest.fixture
def said(speech) -> np.ndarray:
    from assistant.audio.files import read_speech

    return read_speech(speech("make it a jazz tune with a flute"))


def test_a_request_in_a_quiet_room_is_not_noisy(said):
    room = np.random.default_rng(0).normal(0, 1e-4, len(said) + 16000).astype(np.float32)  # about -80 dBFS
    assert snr_db(mixed(said, room, 8000, 50)) > NOISY_DB + 10


def test_a_request_into_noise_or_music_10_db_under_it_is(said):
    from assistant.audio.room import played

    music = played("rock", len(said) / 16000 + 2)[:len(said) + 16000]
    for noise in (pink(np.random.default_rng(1), len(said) + 16000).astype(np.float32), music):
        assert noisy(mixed(said, noise, 8000, 10))


def test_under_one_frame_there_is_nothing_to_guess_from():
    assert snr_db(np.zeros(100, np.float32)) == 0.0
