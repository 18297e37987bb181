"""Reading the user's audio files (WAV, FLAC, OGG, MP3 at any rate and channel count)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from assistant.audio.constants import SPEECH_RATE
from assistant.errors import UserError

MAX_SPEECH_S = 60.0


def read(path: Path) -> tuple[np.ndarray, int]:
    """(float32 frames × channels, rate). A file that is not audio is one clear UserError."""
    import soundfile

    try:
        audio, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    except (RuntimeError, soundfile.LibsndfileError) as exc:
        raise UserError(f"{path}: not a readable audio file ({str(exc).splitlines()[0][:120]})") from None
    if len(audio) == 0:
        raise UserError(f"{path}: the file holds no audio")
    return audio, rate


def resample(audio: np.ndarray, rate: int, target: int) -> np.ndarray:
    if rate == target:
        return audio
    import soxr

    return soxr.resample(audio, rate, target).astype(np.float32)


def read_speech(path: Path) -> np.ndarray:
    """Mono 16 kHz float32, as Whisper wants; long recordings are cut to the first minute."""
    audio, rate = read(path)
    mono = audio.mean(axis=1)
    mono = mono[: int(MAX_SPEECH_S * rate)]
    return np.ascontiguousarray(resample(mono, rate, SPEECH_RATE), dtype=np.float32)


def read_music(path: Path, rate: int) -> np.ndarray:
    """Stereo float32 at `rate` for the player."""
    audio, file_rate = read(path)
    stereo = np.repeat(audio, 2, axis=1) if audio.shape[1] == 1 else audio[:, :2]
    return np.ascontiguousarray(resample(stereo, file_rate, rate), dtype=np.float32)
