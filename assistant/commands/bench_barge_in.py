"""`maestro bench`'s barge-in figure: requests said over maestro's music, with the echo cancelled, understood.

Each of the first 30 held-out requests (the spoken set, in scope) is said 8 s into a piece (six genres in turn)
played through a room (bench_echo.ROOMS in turn, one canceller a room kept from request to request, as one
lives as long as the session), its active speech as loud as the music's echo over the same span
(0 dB) and 6 dB louder. The capture goes through the live path but PortAudio: the microphone's canceller (AEC3),
its utterance cutter with the session's end-of-query detection (bench_capture), then Whisper (the model for what
is said while maestro plays, asr_model_over_sound) and the intent model. The music ducks as the session ducks it:
from the cutter's speech start, at once (a first pass finds that start, a second hears the ducked capture). As in
the session, utterances whose transcript is rejected are dropped and the first one left that overlaps the request
is acted on. Understood: the intent right (`barge_in_accuracy`), and its slots too
(`barge_in_slot_accuracy`); `barge_in_false_requests` counts utterances heard in the music before the request."""
from __future__ import annotations

from typing import Any

import numpy as np

from assistant.audio.room import played
from assistant.commands.bench_capture import Early, cut, ended_by, heard, understood

N = 30
RATIOS_DB = (0, 6)
GENRES = ("rock", "pop", "lofi", "funk", "jazz", "metal")
LEAD_S = 8.0
"""Music before the request: the canceller has converged by then."""
EARLY_S = LEAD_S - 0.5
"""Where no utterance is open over the request in the first pass, the music ducks at the first speech start after
this."""
DUCK_LATENCY_S = 0.01
"""From the speech start to the ducked music at the speaker. With the echo cancelled the player drops its buffered
output to duck (Player.duck at_once): the music's level fell 3-4 ms after the call at the virtual speaker's monitor,
against 223-244 ms through the buffer (session 12)."""
TAIL_S = 2.0


def _said_over(music: np.ndarray, said: np.ndarray, room: tuple[float, float], ratio_db: float, seed: int,
               canceller, early: Early) -> tuple[list[float], list[tuple[float, np.ndarray]]]:
    from assistant.audio.constants import SPEECH_RATE
    from assistant.audio.player import DUCK
    from assistant.audio.room import echo_of, mixed

    at = int(LEAD_S * SPEECH_RATE)
    far = music[:at + len(said) + int(TAIL_S * SPEECH_RATE)].copy()
    echo = echo_of(far, SPEECH_RATE, *room, seed=seed)
    starts, found = cut(mixed(said, echo, at, ratio_db), far, canceller)
    open_at = [start for start, audio in found if not ended_by(start, audio, LEAD_S)]
    heard_at = open_at[0] if open_at else next((s for s in starts if s >= EARLY_S), None)  # the music ducks there
    if heard_at is None:
        return starts, found
    far[int((heard_at + DUCK_LATENCY_S) * SPEECH_RATE):] *= DUCK
    ducked = echo_of(far, SPEECH_RATE, *room, seed=seed)
    return cut(mixed(said, ducked, at, ratio_db, level_of=echo), far, canceller, early)


def measure(understand, n: int = N) -> dict:
    from assistant.asr import load_recognizer
    from assistant.asr.evaluate import spoken_set
    from assistant.audio.constants import SPEECH_RATE
    from assistant.audio.echo import Canceller
    from assistant.commands.bench_echo import ROOMS
    from assistant.config import Config

    recognizer = load_recognizer(Config(), playing=lambda: True)  # as the session hears what is said over music
    early = Early(recognizer, lambda text: understand(text).name != "unknown")
    items = [(case, audio) for case, audio in spoken_set(limit=n) if case["intent"] != "unknown"]
    longest = LEAD_S + max(len(a) for _, a in items) / SPEECH_RATE + TAIL_S + 1
    music = {genre: played(genre, longest) for genre in GENRES}
    out: dict[str, Any] = {"barge_in_accuracy": {}, "barge_in_slot_accuracy": {}, "barge_in_false_requests": {}}
    for ratio in RATIOS_DB:
        cancellers = [Canceller(SPEECH_RATE) for _ in ROOMS]  # one a room, as one lives as long as the session
        results = []
        for i, (case, said) in enumerate(items):
            room = i % len(ROOMS)
            _, found = _said_over(music[GENRES[i % len(GENRES)]], said, ROOMS[room], ratio, i, cancellers[room],
                                  early)
            results.append((case, *heard(found, LEAD_S, recognizer)))
        figures = understood(understand, results)
        for key in ("accuracy", "slot_accuracy", "false_requests"):
            out[f"barge_in_{key}"][f"{ratio}dB"] = figures[key]
    out["barge_in_requests"] = len(items)
    return out
