"""Rendering a Piece with FluidSynth: stereo 44.1 kHz, in blocks so playback can start while the rest renders."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

from generators.piece import Piece
from generators.soundfont import find_soundfont

SAMPLE_RATE = 44100
DRUM_CHANNEL = 9
SYNTH_GAIN = 0.3  # headroom: get_samples is int16 and clips hard
FADE_S = 1.5
FLUSH_S = 4.0  # longer than the longest reverb tail


@dataclass(frozen=True)
class Event:
    frame: int
    on: bool
    channel: int
    key: int
    velocity: int


def channels(piece: Piece) -> list[int]:
    """A MIDI channel per track: drums on 10 (index 9), the others on the rest in order."""
    free = [c for c in range(16) if c != DRUM_CHANNEL]
    return [DRUM_CHANNEL if t.is_drum else free[i % len(free)] for i, t in enumerate(piece.tracks)]


def events(piece: Piece, sample_rate: int = SAMPLE_RATE) -> list[Event]:
    spb = piece.seconds_per_beat * sample_rate
    end = int(round(piece.duration_s * sample_rate))
    out = []
    for track, chan in zip(piece.tracks, channels(piece)):
        for n in track.notes:
            on = int(round(n.start * spb))
            if on >= end:
                continue
            vel = max(1, min(127, round(n.velocity * min(track.gain, 1.6))))
            off = min(end - 1, int(round((n.start + n.duration) * spb)))
            out += [Event(on, True, chan, n.pitch, vel), Event(max(on + 1, off), False, chan, n.pitch, 0)]
    out.sort(key=lambda e: (e.frame, e.on))  # note-offs first at equal times
    return out


class Synth:
    """One FluidSynth instance with a SoundFont loaded (0.2 s), reused across renders."""

    def __init__(self, soundfont: Path, sample_rate: int = SAMPLE_RATE):
        from generators.libs import fluidsynth as load

        fluidsynth = load()

        self.sample_rate = sample_rate
        self.soundfont = soundfont
        self._fs = fluidsynth.Synth(gain=SYNTH_GAIN, samplerate=float(sample_rate))
        self._sfid = self._fs.sfload(str(soundfont))
        self._rendered = 0
        if self._sfid < 0:
            raise OSError(f"FluidSynth could not load {soundfont}")

    def _setup(self, piece: Piece) -> None:
        fs = self._fs
        fs.system_reset()
        style = dict(piece.style)
        fs.set_reverb(0.2 + 0.7 * style.get("reverb", 0.3), 0.4, 0.8, 0.9)
        fs.set_chorus(3, 1.5, 0.3, 6.0, 0)
        for track, chan in zip(piece.tracks, channels(piece)):
            fs.program_select(chan, self._sfid, 128 if track.is_drum else 0, 0 if track.is_drum else track.program)
            fs.cc(chan, 10, track.pan)
            fs.cc(chan, 91, int(127 * style.get("reverb", 0.3)))
            fs.cc(chan, 93, int(127 * style.get("chorus", 0.1)))

    def blocks(self, piece: Piece, block_frames: int = 4410) -> Iterator[np.ndarray]:
        """Raw float32 (frames, 2) blocks covering exactly the piece's duration, the last seconds faded out."""
        self._setup(piece)
        total = int(round(piece.duration_s * self.sample_rate))
        fade_from = total - int(min(FADE_S, piece.duration_s / 10) * self.sample_rate)
        pending = events(piece, self.sample_rate)
        i, frame = 0, 0
        try:
            while frame < total:
                stop = min(total, frame + block_frames)
                parts = []
                while frame < stop:
                    while i < len(pending) and pending[i].frame <= frame:
                        e = pending[i]
                        (self._fs.noteon(e.channel, e.key, e.velocity) if e.on else self._fs.noteoff(e.channel, e.key))
                        i += 1
                    nxt = min(stop, pending[i].frame if i < len(pending) else stop)
                    if nxt > frame:
                        parts.append(self._fs.get_samples(nxt - frame))
                        self._rendered += nxt - frame
                        frame = nxt
                block = np.concatenate(parts).astype(np.float32).reshape(-1, 2) / 32768.0
                yield _fade(block, frame - len(block), fade_from, total)
        finally:  # also when the stream is abandoned (a stop, a new piece): the next render starts clean
            self._flush()

    def _flush(self) -> None:
        """Silence every voice and run the effects dry, so no reverb tail leaks into the next render; end on a
        64-frame boundary, FluidSynth's block, so the next render's events fall on the same frames as this one's."""
        self._fs.system_reset()
        self._fs.get_samples((-self._rendered) % 64 + 64)
        for _ in range(int(FLUSH_S * self.sample_rate) // 4096):
            self._fs.get_samples(4096)
        self._rendered = 0


def _fade(block: np.ndarray, start: int, fade_from: int, total: int) -> np.ndarray:
    if start + len(block) <= fade_from:
        return block
    idx = np.arange(start, start + len(block))
    gain = np.clip((total - idx) / max(1, total - fade_from), 0.0, 1.0).astype(np.float32)
    return block * gain[:, None]


class SynthPool:
    """Synths by SoundFont, handed out one per render so that a streaming playback and a full render can overlap."""

    def __init__(self) -> None:
        self._free: dict[Path, list[Synth]] = {}
        self._lock = threading.Lock()

    def acquire(self, soundfont: Path) -> Synth:
        with self._lock:
            free = self._free.setdefault(soundfont, [])
            if free:
                return free.pop()
        return Synth(soundfont)

    def release(self, synth: Synth) -> None:
        with self._lock:
            self._free.setdefault(synth.soundfont, []).append(synth)


POOL = SynthPool()


def render_blocks(piece: Piece, soundfont: str | None = None, block_frames: int = 4410) -> Iterator[np.ndarray]:
    synth = POOL.acquire(find_soundfont(soundfont))
    try:
        yield from synth.blocks(piece, block_frames)
    finally:
        POOL.release(synth)


def join(blocks: Iterable[np.ndarray]) -> np.ndarray:
    out = list(blocks)
    return np.concatenate(out) if out else np.zeros((0, 2), np.float32)


def render(piece: Piece, soundfont: str | None = None) -> np.ndarray:
    """The whole piece as raw float32 stereo at SAMPLE_RATE (not yet mastered)."""
    return join(render_blocks(piece, soundfont, block_frames=SAMPLE_RATE))
