"""The hallucination guard: Whisper writes text on music and noise; none of it may become a command."""
from __future__ import annotations

import re
from dataclasses import dataclass

KNOWN = re.compile(r"^(you|thank you|thanks|thank you so much|thanks for watching|thank you for watching|"
                   r"please subscribe|subscribe|we'll see you in the next video|see you in the next video|"
                   r"see you next time|bye|music|applause|laughter|silence|\.+|you you|the end)[.!?]*$")
ALSO_A_REQUEST = re.compile(r"^(bye)[.!?]*$")
"""Of the known hallucinations, those a user says as a request ("bye" quits): kept when Whisper is sure of them.
Before session 21 "bye" alone was always thrown away, in a quiet room too."""
SURE_NO_SPEECH, SURE_LOGPROB = 0.3, -0.6
"""Sure: no_speech_prob under, and avg_logprob over, these. "bye" said by piper in a quiet room, and into pink
noise or music 10 and 5 dB under it (bench_noise's captures), was decoded at no_speech_prob 0.003-0.22 and
avg_logprob -0.49 to -0.15 by tiny.en and base. Of 260 decodes of 2 s of music or pink noise with no VAD before
them (Whisper's "Music", "You", "BPM."), none was that sure of anything: no_speech_prob 0.4 or more, or
avg_logprob -0.7 or less."""
NO_WORDS = re.compile(r"^[\W_]*$")
STUTTER = re.compile(r"\b(\w{1,3})(?:[- ]\1\b){3,}")


@dataclass(frozen=True)
class Decoded:
    text: str
    no_speech_prob: float = 0.0
    avg_logprob: float = 0.0
    compression_ratio: float = 1.0


def sure(d: Decoded) -> bool:
    return d.no_speech_prob < SURE_NO_SPEECH and d.avg_logprob > SURE_LOGPROB


def reject_reason(d: Decoded) -> str | None:
    """Why this output must not be acted on, or None when it is plausible speech."""
    text = d.text.strip().lower()
    if NO_WORDS.match(text):
        return "no words"
    if KNOWN.match(text) and not (ALSO_A_REQUEST.match(text) and sure(d)):
        return "a known hallucination"
    if STUTTER.search(text):
        return "a repeated fragment"
    if d.compression_ratio > 2.4:
        return "repetitive output"
    if d.no_speech_prob > 0.6 and d.avg_logprob < -1.0:
        return "probably not speech"
    if d.avg_logprob < -1.5:
        return "too unsure"
    return None
