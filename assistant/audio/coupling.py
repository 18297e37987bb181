"""Does the microphone hear the speaker at all?

With headphones, or a microphone the speaker does not reach, there is no echo to cancel, but AEC3 does not know
that for a long while: whatever the microphone hears while something plays, it takes down as if it were echo.
Over the music it left "what key is this in" as "What he is this in." (taken for "what is this"), or so low that
Silero never rated it speech and nothing was heard (2 of 4 live runs of test_audio's spoken requests with the
canceller on and no echo in the room, session 17). The raw microphone had it whole.

So the microphone is compared with itself: the FLOOR_PERCENTILE-th of its levels over the last PLAYING_S of blocks
where something had been playing for SETTLED_S (any echo has arrived by then), against the same over the last IDLE_S
where nothing had been played for TAIL_S. A low percentile, because a voice can only add to what the microphone
holds: between the user's words it falls back to its floor where the speaker is not heard, and to the echo where
it is. Within UNHEARD_DB of the floor, the speaker is not heard, and the raw microphone is what is listened to; over
it by HEARD_DB, it is, and the canceller's output is. Until both spans hold MIN_S (a session that has played
nothing yet, or for the first SETTLED_S + MIN_S of its first piece) the speaker is taken as heard, as a microphone
with the canceller on always was before. Soft music whose echo is lost in the room's own noise is not heard either,
and needs no cancelling."""
from __future__ import annotations

import collections

import numpy as np

PLAYING_S = 3.0
IDLE_S = 10.0
MIN_S = 0.2
"""Each span must hold at least this much before the microphone is judged."""
HEARD_AGAIN_S = 1.5
"""Once found not heard, the speaker is heard again only from this much of what was played on: over a shorter span,
a voice said as a piece starts can fill the microphone between its words (a live run flipped so mid-request)."""
SETTLED_S = 0.2
"""Something played this long, without a break, has reached the microphone, if anything does (the echo's delay
behind the reference, measured here: 60-170 ms)."""
TAIL_S = 1.0
"""After something sounded, blocks are not idle for this long (the echo's tail)."""
FLOOR_PERCENTILE = 20
UNHEARD_DB = 3.0
HEARD_DB = 6.0
SOUNDING_DB = -60.0
"""A reference block at or over this level (dBFS) is something played."""


def level_db(x: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(np.square(x, dtype=np.float64)) + 1e-12))


class Coupling:
    """The microphone's levels while something plays and while nothing does, block by block."""

    def __init__(self, rate: int, block: int):
        self._playing: collections.deque[float] = collections.deque(maxlen=round(PLAYING_S * rate / block))
        self._idle: collections.deque[float] = collections.deque(maxlen=round(IDLE_S * rate / block))
        self._min_blocks = round(MIN_S * rate / block)
        self._again_blocks = round(HEARD_AGAIN_S * rate / block)
        self._tail_blocks = round(TAIL_S * rate / block)
        self._settled_blocks = round(SETTLED_S * rate / block)
        self._since_played = self._tail_blocks
        """Blocks since the reference last sounded."""
        self._sounding = 0
        """Blocks the reference has sounded for without a break."""
        self.heard = True
        """The microphone hears what the speaker plays (or that is not known yet)."""

    def add(self, raw: np.ndarray, far: np.ndarray) -> None:
        """A block as the microphone caught it, and what was played as it was caught."""
        if level_db(far) >= SOUNDING_DB:
            self._since_played, self._sounding = 0, self._sounding + 1
            if self._sounding > self._settled_blocks:
                self._playing.append(level_db(raw))
        else:
            self._since_played, self._sounding = self._since_played + 1, 0
            if self._since_played >= self._tail_blocks:
                self._idle.append(level_db(raw))
        self._judge()

    def _judge(self) -> None:
        if len(self._playing) < self._min_blocks or len(self._idle) < self._min_blocks:
            return
        over = float(np.percentile(self._playing, FLOOR_PERCENTILE) - np.percentile(self._idle, FLOOR_PERCENTILE))
        if over <= UNHEARD_DB:
            self.heard = False
        elif over >= HEARD_DB and (self.heard or len(self._playing) >= self._again_blocks):
            self.heard = True
