"""`maestro bench`'s echo figures: how much of what maestro plays the canceller takes out of the microphone, live
through the virtual devices with the harness's room between speaker and microphone (assistant/audio/virtual.py
Room), and what it costs.

- aec_erle_db: per room (delay, RT60), music and then maestro's voice played by the real Player, the microphone's
  level before the canceller (recorded from the microphone's feed) over its level after it (the Microphone's own
  blocks), from the third second on, when AEC3 has converged.
- reply_interrupt_ms: maestro speaking a long reply through the room, "stop" said over it (in its first phrase,
  SAID_AFTER_S; piper's voice varies, and each run has a "stop" of its own) into the microphone by the room itself
  (Room.say), as the live session hears it (mic.utterances' speech start hushes the player, which drops what the
  output has buffered): from the first sound of "stop" to the last sound of the reply that the room took from the
  speaker, both on the room's clock. A reply never hushed counts as AFTER_S.
- reply_interrupt_path_ms: of that, the harness's own share: from the room mixing "stop" into the microphone's feed
  (nothing playing) to its first block in the Microphone's hands; its playback into the feed, PulseAudio's
  loop and the input's buffering. A voice in a real room reaches the microphone at once, and its input's buffering
  is the only part of this it would keep.
- aec_cpu_percent: the canceller's time per second of audio, in percent of one core (offline, 60 s)."""
from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOMS = ((0.02, 0.05), (0.05, 0.15), (0.08, 0.3))
SETTLE_S = 3.0
PLAY_S = 10.0
INTERRUPTS = 20
"""Replies talked over for reply_interrupt_ms: with 5, its p95 was the one slowest run."""
SAID_AFTER_S = 0.5
"""When "stop" is said after the reply is started: in its first phrase, which sounds for 1.1 s without a break. Said
2 s in (before session 18), it fell in a pause of the reply as often as not, and the reply was already silent."""
ARRIVED = 0.003
"""The microphone's block level (RMS) at which what the room said has reached it."""
AFTER_S = 2.0
"""How long after the first sound of "stop" the speaker is looked at: a reply not hushed by then counts as this."""


def _db(x: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(np.asarray(x, np.float64) ** 2) + 1e-20))


def _played() -> dict[str, np.ndarray]:
    """What maestro plays, at the speaker's rate: a piece, and its voice saying three replies."""
    from assistant.audio.constants import MUSIC_RATE
    from generators import engine
    from generators.compose import Request
    from generators.master import master

    music = engine.get()
    piece = music.compose(Request(genre="rock", seed=5, duration_s=PLAY_S))
    voice = _voice(("Here is an energetic rock song in E minor at 128 BPM.", "It's in E minor, probably.",
                    "I made it faster: 140 BPM now. Say undo to go back."), MUSIC_RATE)
    return {"music": master(engine.render(music, piece), MUSIC_RATE), "voice": voice}


