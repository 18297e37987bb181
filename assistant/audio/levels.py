"""How loud audio is, frame by frame: the player's resume (its phrase's start), the harness's wait for a sound, and
the echo bench's last sound all look at it so."""
from __future__ import annotations

import numpy as np


def frame_rms(audio: np.ndarray, hop: int) -> np.ndarray:
    """The RMS of each whole `hop`-frame stretch of `audio` (mono, or frames × channels: all channels together); a
    last partial stretch is left out."""
    width = hop * (audio.shape[1] if audio.ndim > 1 else 1)
    whole = audio[:len(audio) // hop * hop].reshape(-1, width)
    return np.sqrt((whole.astype(np.float64) ** 2).mean(axis=1))
