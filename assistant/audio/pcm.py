"""Audio as the Wyoming protocol carries it: 16-bit little-endian PCM, sent as audio-start, chunks of 1024 samples
(as Home Assistant sends them) and audio-stop. Shared by the remote ears (assistant.asr.remote), the server's
voice (assistant.serve) and the bench."""
from __future__ import annotations

import numpy as np

CHUNK_SAMPLES = 1024


def pcm16(audio: np.ndarray) -> bytes:
    """Float mono audio in [-1, 1] as little-endian 16-bit samples."""
    return (np.clip(audio, -1.0, 1.0) * 32767).astype("<i2").tobytes()


def from_pcm16(pcm: bytes) -> np.ndarray:
    """16-bit samples (a trailing odd byte dropped) as float32 in [-1, 1)."""
    return np.frombuffer(pcm[: len(pcm) // 2 * 2], "<i2").astype(np.float32) / 32768


def audio_events(pcm: bytes, rate: int) -> list:
    """audio-start, the chunks, audio-stop (wyoming.event.Event) for 16-bit mono PCM at `rate`."""
    from wyoming.audio import AudioChunk, AudioStart, AudioStop

    step = CHUNK_SAMPLES * 2
    chunks = [AudioChunk(rate, 2, 1, pcm[i:i + step]).event() for i in range(0, len(pcm), step)]
    return [AudioStart(rate, 2, 1).event(), *chunks, AudioStop().event()]
