"""One Wyoming connection (one per client, as wyoming-faster-whisper has it): `describe` → `info`; `transcript` →
a turn → `handled` (or `not-handled`); `transcribe` + `audio-start` / `audio-chunk` / `audio-stop` → `transcript`;
`synthesize` → maestro's voice as audio; `ping` → `pong`. Anything malformed or over a limit closes this
connection only, with one line in the log."""
from __future__ import annotations

import asyncio
import time

import numpy as np
from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioChunk, AudioChunkConverter, AudioStart, AudioStop
from wyoming.error import Error
from wyoming.event import Event
from wyoming.handle import Handled, NotHandled
from wyoming.info import Describe
from wyoming.ping import Ping, Pong
from wyoming.server import AsyncEventHandler
from wyoming.tts import Synthesize

from assistant.audio.pcm import audio_events, from_pcm16
from assistant.serve.events import BadEvent, Limits, read_event

SPEECH_RATE = 16000


class Utterance:
    """Audio being received for transcription, converted to 16 kHz 16-bit mono as it arrives."""

    def __init__(self, limits: Limits):
        self.converter = AudioChunkConverter(rate=SPEECH_RATE, width=2, channels=1)
        self.parts: list[bytes] = []
        self.size = 0
        self.ceiling = int(limits.audio_s * SPEECH_RATE) * 2

    def add(self, event: Event) -> None:
        try:
            chunk = self.converter.convert(AudioChunk.from_event(event))
        except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
            raise BadEvent(f"an audio chunk that cannot be read ({exc.__class__.__name__})") from None
        self.size += len(chunk.audio)
        if self.size > self.ceiling:
            raise BadEvent(f"an utterance longer than {self.ceiling // (2 * SPEECH_RATE)} s")
        self.parts.append(chunk.audio)

    def audio(self) -> np.ndarray:
        return from_pcm16(b"".join(self.parts))


def _text(event: Event, limits: Limits) -> str:
    text = event.data.get("text")
    if not isinstance(text, str):
        raise BadEvent(f"a {event.type} without text")
    if len(text) > limits.text_chars:
        raise BadEvent(f"a {event.type} of {len(text):,} characters (the limit is {limits.text_chars:,})")
    return " ".join(text.split())


def _conversation_id(event: Event) -> str | None:
    context = event.data.get("context")
    value = context.get("conversation_id") if isinstance(context, dict) else None
    return str(value)[:200] if value else None


class Connection(AsyncEventHandler):
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host, limits: Limits, info):
        super().__init__(reader, writer)
        self.host = host
        """assistant.serve.host.Host, shared by every connection."""
        self.limits = limits
        self.info = info.event()
        self.utterance: Utterance | None = None
        peer = writer.get_extra_info("peername")
        self.peer = f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) else "a local client"

    async def run(self) -> None:
        """Events until the client closes, one is malformed or over a limit, or the client goes away mid-answer."""
        try:
            while (event := await read_event(self.reader, self.limits)) is not None:
                if not await self.handle_event(event):
                    break
        except BadEvent as exc:
            self.host.log.line(f"{self.peer} sent {exc}; closed that connection")
        except ConnectionError:
            self.host.log.line(f"{self.peer} went away before its answer; what it asked for was done and saved")
        finally:
            self.writer.close()

    async def handle_event(self, event: Event) -> bool:
        if Describe.is_type(event.type):
            await self.write_event(self.info)
        elif Ping.is_type(event.type):
            await self.write_event(Pong(text=event.data.get("text")).event())
        elif Transcript.is_type(event.type):
            await self._handle(event)
        elif Transcribe.is_type(event.type) or AudioStart.is_type(event.type):
            self.utterance = Utterance(self.limits)
        elif AudioChunk.is_type(event.type):
            if self.utterance is None:  # audio without a start: take it as one
                self.utterance = Utterance(self.limits)
            self.utterance.add(event)
        elif AudioStop.is_type(event.type) and self.utterance is not None:
            await self._transcribe()
        elif Synthesize.is_type(event.type):
            await self._speak(event)
        return True

    async def _handle(self, event: Event) -> None:
        text = _text(event, self.limits)
        answer = await self.host.handle(text, _conversation_id(event))
        self.host.log.line(f"[{answer.conversation_id[:12]}] {text!r} → {answer.intent or 'failed'}: {answer.text} "
                           f"({answer.ms:.0f} ms)")
        context = {"conversation_id": answer.conversation_id}
        reply = Handled if answer.handled else NotHandled
        await self.write_event(reply(text=answer.text, context=context).event())

    async def _transcribe(self) -> None:
        assert self.utterance is not None
        audio, self.utterance = self.utterance.audio(), None
        t = time.perf_counter()
        text = await self.host.transcribe(audio)
        self.host.log.line(f"{self.peer}: heard {text!r} in {len(audio) / SPEECH_RATE:.1f} s of audio "
                           f"({(time.perf_counter() - t) * 1000:.0f} ms)")
        await self.write_event(Transcript(text=text, language="en").event())

    async def _speak(self, event: Event) -> None:
        text = _text(event, self.limits)
        if self.host.speaker is None:
            await self.write_event(Error(text="maestro has no voice installed", code="no-voice").event())
            return
        for audio in audio_events(await self.host.synthesize(text), self.host.speaker.rate):
            await self.write_event(audio)