def _voice(lines: tuple[str, ...], rate: int) -> np.ndarray:
    from assistant.tts import Speaker

    speaker = Speaker(rate)
    return np.concatenate([np.concatenate([speaker.synthesize(line), np.zeros((rate // 3, 2), np.float32)])
                           for line in lines])


def _mono(path: Path) -> tuple[np.ndarray, int]:
    """A capture, mixed to mono, and its rate."""
    from assistant.audio.files import read

    audio, rate = read(path)
    return audio.mean(axis=1), rate


def _room_erle(pulse, audio: np.ndarray, delay_s: float, decay_s: float, folder: Path) -> float:
    from assistant.audio.constants import MUSIC_RATE, SPEECH_RATE
    from assistant.audio.echo import Reference
    from assistant.audio.mic import Microphone
    from assistant.audio.player import Player

    reference = Reference(MUSIC_RATE, SPEECH_RATE)
    player, mic = Player(reference=reference).open(), Microphone(reference=reference).open()
    room = pulse.room(delay_s, decay_s)
    raw = pulse.record(folder / "raw.wav", "micfeed.monitor")
    try:
        player.play(audio)
        cleaned, start = [], time.monotonic()
        while time.monotonic() - start < len(audio) / MUSIC_RATE:
            try:
                cleaned.append(mic.blocks.get(timeout=1).out)  # a mic.Cancelled block
            except queue.Empty:  # a block late under load
                continue
    finally:
        raw.stop()
        room.stop()
        player.close()
        mic.close()
    before, rate = _mono(folder / "raw.wav")
    after = np.concatenate(cleaned)
    return round(_db(before[int(SETTLE_S * rate):]) - _db(after[int(SETTLE_S * SPEECH_RATE):]), 1)


def _onset_s(audio: np.ndarray, rate: int, threshold: float = 0.003) -> float:
    loud = np.flatnonzero(np.abs(audio) > threshold)
    return float(loud[0]) / rate if len(loud) else 0.0


def _last_sound_s(audio: np.ndarray, rate: int, threshold: float = 0.003) -> float:
    """The end of the last 10 ms frame of `audio` louder than `threshold` (RMS), in s; 0 when none is."""
    from assistant.audio.levels import frame_rms

    loud = np.flatnonzero(frame_rms(audio, rate // 100) > threshold)
    return float(loud[-1] + 1) / 100 if len(loud) else 0.0


def _heard_from(path: Path, from_s: float, seconds: float, rate: int) -> np.ndarray:
    """`seconds` of what the room took from the speaker (Room.heard), from `from_s`, once it has taken them."""
    want, deadline = round((from_s + seconds) * rate) * 2, time.monotonic() + seconds + 10
    while not path.exists() or path.stat().st_size < want:
        if time.monotonic() > deadline:
            raise RuntimeError("the harness's room stopped taking from the speaker")
        time.sleep(0.05)
    return np.fromfile(path, np.int16)[round(from_s * rate):want // 2].astype(np.float32) / 32768


def _path_s(room, mic, wav: Path, onset_s: float) -> float:
    """From the room mixing `wav` into the microphone's feed (nothing playing) to the first block of it in the
    Microphone's hands (louder than ARRIVED): the harness's playback into the feed and the input's own buffering."""
    room.say(wav)
    mixed = time.monotonic()
    while mic.level < ARRIVED and time.monotonic() - mixed < AFTER_S:
        time.sleep(0.002)
    arrived = time.monotonic() - mixed - onset_s
    time.sleep(1.0)
    return arrived


def interrupt_ms(pulse, folder: Path, runs: int) -> tuple[list[float], list[float]]:
    """reply_interrupt_ms for `runs` replies, and the path from the room to the Microphone (_path_s) three times
    before them."""
    import soundfile

    from assistant.audio.constants import MUSIC_RATE, SPEECH_RATE
    from assistant.audio.echo import Reference
    from assistant.audio.files import resample
    from assistant.audio.mic import Microphone
    from assistant.audio.player import Player
    from assistant.audio.virtual import Room
    from assistant.tts import Speaker

    voice = Speaker(MUSIC_RATE)
    reply = voice.synthesize("I make and change music. Try: make a calm lo-fi beat, then make it faster, add drums, "
                             "what key is this in, undo, or save it as sunday.")
    stops = []  # with one "stop" for all runs, the figure rested on a single rendering of the word
    for run in range(runs):
        said, wav = resample(voice.synthesize("stop")[:, 0], MUSIC_RATE, Room.RATE), folder / f"stop{run}.wav"
        soundfile.write(str(wav), said, Room.RATE)
        stops.append((wav, _onset_s(said, Room.RATE)))
    reference = Reference(MUSIC_RATE, SPEECH_RATE)
    player, mic = Player(reference=reference).open(), Microphone(reference=reference).open()
    room = pulse.room(0.05, 0.15, heard=folder / "speaker.raw")
    done = threading.Event()

    def hush(on: bool) -> None:
        if on:
            player.hush()

    def listen() -> None:
        for _ in mic.utterances(done.is_set, hearing=hush):
            pass
    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    samples = []
    try:
        time.sleep(3.0)  # the canceller converges on the silence and the first words
        path = [round(_path_s(room, mic, *stops[0]) * 1000, 1) for _ in range(3)]
        for stop_wav, onset in stops:
            player.say(reply)
            time.sleep(SAID_AFTER_S)
            spoken = room.say(stop_wav) + onset
            after = _heard_from(room.heard, spoken, AFTER_S, Room.RATE)
            samples.append(round(_last_sound_s(after, Room.RATE) * 1000, 1))
            time.sleep(1.0)
    finally:
        done.set()
        listener.join(timeout=5)
        room.stop()
        player.close()
        mic.close()
    return samples, path


def cpu_percent(seconds: float = 60.0) -> float:
    from assistant.audio.constants import MIC_BLOCK, SPEECH_RATE
    from assistant.audio.echo import Canceller

    rng = np.random.default_rng(0)
    far = rng.normal(0, 0.1, int(seconds * SPEECH_RATE)).astype(np.float32)
    near = np.roll(far, 800) * 0.5
    canceller, block = Canceller(SPEECH_RATE), MIC_BLOCK
    start = time.process_time()
    for i in range(0, len(far) - block, block):
        canceller.process(near[i:i + block], far[i:i + block])
    return round((time.process_time() - start) / seconds * 100, 2)


def rooms(folder: Path) -> dict:
    """Run inside a process whose PULSE_SERVER is the virtual devices' (PortAudio reads it once, at import)."""
    from assistant.audio.virtual import Pulse

    pulse = Pulse(folder)
    played = _played()
    erle = {f"{round(d * 1000)}ms/{round(t * 1000)}ms": {kind: _room_erle(pulse, audio, d, t, folder)
                                                         for kind, audio in played.items()} for d, t in ROOMS}
    interrupts, path = interrupt_ms(pulse, folder, INTERRUPTS)
    return {"aec_erle_db": erle, "reply_interrupt_ms": interrupts, "reply_interrupt_path_ms": path}


def measure() -> dict:
    from assistant.audio.virtual import Pulse

    if not Pulse.available():
        return {}
    with tempfile.TemporaryDirectory() as tmp:
        pulse = Pulse(Path(tmp) / "pulse").start()
        try:
            done = subprocess.run([sys.executable, "-m", "assistant.commands.bench_echo", str(pulse.runtime)],
                                  env={**os.environ, **pulse.env}, capture_output=True, text=True,
                                  timeout=600)
        finally:
            pulse.stop()
    if done.returncode != 0:
        return {"aec_error": done.stderr.strip().splitlines()[-1:]}
    from assistant.commands.bench import stats

    found = json.loads(done.stdout.strip().splitlines()[-1])
    return {"aec_erle_db": found["aec_erle_db"], "reply_interrupt_ms": stats(found["reply_interrupt_ms"]),
            "reply_interrupt_path_ms": stats(found["reply_interrupt_path_ms"]),
            "aec_cpu_percent": cpu_percent()}


if __name__ == "__main__":
    print(json.dumps(rooms(Path(sys.argv[1]))))
