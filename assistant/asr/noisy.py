"""Is an utterance said over other sound in the room? Its signal-to-noise ratio, guessed from the utterance alone
(with its pre-roll): the loud end of its 20 ms frame levels (the voice) over the quiet end (what is left between
the words and before them: the room).

On bench_noise's captures as the microphone cuts them (100 held-out requests each; session 17): said in a quiet
room, 47-56 dB (5th-95th percentile); into other music 10 dB under the voice, 8-17 dB; 5 dB under, 5-16 dB. Whisper
base understood more of the noisy ones than tiny.en did (music at 10 dB 0.98 against 0.95, at 5 dB 0.87 against
0.82), the quiet ones alike (0.99): so an utterance under NOISY_DB is heard by the larger model (OverSound)."""
from __future__ import annotations

import numpy as np

FRAME = 320
"""20 ms at 16 kHz."""
VOICE_PERCENTILE, ROOM_PERCENTILE = 90, 15
NOISY_DB = 25.0


def snr_db(audio: np.ndarray) -> float:
    """The loud end of the utterance's frame levels over its quiet end, in dB; 0 when it is under one frame."""
    frames = audio[:len(audio) // FRAME * FRAME].reshape(-1, FRAME).astype(np.float64)
    if not len(frames):
        return 0.0
    levels = 10 * np.log10(np.mean(frames ** 2, axis=1) + 1e-12)
    return float(np.percentile(levels, VOICE_PERCENTILE) - np.percentile(levels, ROOM_PERCENTILE))


def noisy(audio: np.ndarray) -> bool:
    return snr_db(audio) < NOISY_DB
