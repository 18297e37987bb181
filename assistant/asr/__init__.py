"""Speech to text: VAD first (no speech, no text), then Whisper with a music-domain prompt, then the guard."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Protocol

import numpy as np

from assistant.asr.guard import reject_reason

DOMAIN_PROMPT = ("Maestro, make a lo-fi beat in C major at 120 BPM. Transpose up two semitones, F sharp minor, "
                 "B flat major, add drums, saxophone, reggae, make it faster, stop, pause, resume, undo, redo, "
                 "volume up, what chords, help, save it as Sunday.")
"""Whisper's prompt: the words of maestro's requests, so that a short or damaged one is heard as one of them.
"stop" joined it in session 16: said over a reply over music (test_echo's interrupt test, live), Whisper base had
heard "Start." in 5 of 55 runs, and in 0 of 44 with it. On the spoken held-out set it left intent accuracy as it
was (tiny.en 0.955, base 0.969; slots 0.925 → 0.916 with tiny.en, 0.926 with base either way)."""


@dataclass(frozen=True)
class Transcript:
    text: str
    """What was said; empty when there was no speech or the output was rejected."""
    rejected: str | None = None
    """Why Whisper's output was thrown away (a hallucination, no speech), or None."""
    raw: str = ""
    """Whisper's output before the guard."""
    speech_s: float = 0.0


class Hears(Protocol):
    """What turns an utterance into a transcript: a Recognizer, or a choice of them (OverSound)."""

    def transcribe(self, audio: np.ndarray) -> Transcript: ...


class Recognizer:
    def __init__(self, backend, prompt: str | None = DOMAIN_PROMPT, use_vad: bool = True):
        self.backend = backend
        self.prompt = prompt
        self.use_vad = use_vad

    def transcribe(self, audio: np.ndarray) -> Transcript:
        from assistant.asr.vad import speech_only

        speech = speech_only(audio) if self.use_vad else audio
        if len(speech) < 1600:
            return Transcript("", rejected="no speech")
        decoded = self.backend.decode(speech, self.prompt)
        reason = reject_reason(decoded)
        if reason:
            return Transcript("", rejected=reason, raw=decoded.text, speech_s=len(speech) / 16000)
        return Transcript(decoded.text, raw=decoded.text, speech_s=len(speech) / 16000)


class OverSound:
    """Two recognizers: `clear` for what is said in a quiet room, and `loud` (a larger Whisper, loaded on a thread
    of its own from the start) for what is said while maestro plays, `playing()`, or over other sound in the room
    (assistant.asr.noisy). Over music at the level of the voice, with the echo cancelled and the music ducking at
    the speech's start, the larger model understood 28 of 30 requests where the small one understood 25 (session
    12's note). If it cannot be loaded, `warn` is told once and `clear` hears everything."""

    def __init__(self, clear: Recognizer, loud: Callable[[], Recognizer], playing: Callable[[], bool],
                 warn: Callable[[str], None]):
        from concurrent.futures import ThreadPoolExecutor

        self.clear, self.playing, self.warn = clear, playing, warn
        loader = ThreadPoolExecutor(1, thread_name_prefix="maestro-asr-load")
        self._loud = loader.submit(loud)
        loader.shutdown(wait=False)
        self._failed = False

    def transcribe(self, audio: np.ndarray) -> Transcript:
        return self.chosen(audio).transcribe(audio)

    def chosen(self, audio: np.ndarray) -> Recognizer:
        """The recognizer that hears `audio`."""
        from assistant.asr.noisy import noisy

        if self._failed or not (self.playing() or noisy(audio)):
            return self.clear
        try:
            return self._loud.result()
        except Exception as exc:  # noqa: BLE001 - missing or broken weights: the small model goes on alone
            self._failed = True
            self.warn(f"the speech model for requests over music did not load ({exc}); using the usual one")
            return self.clear


def load_backend(backend: str, model: str, window: str = "full"):
    """A local Whisper backend: "faster-whisper", else openai-whisper."""
    from assistant.asr import backends, models

    if backend == "faster-whisper":
        return backends.FasterWhisper(models.faster_folder(model, model))
    return backends.OpenAIWhisper(models.openai_checkpoint(model, model), window)


def load_recognizer(config, warn=None, playing: Callable[[], bool] | None = None) -> Hears:
    """The configured recognizer. With asr_backend "wyoming", utterances go to the server at asr_uri and local
    openai-whisper takes them while it does not answer; `warn(message)` is told (default: stderr). Given
    `playing()`, a local one hears what is said while maestro plays, or over other sound in the room, with
    asr_model_over_sound, when set."""
    from assistant.asr import remote

    warn = warn or remote.stderr_warning
    if config.asr_backend != "wyoming":
        clear = Recognizer(load_backend(config.asr_backend, config.asr_model, config.asr_window))
        if playing is None or not config.asr_model_over_sound or config.asr_model_over_sound == config.asr_model:
            return clear
        loud = lambda: Recognizer(load_backend(config.asr_backend, config.asr_model_over_sound,  # noqa: E731
                                               config.asr_window))
        return OverSound(clear, loud, playing, warn)
    ears = remote.Wyoming(remote.Server(config.asr_uri, config.asr_timeout_s))
    local = lambda: load_backend("openai-whisper", config.asr_model, config.asr_window)  # noqa: E731
    return Recognizer(remote.WithFallback(ears, local, warn))
