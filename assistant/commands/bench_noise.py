"""`maestro bench`'s noisy-room figure: requests said while another source sounds in the room, pink noise or music
that maestro is not playing (so no canceller can take it out), 10 dB and 5 dB under the speech, understood.

Each held-out request (the spoken set, in scope) is said after LEAD_S of the noise, which goes on for TAIL_S after
it. The speech's active level is set the given number of dB over the noise's level over the same span. Music is a
render of one of six genres in turn, heard through one of bench_echo's rooms in turn, starting at a different
place each time. The capture goes through the live path but PortAudio: the microphone's utterance cutter (no
canceller) with the session's end-of-query detection (bench_capture), then Whisper (as the session chooses it with
nothing played: asr_model_over_sound for a noisy utterance, assistant.asr.noisy, heard again by beam search where
the intent model is unsure of it) and the intent model.

Understood: the intent right (`noisy_accuracy`), and its slots too (`noisy_slot_accuracy`), per noise and level.
As in the session, an utterance whose transcript is rejected (no speech, a hallucination) is dropped, and the
first one left that overlaps the request is acted on. `noisy_missed` counts requests with none,
`noisy_false_requests` utterances heard in the noise before the request. `noisy_idle_false_requests`: requests
heard in IDLE_MIN minutes of each noise alone, through the microphone with the echo canceller on and nothing
playing (since session 15 at the usual speech thresholds: the canceller's lower ones, mic.CANCELLED_START, hold
only while maestro's output sounds)."""
from __future__ import annotations

from typing import Any

import numpy as np

from assistant.commands.bench_capture import Early, cut, heard, understood

N = 200
"""All the held-out requests in scope."""
SNRS_DB = (10, 5)
NOISES = ("pink", "music")
LEAD_S = 1.0
TAIL_S = 2.0
MUSIC_S = 40.0
"""Length of each genre's render; each request takes its stretch of it from a different offset."""
IDLE_MIN = 10.0
STRETCH_S = 30.0


def _noise(kind: str, n: int, i: int, music: dict[str, np.ndarray]) -> np.ndarray:
    """n samples of the room's other sound for request i."""
    from assistant.audio.constants import SPEECH_RATE
    from assistant.audio.room import echo_of
    from assistant.commands.bench_barge_in import GENRES
    from assistant.commands.bench_echo import ROOMS
    from generators.hum.humset import pink

    rng = np.random.default_rng(i)
    if kind == "pink":
        return pink(rng, n).astype(np.float32)
    song = music[GENRES[i % len(GENRES)]]
    start = int(rng.integers(0, len(song) - n))
    return echo_of(song[start:start + n], SPEECH_RATE, *ROOMS[i % len(ROOMS)], seed=i)


def idle_false_requests(recognizer, music: dict[str, np.ndarray], minutes: float = IDLE_MIN) -> dict[str, int]:
    """For each noise, the requests the session would act on (transcripts not rejected) from `minutes` of it alone
    (STRETCH_S stretches, as `_noise` makes them), cut by the cancelling microphone with nothing playing."""
    from assistant.audio.constants import SPEECH_RATE

    out = {}
    for kind in NOISES:
        stretches = range(round(minutes * 60 / STRETCH_S))
        capture = np.concatenate([_noise(kind, int(STRETCH_S * SPEECH_RATE), i, music) for i in stretches])
        _, found = cut(capture, np.zeros_like(capture))
        out[kind] = sum(bool(recognizer.transcribe(audio).text) for _, audio in found)
    return out


def heard_in(capture: np.ndarray, recognizer, early: Early) -> tuple[list[str], list[str]]:
    """The transcripts the session would act on from a capture: of utterances over before the request, and of
    those overlapping it."""
    return heard(cut(capture, early=early)[1], LEAD_S, recognizer)


def measure(understand, n: int = N) -> dict:
    from assistant.asr import load_recognizer
    from assistant.asr.evaluate import spoken_set
    from assistant.audio.constants import SPEECH_RATE
    from assistant.audio.room import mixed, played
    from assistant.commands.bench_barge_in import GENRES
    from assistant.config import Config

    # as the session hears, with nothing played, an unsure hearing heard again
    recognizer = load_recognizer(Config(), playing=lambda: False,
                                 sure=lambda text: understand(text).confidence)
    early = Early(recognizer, lambda text: understand(text).name != "unknown")
    items = [(case, audio) for case, audio in spoken_set() if case["intent"] != "unknown"]
    items = items[::max(1, len(items) // n)][:n]  # fewer: spread over the set, which runs intent by intent
    music = {genre: played(genre, MUSIC_S) for genre in GENRES}
    out: dict[str, Any] = {key: {} for key in ("noisy_accuracy", "noisy_slot_accuracy", "noisy_missed",
                                               "noisy_false_requests")}
    for kind in NOISES:
        for snr in SNRS_DB:
            results = []
            for i, (case, said) in enumerate(items):
                noise = _noise(kind, len(said) + int((LEAD_S + TAIL_S) * SPEECH_RATE), i, music)
                results.append((case, *heard_in(mixed(said, noise, int(LEAD_S * SPEECH_RATE), snr), recognizer,
                                                early)))
            for key, value in understood(understand, results).items():
                out[f"noisy_{key}"][f"{kind} {snr}dB"] = value
    out["noisy_requests"] = len(items)
    out["noisy_idle_false_requests"] = idle_false_requests(recognizer, music)
    return out
