"""The hallucination guard: Whisper writes text on music and noise; none of it may become a command."""
from __future__ import annotations

import re
from dataclasses import dataclass

KNOWN = re.compile(r"^(you|thank you|thanks|thank you so much|thanks for watching|thank you for watching|"
                   r"please subscribe|subscribe|we'll see you in the next video|see you in the next video|"
                   r"see you next time|bye|music|applause|laughter|silence|\.+|you you|the end)[.!?]*$")
NO_WORDS = re.compile(r"^[\W_]*$")
STUTTER = re.compile(r"\b(\w{1,3})(?:[- ]\1\b){3,}")


@dataclass(frozen=True)
class Decoded:
    text: str
    no_speech_prob: float = 0.0
    avg_logprob: float = 0.0
    compression_ratio: float = 1.0


def reject_reason(d: Decoded) -> str | None:
    """Why this output must not be acted on, or None when it is plausible speech."""
    text = d.text.strip().lower()
    if NO_WORDS.match(text):
        return "no words"
    if KNOWN.match(text):
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
