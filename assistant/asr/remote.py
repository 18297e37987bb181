"""Remote ears: each utterance goes to a Wyoming speech-to-text server (wyoming-faster-whisper with a large model on
a bigger machine, or another `maestro serve`) as 16 kHz 16-bit mono. While that server cannot be reached or does not
answer in time, local Whisper takes the utterances; the user is told once when it goes away and once when it is back.

The VAD before and the hallucination guard after run here as for local Whisper (assistant.asr.Recognizer), and the
number normalisation is the classifier's. Wyoming's `transcribe` event carries no prompt, only bias terms, which
wyoming-faster-whisper 3.8 ignores: its operator passes maestro's prompt as `--initial-prompt` (docs/wyoming.md)."""
from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import numpy as np

from assistant.asr.guard import Decoded
from assistant.audio.pcm import audio_events, pcm16

T = TypeVar("T")

RETRY_S = 30.0
"""After a failure, utterances go straight to local Whisper for this long before the server is tried again."""
TERMS = ("maestro", "lo-fi", "BPM", "semitones", "sharp", "flat", "major", "minor", "transpose", "reggae", "undo")
"""Bias terms sent with each utterance (Wyoming 1.10's `transcript_terms`), for servers that use them."""


class Backend(Protocol):
    def decode(self, audio: np.ndarray, prompt: str | None, beam_size: int = 1) -> Decoded:
        """16 kHz float speech → text, with the decoder's confidence where it has one; greedy, or a beam search
        of `beam_size` where the backend chooses (a Wyoming server decodes as it is set up to)."""


class Unavailable(Exception):
    """The server could not be reached, closed the connection, or did not answer in time (the message says which)."""


@dataclass(frozen=True)
class Server:
    uri: str
    """tcp://host:port or unix:///path."""
    timeout_s: float = 4.0
    """For connecting, sending the utterance and receiving its transcript."""


async def _transcript(uri: str, pcm: bytes, rate: int) -> str:
    from wyoming.asr import Transcribe, Transcript
    from wyoming.client import AsyncClient

    async with AsyncClient.from_uri(uri) as client:
        for event in [Transcribe(language="en", transcript_terms=list(TERMS)).event(), *audio_events(pcm, rate)]:
            await client.write_event(event)
        while True:
            event = await client.read_event()
            if event is None:
                raise Unavailable("ended the exchange without a transcript")
            if Transcript.is_type(event.type):
                return Transcript.from_event(event).text


class Wyoming:
    """A backend (decode(audio16k, prompt) → Decoded) that asks a Wyoming server. Only the text comes back, so the
    guard judges the words alone."""

    def __init__(self, server: Server, rate: int = 16000):
        self.server = server
        self.rate = rate

    def decode(self, audio: np.ndarray, prompt: str | None, beam_size: int = 1) -> Decoded:
        text: str = _ask(self.server, _transcript(self.server.uri, pcm16(audio), self.rate), "a transcript")
        return Decoded(text.strip())


def _ask(server: Server, exchange: Coroutine[Any, Any, T], answer: str) -> T:
    """The exchange's result (`answer`) within the server's timeout; every way it can fail is Unavailable, saying
    which."""
    try:
        return asyncio.run(asyncio.wait_for(exchange, server.timeout_s))
    except TimeoutError:
        raise Unavailable(f"did not answer within {server.timeout_s:g} s") from None
    except (BrokenPipeError, ConnectionResetError, asyncio.IncompleteReadError):
        raise Unavailable(f"ended the exchange without {answer}") from None
    except OSError as exc:
        raise Unavailable(f"cannot be reached ({_reason(exc)})") from None
    except (ValueError, KeyError, TypeError) as exc:  # a malformed answer
        raise Unavailable(f"sent an answer maestro cannot read ({exc.__class__.__name__})") from None


def _reason(exc: OSError) -> str:
    """"Connection refused", not asyncio's "Connect call failed ('127.0.0.1', 10300)"."""
    if exc.errno and exc.errno > 0:
        return os.strerror(exc.errno)
    return exc.strerror or exc.__class__.__name__


async def _info(uri: str):
    from wyoming.client import AsyncClient
    from wyoming.info import Describe, Info

    async with AsyncClient.from_uri(uri) as client:
        await client.write_event(Describe().event())
        while (event := await client.read_event()) is not None:
            if Info.is_type(event.type):
                return Info.from_event(event)
    raise Unavailable("ended the exchange without describing itself")


def describe(server: Server) -> str:
    """What the server offers for speech to text ("wyoming-faster-whisper (tiny.en)"), or Unavailable."""
    info = _ask(server, _info(server.uri), "describing itself")
    programs = [f"{p.name} ({', '.join(m.name for m in p.models)})" for p in info.asr if p.installed]
    if not programs:
        raise Unavailable("offers no speech-to-text program")
    return ", ".join(programs)


def stderr_warning(message: str) -> None:
    print(f"maestro: {message}", file=sys.stderr, flush=True)


class WithFallback:
    """The remote backend, and local Whisper while the remote does not answer (loaded the first time it is needed,
    so a machine that leans on a bigger one does not hold a second model it never uses)."""

    def __init__(self, remote: Wyoming, local: Callable[[], Backend], warn: Callable[[str], None] = stderr_warning,
                 retry_s: float = RETRY_S, clock: Callable[[], float] = time.monotonic):
        self.remote = remote
        self._make_local = local
        self._local: Backend | None = None
        self.warn = warn
        self.retry_s = retry_s
        self.clock = clock
        self.down_since: float | None = None
        """When the server last failed, while it is taken for down; None while it answers."""

    def decode(self, audio: np.ndarray, prompt: str | None, beam_size: int = 1) -> Decoded:
        if self.down_since is None or self.clock() - self.down_since >= self.retry_s:
            try:
                decoded = self.remote.decode(audio, prompt, beam_size)
            except Unavailable as exc:
                if self.down_since is None:
                    self.warn(f"the speech server at {self.remote.server.uri} {exc}; using local Whisper")
                self.down_since = self.clock()
            else:
                if self.down_since is not None:
                    self.warn(f"the speech server at {self.remote.server.uri} answers again")
                    self.down_since = None
                return decoded
        return self.local().decode(audio, prompt, beam_size)

    def local(self) -> Backend:
        if self._local is None:
            self._local = self._make_local()
        return self._local
