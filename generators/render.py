"""Rendering a Piece with FluidSynth: stereo 44.1 kHz, in blocks so playback can start while the rest renders."""
from __future__ import annotations

import contextlib
import ctypes
import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generator, Iterable, Iterator, TypeVar

import numpy as np

from generators.piece import Piece, Track
from generators.soundfont import SoundFontMissing, candidates, choose

T = TypeVar("T")
SAMPLE_RATE = 44100
DRUM_CHANNEL = 9
SYNTH_GAIN = 1.0
"""FluidSynth's master gain: its float output does not clip, so parts reach the strips near mixing level."""
FADE_S = 1.5


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


OUTPUTS = 16
"""Stereo outputs of the synth: one per MIDI channel, so each part reaches the mix on its own."""


def _writer(lib: Any) -> Any:
    """libfluidsynth's fluid_synth_nwrite_float: float stereo per output (pyfluidsynth binds only the int16 mix)."""
    fn = lib.fluid_synth_nwrite_float
    ptrs = ctypes.POINTER(ctypes.c_void_p)
    fn.argtypes = [ctypes.c_void_p, ctypes.c_int, ptrs, ptrs, ctypes.c_void_p, ctypes.c_void_p]
    fn.restype = ctypes.c_int
    return fn


class Engine:
    """One FluidSynth instance with the SoundFont loaded. Samples load as presets are first used (dynamic sample
    loading: MuseScore General opens in 20 ms, not 0.4 s); FluidSynth's own reverb and chorus are off, as the mix
    has its own."""

    def __init__(self, soundfont: Path, sample_rate: int):
        from generators.libs import fluidsynth as load

        fluidsynth = load()
        self._fs = fluidsynth.Synth(gain=SYNTH_GAIN, samplerate=float(sample_rate), **{
            "synth.audio-channels": OUTPUTS, "synth.audio-groups": OUTPUTS, "synth.reverb.active": 0,
            "synth.chorus.active": 0, "synth.dynamic-sample-loading": 1})
        self._write = _writer(fluidsynth._fl)
        self._sfid = self._fs.sfload(str(soundfont))
        self._rendered = 0
        if self._sfid < 0:
            self._fs.delete()
            raise OSError(f"FluidSynth could not load {soundfont}")

    def close(self) -> None:
        self._fs.delete()

    def setup(self, parts: list[tuple[Track, int]]) -> None:
        """Programs and pans for its (track, channel) pairs. Not a system reset: that unselects every preset, and
        dynamic loading would read their samples again (60 ms for a violin), where an edit keeps the instruments."""
        fs = self._fs
        for chan in range(OUTPUTS):
            fs.cc(chan, 121, 0)  # reset all controllers
        for track, chan in parts:
            fs.program_select(chan, self._sfid, 128 if track.is_drum else 0, 0 if track.is_drum else track.program)
            fs.cc(chan, 10, track.pan)

    def _write_into(self, out: np.ndarray, at: int, frames: int) -> None:
        """Render the next `frames` of every output into out[:, :, at:at + frames] (out is (OUTPUTS, 2, n))."""
        addresses = out.ctypes.data + np.arange(2 * OUTPUTS, dtype=np.uint64) * out.strides[1] + at * 4
        left = (ctypes.c_void_p * OUTPUTS).from_buffer_copy(addresses[0::2].tobytes())
        right = (ctypes.c_void_p * OUTPUTS).from_buffer_copy(addresses[1::2].tobytes())
        self._write(self._fs.synth, frames, left, right, None, None)
        self._rendered += frames

    def render(self, pending: list[Event], i: int, start: int, stop: int) -> tuple[np.ndarray, int]:
        """Frames [start, stop) with the events from pending[i] on played at their frames: (stems, next i)."""
        out = np.empty((OUTPUTS, 2, stop - start), np.float32)
        frame = start
        while frame < stop:
            while i < len(pending) and pending[i].frame <= frame:
                e = pending[i]
                (self._fs.noteon(e.channel, e.key, e.velocity) if e.on else self._fs.noteoff(e.channel, e.key))
                i += 1
            nxt = min(stop, pending[i].frame if i < len(pending) else stop)
            self._write_into(out, frame - start, nxt - frame)
            frame = nxt
        return out, i

    def flush(self) -> None:
        """Silence every voice, so nothing rings into the next render; end on a 64-frame boundary, FluidSynth's
        block, so the next render's events fall on the same frames as this one's."""
        self._fs.all_sounds_off(-1)
        self._fs.get_samples((-self._rendered) % 64 + 64)
        self._rendered = 0


