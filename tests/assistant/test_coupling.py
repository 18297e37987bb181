"""Whether the microphone hears the speaker at all (assistant/audio/coupling.py): not with headphones, where what
it hears while music plays is only the room's own noise; yes where the music's echo reaches it; and, until both
are known, taken as heard."""
from __future__ import annotations

import numpy as np

from assistant.audio.constants import MIC_BLOCK, SPEECH_RATE
from assistant.audio.coupling import Coupling
from assistant.audio.room import echo_of

SILENCE = np.zeros(MIC_BLOCK, np.float32)


def room_noise(seconds: float, seed: int = 0) -> np.ndarray:
    """The microphone's own floor: noise at about -60 dBFS."""
    return np.random.default_rng(seed).normal(0, 1e-3, round(seconds * SPEECH_RATE)).astype(np.float32)


def music(seconds: float, seed: int = 1) -> np.ndarray:
    """Something played: a chord whose loudness swells and falls, at about -20 dBFS."""
    t = np.arange(round(seconds * SPEECH_RATE)) / SPEECH_RATE
    chord = sum(np.sin(2 * np.pi * f * t) for f in (220.0, 277.2, 329.6)) / 3
    return (0.15 * chord * (0.6 + 0.4 * np.sin(2 * np.pi * 0.5 * t))).astype(np.float32)


def fed(coupling: Coupling, raw: np.ndarray, far: np.ndarray | None = None) -> Coupling:
    far = np.zeros_like(raw) if far is None else far
    for i in range(0, len(raw) - MIC_BLOCK + 1, MIC_BLOCK):
        coupling.add(raw[i:i + MIC_BLOCK], far[i:i + MIC_BLOCK])
    return coupling


def test_before_anything_is_played_the_speaker_is_taken_as_heard():
    coupling = fed(Coupling(SPEECH_RATE, MIC_BLOCK), room_noise(5))
    assert coupling.heard


def test_a_microphone_that_hears_only_its_room_while_music_plays_does_not_hear_the_speaker():
    coupling = fed(Coupling(SPEECH_RATE, MIC_BLOCK), room_noise(2))
    assert fed(coupling, room_noise(0.3, seed=2), music(0.3)).heard  # not yet known
    assert not fed(coupling, room_noise(1, seed=3), music(1)).heard


def test_a_digitally_silent_microphone_does_not_hear_it_either():
    """The test harness's virtual microphone with no loop from the speaker."""
    coupling = fed(Coupling(SPEECH_RATE, MIC_BLOCK), np.zeros(2 * SPEECH_RATE, np.float32))
    assert not fed(coupling, np.zeros(2 * SPEECH_RATE, np.float32), music(2)).heard


def test_the_musics_echo_is_heard_even_far_under_the_music():
    """Where its softest moments stand clear of the room's noise."""
    played = music(4)
    coupling = fed(Coupling(SPEECH_RATE, MIC_BLOCK), room_noise(2))
    for gain in (0.5, 0.2):  # -6 and -14 dB
        echo = echo_of(played, SPEECH_RATE, 0.05, 0.15, gain=gain) + room_noise(4, seed=4)
        assert fed(coupling, echo, played).heard, gain


def test_a_voice_over_music_the_microphone_does_not_hear_does_not_make_it_heard():
    """The user talking over the music (with headphones on) fills the microphone, but falls back to its floor
    between words."""
    t = np.arange(3 * SPEECH_RATE) / SPEECH_RATE
    words = (0.1 * np.sin(2 * np.pi * 150 * t) * (np.sin(2 * np.pi * 2 * t) > -0.3)).astype(np.float32)
    coupling = fed(Coupling(SPEECH_RATE, MIC_BLOCK), room_noise(2))
    assert not fed(coupling, room_noise(3, seed=7) + words, music(3)).heard


def test_once_the_echo_comes_back_it_is_heard_again():
    """Headphones unplugged: the laptop's speakers play, and the microphone hears them."""
    played = music(3)
    coupling = fed(Coupling(SPEECH_RATE, MIC_BLOCK), room_noise(2))
    fed(coupling, room_noise(2, seed=5), played[:2 * SPEECH_RATE])
    assert not coupling.heard
    assert fed(coupling, echo_of(played, SPEECH_RATE, 0.05, 0.15) + room_noise(3, seed=6), played).heard
