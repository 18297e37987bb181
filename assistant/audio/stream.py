"""Play a piece while it renders: the first block sounds within tens of milliseconds, at a loudness estimated from
the first seconds; when the whole piece is rendered and mastered, the rest of the playback switches to the master."""
from __future__ import annotations

from typing import Iterable

import numpy as np

from assistant.audio.constants import MUSIC_RATE
from assistant.audio.player import Player

HEAD_S = 2.0


def play_while_rendering(blocks: Iterable[np.ndarray], frames: int, player: Player) -> np.ndarray:
    """Play raw blocks (44.1 kHz, `frames` in all) as they come and return the mastered whole, whose unplayed part
    then replaces the preview."""
    from generators.master import CEILING_DBTP, master, preview_gain

    voice = player.play(total=frames)
    ceiling = 10 ** (CEILING_DBTP / 20)
    raw: list[np.ndarray] = []
    gain, fed = None, 0
    for block in blocks:
        raw.append(block)
        if gain is None and sum(len(b) for b in raw) >= HEAD_S * MUSIC_RATE:
            gain = preview_gain(np.concatenate(raw), MUSIC_RATE)
        if gain is not None:
            for b in raw[fed:]:
                voice.feed(np.clip(b * gain, -ceiling, ceiling))
            fed = len(raw)
    audio = np.concatenate(raw) if raw else np.zeros((0, 2), np.float32)
    mastered = master(audio, MUSIC_RATE)
    if gain is None:  # shorter than the head: nothing was fed yet
        voice.feed(mastered)
    else:
        player.finish(voice, mastered)
    return mastered
