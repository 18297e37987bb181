"""The player (assistant/audio/player.py): maestro's voice cut short by a hush and going on again (resume_voice)
where what hushed it was no request; live through the virtual speaker, nothing of the reply is lost."""
from __future__ import annotations

import numpy as np
import pytest

from assistant.audio.constants import MUSIC_RATE
from assistant.audio.player import MAX_RESUMES, RESUME_FADE, Player, Voice


def _reply(seconds: float) -> np.ndarray:
    tone = 0.3 * np.sin(2 * np.pi * 330 * np.arange(round(seconds * MUSIC_RATE)) / MUSIC_RATE)
    return np.stack([tone, tone], axis=1).astype(np.float32)


def _phrases(*parts: tuple[float, bool]) -> Voice:
    """A voice of (seconds, sounding) parts."""
    audio = np.concatenate([_reply(s) if on else np.zeros((round(s * MUSIC_RATE), 2), np.float32) for s, on in parts])
    voice = Voice(len(audio))
    voice.feed(audio)
    return voice


def test_a_hushed_voice_goes_on_from_its_phrase():
    player = Player()  # never opened: nothing plays, so nothing was buffered
    player.say(_phrases((1.0, True), (0.3, False), (1.0, True)).buffer)
    player.speech.pos = round(1.8 * MUSIC_RATE)
    player.hush()
    assert not player.speaking()
    assert player.resume_voice() and player.speaking()
    assert player.speech.pos == round(1.3 * MUSIC_RATE)  # where the phrase it was in began
    faded = player.speech.buffer[player.speech.pos:player.speech.pos + RESUME_FADE, 0]
    whole = _reply(1.0)[:RESUME_FADE, 0]
    assert abs(faded[1]) < 0.01 * abs(whole[1]) + 1e-6 and faded[-1] == pytest.approx(whole[-1], rel=0.01)
    assert not player.resume_voice()  # once


def test_only_the_voice_the_last_hush_cut_goes_on():
    player = Player()
    player.say(_reply(2.0))
    player.hush()
    player.say(_reply(1.0))  # maestro said something since: that is what plays
    assert not player.resume_voice() and len(player.speech.buffer) == MUSIC_RATE
    player.hush()
    player.hush()  # a second start with nothing speaking: the first one's voice is not brought back by it
    assert not player.resume_voice() and not player.speaking()
    player.say(_reply(2.0))
    player.hush()
    player.stop()
    assert not player.resume_voice()


def test_a_voice_goes_on_only_so_often():
    """Its own leak may hush it again and again (each hush moves the echo's delay): it does not loop on a phrase."""
    player = Player()
    player.say(_reply(2.0))
    for _ in range(MAX_RESUMES):
        player.hush()
        assert player.resume_voice()
    player.hush()
    assert not player.resume_voice() and not player.speaking()


def test_a_fade_in_never_touches_what_has_played():
    voice = Voice(1000)
    voice.feed(np.ones((1000, 2), np.float32))
    voice.pos = 400
    voice.fade_in(100)
    assert (voice.buffer[:400] == 1).all() and voice.buffer[400, 0] == 0 and (voice.buffer[500:] == 1).all()


@pytest.mark.audio
@pytest.mark.parametrize("resumed", [True, False])
def test_a_reply_hushed_and_resumed_loses_nothing(pulse, tmp_path, resumed):
    """A reply of two phrases (0.6 s, a 0.3 s pause, 2.1 s) hushed 1.5 s after it was asked for, in its second
    phrase (what the output had buffered is dropped), and 0.5 s later resumed: the speaker says the second phrase
    again, whole; not resumed, nothing sounds after the hush."""
    import os
    import time

    from tests.assistant.test_echo import frame_levels

    os.environ.update(pulse.env)
    player = Player(volume=100).open()
    try:
        rec = pulse.record_speaker(tmp_path / "speaker.wav")
        player.say(_phrases((0.6, True), (0.3, False), (2.1, True)).buffer)
        time.sleep(1.5)
        player.hush()
        time.sleep(0.5)
        if resumed:
            assert player.resume_voice()
        time.sleep(3.0)
        rec.stop()
    finally:
        player.close()
    sounding = np.concatenate([[0], frame_levels(tmp_path / "speaker.wav", 100) > 0.05, [0]]).astype(int)
    begins, ends = np.flatnonzero(np.diff(sounding) == 1), np.flatnonzero(np.diff(sounding) == -1)
    if resumed:
        assert len(begins) == 3 and (ends[-1] - begins[-1]) / 100 == pytest.approx(2.1, abs=0.03)
    else:
        assert len(begins) == 2 and (ends[-1] - begins[-1]) / 100 < 1.0


@pytest.mark.parametrize("at_s, back_to_s", [
    (3.6, 3.2),  # in the third phrase, after a 0.2 s pause: back to its start
    (2.5, 1.0),  # in the second, after a gap between words (50 ms): back to the first's start, after the silence
    (3.1, 3.1),  # between phrases: it stays
    (0.5, 0.5),  # in the silence before the voice
])
def test_a_resumed_voice_starts_its_phrase_again(at_s, back_to_s):
    voice = _phrases((1.0, False), (1.0, True), (0.05, False), (0.95, True), (0.2, False), (1.0, True))
    voice.pos = round(at_s * MUSIC_RATE)
    voice.back_to_pause(round(2.0 * MUSIC_RATE), round(0.15 * MUSIC_RATE), 0.003)
    assert voice.pos / MUSIC_RATE == pytest.approx(back_to_s, abs=0.011)


def test_a_long_phrase_is_not_gone_back_over_further_than_two_seconds():
    voice = _phrases((0.5, False), (5.0, True))
    voice.pos = 4 * MUSIC_RATE
    voice.back_to_pause(round(2.0 * MUSIC_RATE), round(0.15 * MUSIC_RATE), 0.003)
    assert voice.pos == 4 * MUSIC_RATE
