"""`maestro bench`'s barge-in figure: requests said over maestro's music, with the echo cancelled, understood.

Each of the first 30 held-out requests (the spoken set, in scope) is said 8 s into a piece (six genres in turn)
played through a room (bench_echo.ROOMS in turn, one canceller a room kept from request to request, as one
lives as long as the session), its active speech as loud as the music's echo over the same span
(0 dB) and 6 dB louder. The capture goes through the live path but PortAudio: the microphone's canceller (AEC3),
its utterance cutter with the session's end-of-query detection (bench_capture), then Whisper (the model for what
is said while maestro plays, asr_model_over_sound, heard again by beam search where the intent model is unsure of
it) and the intent model. The music ducks as the session ducks it:
from the cutter's speech start, at once (a first pass finds that start, a second hears the ducked capture). As in
the session, utterances whose transcript is rejected are dropped and the first one left that overlaps the request
is acted on. Understood: the intent right (`barge_in_accuracy`), and its slots too
(`barge_in_slot_accuracy`); `barge_in_false_requests` counts utterances heard in the music before the request.

`barge_in_reply_accuracy`: the same over one of maestro's replies, spoken over the ducked music from REPLY_LEAD_S
before the request, for the held-out requests one says to cut in (REPLY_INTENTS: "stop the song", "hang on a
second", "louder please", ...). The reply falls silent from the speech start, as Player.hush makes it. The replies
are piper's with its random variation off (until session 16 it was on, and this figure moved from 0.649 to 0.784
at 0 dB between runs of the same code)."""
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
REPLY_INTENTS = ("stop", "pause", "resume", "volume", "undo", "redo")
REPLIES = ("Here is an energetic rock song in E minor at 128 BPM, with drums, bass and a distorted guitar.",
           "I can make music in many styles, change its tempo, key and instruments, and tell you about it.",
           "I made it faster: 140 BPM now. Say undo to go back, or tell me what else to change.")
REPLY_LEAD_S = 1.5
"""How long the reply has been speaking when the request is said."""


def _said_over(music: np.ndarray, said: np.ndarray, room: tuple[float, float], ratio_db: float, seed: int,
               canceller, early: Early, reply: np.ndarray | None = None
               ) -> tuple[list[float], list[tuple[float, np.ndarray]]]:
    """The speech starts and utterances cut from `said` over the music (and over `reply`, from REPLY_LEAD_S before
    it, the music ducked under it), through the room and the canceller. From the speech start the music ducks, or
    the reply falls silent, and the capture is cut again as it then sounds."""
    from assistant.audio.constants import SPEECH_RATE
    from assistant.audio.player import DUCK
    from assistant.audio.room import echo_of, mixed

    at = int(LEAD_S * SPEECH_RATE)
    far = music[:at + len(said) + int(TAIL_S * SPEECH_RATE)].copy()
    voice = np.zeros_like(far)
    if reply is not None:
        begin = at - int(REPLY_LEAD_S * SPEECH_RATE)
        voice[begin:begin + len(reply)] = reply[:len(far) - begin]
        far *= DUCK
    played = far + voice
    echo = echo_of(played, SPEECH_RATE, *room, seed=seed)
    starts, found = cut(mixed(said, echo, at, ratio_db), played, canceller)
    open_at = [start for start, audio in found if not ended_by(start, audio, LEAD_S)]
    heard_at = open_at[0] if open_at else next((s for s in starts if s >= EARLY_S), None)  # the music ducks there
    if heard_at is None:
        return starts, found
    since = int((heard_at + DUCK_LATENCY_S) * SPEECH_RATE)
    if reply is None:
        far[since:] *= DUCK
    voice[since:] = 0  # the reply hushed
    played = far + voice
    ducked = echo_of(played, SPEECH_RATE, *room, seed=seed)
    return cut(mixed(said, ducked, at, ratio_db, level_of=echo), played, canceller, early)


def _heard_over(items, music: dict[str, np.ndarray], ratio_db: float, recognizer, early: Early,
                replies: list[np.ndarray] | None = None) -> list[tuple[dict, list[str], list[str]]]:
    """For each request, (case, transcripts heard before it, over it): said over the music of one genre after
    another (and over one reply after another), through one room after another."""
    from assistant.audio.constants import SPEECH_RATE
    from assistant.audio.echo import Canceller
    from assistant.commands.bench_echo import ROOMS

    cancellers = [Canceller(SPEECH_RATE) for _ in ROOMS]  # one a room, as one lives as long as the session
    results = []
    for i, (case, said) in enumerate(items):
        room = i % len(ROOMS)
        reply = replies[i % len(replies)] if replies else None
        _, found = _said_over(music[GENRES[i % len(GENRES)]], said, ROOMS[room], ratio_db, i, cancellers[room],
                              early, reply)
        results.append((case, *heard(found, LEAD_S, recognizer)))
    return results


def _replies() -> list[np.ndarray]:
    from assistant.audio.constants import SPEECH_RATE
    from assistant.tts import Speaker

    speaker = Speaker(SPEECH_RATE)
    return [speaker.synthesize(line, steady=True)[:, 0] for line in REPLIES]


def measure(understand, n: int = N) -> dict:
    from assistant.asr import load_recognizer
    from assistant.asr.evaluate import spoken_set
    from assistant.audio.constants import SPEECH_RATE
    from assistant.config import Config

    # as the session hears what is said over music, an unsure hearing heard again
    recognizer = load_recognizer(Config(), playing=lambda: True,
                                 sure=lambda text: understand(text).confidence)
    early = Early(recognizer, lambda text: understand(text).name != "unknown")
    items = [(case, audio) for case, audio in spoken_set(limit=n) if case["intent"] != "unknown"]
    cutting_in = [(case, audio) for case, audio in spoken_set() if case["intent"] in REPLY_INTENTS][:n + n // 4]
    longest = LEAD_S + max(len(a) for _, a in items + cutting_in) / SPEECH_RATE + TAIL_S + 1
    music = {genre: played(genre, longest) for genre in GENRES}
    replies = _replies()
    out: dict[str, Any] = {"barge_in_accuracy": {}, "barge_in_slot_accuracy": {}, "barge_in_false_requests": {},
                           "barge_in_reply_accuracy": {}}
    for ratio in RATIOS_DB:
        figures = understood(understand, _heard_over(items, music, ratio, recognizer, early))
        for key in ("accuracy", "slot_accuracy", "false_requests"):
            out[f"barge_in_{key}"][f"{ratio}dB"] = figures[key]
        over_reply = understood(understand, _heard_over(cutting_in, music, ratio, recognizer, early, replies))
        out["barge_in_reply_accuracy"][f"{ratio}dB"] = over_reply["accuracy"]
    out["barge_in_requests"], out["barge_in_reply_requests"] = len(items), len(cutting_in)
    return out
