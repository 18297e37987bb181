"""Audio rates and block sizes, named for what they are. Every module takes them from here."""
from __future__ import annotations

from generators.render import SAMPLE_RATE as MUSIC_RATE

SPEECH_RATE = 16000
"""Hz: the microphone, the VAD, Whisper and the speech played into the virtual microphone by the bench."""
MIC_BLOCK = 480
"""Frames the microphone delivers at a time: 30 ms at SPEECH_RATE."""
RENDER_BLOCK = 2205
"""Frames of music rendered at a time while it plays: 50 ms at MUSIC_RATE."""
SPEAKER_BLOCK = 1024
"""Frames the speaker's callback fills: 23 ms at MUSIC_RATE (music that starts waits less for the next one)."""

__all__ = ["MIC_BLOCK", "MUSIC_RATE", "RENDER_BLOCK", "SPEAKER_BLOCK", "SPEECH_RATE"]