def split(piece: Piece, engines: int) -> list[list[tuple[Track, int]]]:
    """(track, channel) pairs shared among the engines so each sounds about as many note-beats (a proxy for voices):
    the heaviest part first, each to the engine with the least so far."""
    shares: list[list[tuple[Track, int]]] = [[] for _ in range(engines)]
    load = [0.0] * engines
    weighed = sorted(((sum(n.duration for n in t.notes), t, c) for t, c in zip(piece.tracks, channels(piece))),
                     key=lambda w: -w[0])
    for weight, track, chan in weighed:
        owner = next((k for k, share in enumerate(shares) if any(c == chan for _, c in share)), None)
        k = owner if owner is not None else load.index(min(load))
        shares[k].append((track, chan))
        load[k] += weight
    return shares


class Synth:
    """FluidSynth for one SoundFont, reused across renders: ENGINES instances that share a piece's parts between
    them and render side by side (FluidSynth releases the GIL), as one instance could not keep MuseScore General's
    sampled piano 50 times faster than real time beside the mix."""

    ENGINES = 2

    def __init__(self, soundfont: Path, sample_rate: int = SAMPLE_RATE):
        self.sample_rate = sample_rate
        self.soundfont = soundfont
        self._engines: list[Engine] = []
        self._side = ThreadPoolExecutor(max_workers=self.ENGINES - 1, thread_name_prefix="maestro-engine")
        try:
            for _ in range(self.ENGINES):
                self._engines.append(Engine(soundfont, sample_rate))
        except OSError:
            self.close()
            raise

    def close(self) -> None:
        self._side.shutdown(wait=True)
        for engine in self._engines:
            engine.close()
        self._engines = []

    def stems(self, piece: Piece, block_frames: int = 4410) -> Iterator[np.ndarray]:
        """Each part's own stereo output, (OUTPUTS, 2, n) blocks covering exactly the piece's duration."""
        shares = split(piece, len(self._engines))
        every = events(piece, self.sample_rate)
        owned = [{c for _, c in share} for share in shares]
        pending = [[e for e in every if e.channel in chans] for chans in owned]
        for engine, share in zip(self._engines, shares):
            engine.setup(share)
        total = int(round(piece.duration_s * self.sample_rate))
        index = [0] * len(self._engines)
        try:
            for start in range(0, total, block_frames):
                stop = min(total, start + block_frames)
                side = [self._side.submit(e.render, p, i, start, stop)
                        for e, p, i in zip(self._engines[1:], pending[1:], index[1:])]
                out, index[0] = self._engines[0].render(pending[0], index[0], start, stop)
                for k, job in enumerate(side, start=1):
                    more, index[k] = job.result()
                    out += more
                yield out
        finally:  # also when the stream is abandoned (a stop, a new piece): the next render starts clean
            for engine in self._engines:
                engine.flush()

    def blocks(self, piece: Piece, block_frames: int = 4410) -> Generator[np.ndarray, None, None]:
        """Mixed float32 (frames, 2) blocks covering exactly the piece's duration, the last seconds faded out."""
        from generators.mix import Mixer

        total = int(round(piece.duration_s * self.sample_rate))
        fade_from = total - int(min(FADE_S, piece.duration_s / 10) * self.sample_rate)
        mixer = Mixer(piece, channels(piece), self.sample_rate)
        frame = 0
        for stems in ahead(self.stems(piece, block_frames)):
            block = mixer.process(stems, frame)
            yield _fade(block, frame, fade_from, total)
            frame += len(block)


_DONE = object()


def ahead(items: Iterator[T], depth: int = 2) -> Iterator[T]:
    """The items of `items`, made on a worker thread up to `depth` ahead of the caller: FluidSynth synthesizes the
    next block while the mix processes this one (both release the GIL). Closing this iterator closes `items` on
    its thread (its cleanup runs there) and returns once that thread is done."""
    made: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def work() -> None:
        try:
            for item in items:
                if stop.is_set():
                    break
                made.put(item)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller, who raises it
            made.put(exc)
        finally:
            if isinstance(items, Generator):
                items.close()
            made.put(_DONE)

    worker = threading.Thread(target=work, name="maestro-synth", daemon=True)
    worker.start()
    try:
        while (item := made.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while worker.is_alive():  # let a worker blocked on a full queue reach its end
            with contextlib.suppress(queue.Empty):
                made.get(timeout=0.05)
        worker.join()


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


def open_synth(configured: str | None = None) -> Synth:
    """A synth with the chosen SoundFont, or the next one installed when that one does not load."""
    chosen = choose(configured).path
    failed = []
    for path in [chosen] + [p for p in candidates() if p != chosen]:
        try:
            return POOL.acquire(path)
        except OSError as exc:
            failed.append(str(exc))
    raise SoundFontMissing("; ".join(failed))


def render_blocks(piece: Piece, soundfont: str | None = None, block_frames: int = 4410) -> Iterator[np.ndarray]:
    synth = open_synth(soundfont)
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
