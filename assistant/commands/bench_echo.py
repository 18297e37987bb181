"""`maestro bench`'s echo figures: how much of what maestro plays the canceller takes out of the microphone, live
through the virtual devices with the harness's room between speaker and microphone (assistant/audio/virtual.py
Room), and what it costs.

- aec_erle_db: per room (delay, RT60), music and then maestro's voice played by the real Player, the microphone's
  level before the canceller (recorded from the microphone's feed) over its level after it (the Microphone's own
  blocks), from the third second on, when AEC3 has converged.
- reply_interrupt_ms: maestro speaking a long reply through the room, "stop" said over it into the microphone:
  from the first sound of "stop" (its file's onset, from when it was started into the microphone's feed, plus
  paplay's start-up, measured on the feed before the room runs) to the last sound of the reply at the speaker (its
  capture), as the live session does it (mic.utterances' speech start hushes the player, which drops what the
  output has buffered).
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


def _last_sound_s(path: Path, threshold: float = 0.003) -> float:
    mono, rate = _mono(path)
    hop = rate // 100
    frames = mono[:len(mono) // hop * hop].reshape(-1, hop)
    loud = np.flatnonzero(np.sqrt((frames ** 2).mean(axis=1)) > threshold)
    return float(loud[-1] + 1) / 100 if len(loud) else 0.0


def _arrival_s(pulse, wav: Path, folder: Path, runs: int = 3) -> float:
    """From starting `wav` into the microphone's feed to its first sound there (its own onset and paplay's
    start-up), the median of `runs`, measured before any room feeds the microphone."""
    arrivals = []
    for i in range(runs):
        rec = pulse.record(folder / f"feed{i}.wav", "micfeed.monitor")
        started = rec.captured_s()
        pulse.speak_into_mic(wav).wait()
        rec.stop()
        arrivals.append(_onset_s(*_mono(folder / f"feed{i}.wav")) - started)
    return float(np.median(arrivals))


def interrupt_ms(pulse, folder: Path, runs: int) -> list[float]:
    import soundfile

    from assistant.audio.constants import MUSIC_RATE, SPEECH_RATE
    from assistant.audio.echo import Reference
    from assistant.audio.mic import Microphone
    from assistant.audio.player import Player
    from assistant.tts import Speaker

    voice = Speaker(MUSIC_RATE)
    reply = voice.synthesize("I make and change music. Try: make a calm lo-fi beat, then make it faster, add drums, "
                             "what key is this in, undo, or save it as sunday.")
    said = voice.synthesize("stop")[:, 0]
    stop_wav = folder / "stop.wav"
    soundfile.write(str(stop_wav), said, MUSIC_RATE)
    onset = _arrival_s(pulse, stop_wav, folder)
    reference = Reference(MUSIC_RATE, SPEECH_RATE)
    player, mic = Player(reference=reference).open(), Microphone(reference=reference).open()
    room = pulse.room(0.05, 0.15)
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
        for i in range(runs):
            capture = folder / f"reply{i}.wav"
            rec = pulse.record_speaker(capture)
            started = time.monotonic() - rec.captured_s()
            player.say(reply)
            time.sleep(2.0)
            spoken = time.monotonic()
            pulse.speak_into_mic(stop_wav).wait()
            rec.stop(tail_s=1.0)
            samples.append(round((started + _last_sound_s(capture) - (spoken + onset)) * 1000, 1))
            time.sleep(1.0)
    finally:
        done.set()
        listener.join(timeout=5)
        room.stop()
        player.close()
        mic.close()
    return samples


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
    return {"aec_erle_db": erle, "reply_interrupt_ms": interrupt_ms(pulse, folder, INTERRUPTS)}


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
            "aec_cpu_percent": cpu_percent()}


if __name__ == "__main__":
    print(json.dumps(rooms(Path(sys.argv[1]))))
