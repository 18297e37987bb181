"""What every Wyoming connection shares, and its one owner: the session on its store, the live player, the
classifier, the recognizer and the voice. Turns run one at a time on one worker thread, under the session folder's
lock as well (so `maestro ask` or a live session on the same folder never interleaves with them); transcriptions and
speech each have their own worker thread, so an utterance is not held up by a piece rendering. A turn whose client
has gone still completes, and is saved as any other."""
from __future__ import annotations

import asyncio
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.audio.pcm import pcm16
from assistant.errors import UserError

TTS_RATE = 22050
"""piper's rate: the voice is sent as it is made."""


@dataclass(frozen=True)
class Answer:
    text: str
    """What maestro says back."""
    handled: bool
    """False when the turn failed (the session busy, the disk full, an internal error): nothing saved was lost."""
    conversation_id: str
    """The client's conversation, or a new one when it named none."""
    intent: str = ""
    ms: float = 0.0


class Host:
    def __init__(self, config, session, live, understand, recognizer, speaker, log):
        self.config = config
        self.session = session
        self.live = live
        """assistant.playback.Live: the music plays on this machine (no player: saved, not played)."""
        self.understand = understand
        self.recognizer = recognizer
        self.speaker = speaker
        """assistant.tts.Speaker at TTS_RATE, or None without a voice."""
        self.log = log
        self._turns = ThreadPoolExecutor(1, thread_name_prefix="maestro-turn")
        self._ears = ThreadPoolExecutor(1, thread_name_prefix="maestro-asr")
        self._voice = ThreadPoolExecutor(1, thread_name_prefix="maestro-tts")

    @classmethod
    def open(cls, config, session_dir: Path, play: bool, log) -> Host:
        """Everything loaded before the first client: the player (one line and no music when there is no
        speaker), the classifier, Whisper and the voice."""
        from assistant.asr import load_recognizer
        from assistant.commands.common import understander
        from assistant.playback import Live
        from assistant.session import Session
        from assistant.store import Store

        store = Store(session_dir)
        session = Session(store, config)
        for warning in store.warnings:
            log.warn(warning)
        log.player = _player(config, session.state.volume, log) if play else None
        live = Live(log.player, log, config)
        live.bind(session)
        host = cls(config, session, live, understander(), load_recognizer(config, log.warn), _speaker(log), log)
        host.warm()
        return host

    def warm(self) -> None:
        """Compose and render a few seconds, stored nowhere: the melody model, the SoundFont and the mix are loaded
        before the first request (it took 3.0 s cold, 0.9 s warm)."""
        from generators.compose import Request

        self.session.render_whole(self.session.engine.compose(Request(genre="pop", duration_s=4.0, seed=0)))

    @property
    def voice_name(self) -> str | None:
        if self.speaker is None:
            return None
        return "en_US-joe-medium" if self.speaker.engine == "piper" else "espeak-ng"

    # --- on the worker threads ----------------------------------------------------------------------------------

    def turn(self, text: str, conversation_id: str | None) -> Answer:
        """One turn of the conversation, as the live session takes it; the music plays here."""
        from assistant.turns import decide

        conversation_id = conversation_id or uuid.uuid4().hex
        t = time.perf_counter()
        try:
            intent = self.understand(text)
            reply = decide(self.session, intent, text, conversation_id)
        except UserError as exc:
            return Answer(str(exc), False, conversation_id)
        except Exception as exc:  # noqa: BLE001 - one failed turn must not end the server; what is saved stays
            self.log.warn(f"a turn failed: {exc.__class__.__name__}: {exc}")
            return Answer(f"that failed ({exc.__class__.__name__}); nothing saved was lost, try again", False,
                          conversation_id)
        self.live.carry_out(reply)
        return Answer(reply.text, True, conversation_id, intent.name, (time.perf_counter() - t) * 1000)

    def _transcribe(self, audio: np.ndarray) -> str:
        return self.recognizer.transcribe(audio).text

    def _synthesize(self, text: str) -> bytes:
        assert self.speaker is not None  # the tts program is offered only with a voice
        return pcm16(self.speaker.synthesize(text)[:, 0])

    # --- for the connections ------------------------------------------------------------------------------------

    async def handle(self, text: str, conversation_id: str | None) -> Answer:
        return await asyncio.get_running_loop().run_in_executor(self._turns, self.turn, text, conversation_id)

    async def transcribe(self, audio: np.ndarray) -> str:
        return await asyncio.get_running_loop().run_in_executor(self._ears, self._transcribe, audio)

    async def synthesize(self, text: str) -> bytes:
        """16-bit mono speech at TTS_RATE."""
        return await asyncio.get_running_loop().run_in_executor(self._voice, self._synthesize, text)

    def close(self) -> None:
        """A turn under way finishes (and is saved) first."""
        for worker in (self._ears, self._voice, self._turns):
            worker.shutdown(wait=True, cancel_futures=True)
        self.live.close()


def _player(config, volume: int, log):
    from assistant.audio.player import Player
    from assistant.errors import DeviceError

    try:
        return Player(config.output_device, config.output_latency_s, volume).open()
    except DeviceError as exc:
        log.warn(f"{exc}; music will be saved but not played")
        return None


def _speaker(log):
    from assistant.tts import Speaker

    try:
        return Speaker(TTS_RATE)
    except Exception as exc:  # noqa: BLE001 - without a voice the tts program is not offered
        log.warn(f"no voice to offer ({exc})")
        return None
