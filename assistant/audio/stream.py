"""Play a piece while it renders: the first block sounds within tens of milliseconds, at a loudness estimated from
the first seconds; when the whole piece is rendered and mastered, the rest of the playback switches to the master."""
from __future__ import annotations

import numpy as np

from assistant.audio.player import RATE, Player

HEAD_S = 2.0
BLOCK = 2205


def play_while_rendering(piece, player: Player, soundfont: str | None = None) -> np.ndarray:
    """Start `piece` on the player at once and return the mastered audio, whose unplayed part then plays."""
    from generators.master import CEILING_DBTP, master, preview_gain
    from generators.render import SAMPLE_RATE, render_blocks

    assert SAMPLE_RATE == RATE
    voice = player.play(total=int(round(piece.duration_s * RATE)))
    ceiling = 10 ** (CEILING_DBTP / 20)
    raw: list[np.ndarray] = []
    gain, fed = None, 0
    for block in render_blocks(piece, soundfont, BLOCK):
        raw.append(block)
        if gain is None and sum(len(b) for b in raw) >= HEAD_S * RATE:
            gain = preview_gain(np.concatenate(raw), RATE)
        if gain is not None:
            for b in raw[fed:]:
                voice.feed(np.clip(b * gain, -ceiling, ceiling))
            fed = len(raw)
    audio = np.concatenate(raw) if raw else np.zeros((0, 2), np.float32)
    mastered = master(audio, RATE)
    if gain is None:  # shorter than the head: nothing was fed yet
        voice.feed(mastered)
    else:
        player.finish(voice, mastered)
    return mastered
