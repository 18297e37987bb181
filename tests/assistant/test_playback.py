"""The live session's player owner (assistant/playback.py): what the microphone takes for the user talking over a
reply hushes it, and the reply goes on when that proves to be no request."""
from __future__ import annotations

import time

import numpy as np

from assistant.audio.constants import MUSIC_RATE
from assistant.audio.player import Player
from assistant.config import Config
from assistant.playback import Live


def _live(echo_cancel: bool = True) -> Live:
    return Live(Player(), None, Config(echo_cancel=echo_cancel))  # never opened: the state is what is checked


def _reply() -> np.ndarray:
    return np.full((MUSIC_RATE, 2), 0.1, np.float32)


def test_a_start_dropped_by_the_microphone_lets_the_reply_go_on():
    live = _live()
    live.say(_reply())
    live.user_speaks(True)
    assert not live.player.speaking()
    live.user_speaks(False)  # a blip, or maestro's own voice let through
    assert live.player.speaking()


def test_a_reply_being_made_is_said_when_what_started_was_no_request():
    live = _live()
    asked = time.monotonic()
    live.user_speaks(True)
    live.say(_reply(), asked)  # hushed: the user talked after it was asked for
    assert not live.player.speaking()
    live.user_speaks(False)
    live.say(_reply(), asked)
    assert live.player.speaking()


def test_a_request_keeps_the_reply_hushed():
    live = _live()
    live.say(_reply())
    live.user_speaks(True)  # the utterance is yielded (no user_speaks(False)): a request, acted on
    live.user_speaks(True)  # the next start, with nothing speaking
    live.user_speaks(False)
    assert not live.player.speaking()


def test_without_the_canceller_nothing_is_hushed_or_resumed():
    live = _live(echo_cancel=False)
    live.say(_reply())
    live.user_speaks(True)
    assert live.player.speaking()
    live.player.hush()
    live.resume_reply()
    assert not live.player.speaking()
