"""assistant/asr/denoise.py: steady noise is taken out before Whisper, changing sound (music) is left alone."""
import numpy as np

from assistant.asr.denoise import STEADY, denoised, spread
from assistant.audio.room import mixed, played
from generators.hum.humset import pink

RATE = 16000


def capture(noise: np.ndarray, said: np.ndarray) -> np.ndarray:
    """`said` 0.5 s into the noise (the microphone's pre-roll), 5 dB over it."""
    return mixed(said, noise, RATE // 2, 5)


def test_steady_noise_is_suppressed_and_music_is_not(speech):
    from assistant.audio.files import read_speech

    said = read_speech(speech("add a flute"))
    n = len(said) + RATE
    hiss = capture(pink(np.random.default_rng(0), n).astype(np.float32), said)
    song = capture(played("jazz", n / RATE + 1)[RATE // 2:RATE // 2 + n], said)
    assert spread(hiss[:RATE // 4]) < STEADY < spread(song[:RATE // 4])
    cleaned = denoised(hiss)
    before, after = (float(np.mean(x[RATE // 4:RATE // 2] ** 2)) for x in (hiss, cleaned))  # noise alone
    assert 10 * np.log10(before / after) > 5  # 7.5 dB here, at the suppressor's mildest level but one
    assert denoised(song) is song


def test_short_or_silent_audio_passes_through():
    blip = np.ones(100, np.float32)
    assert denoised(blip) is blip  # too short to tell
    quiet = denoised(np.zeros(RATE, np.float32))
    assert len(quiet) == RATE and not quiet.any()
