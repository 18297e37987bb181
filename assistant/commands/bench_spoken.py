"""e2e_spoken_first_note_ms: piper speech for a generate request played into a virtual microphone while `maestro`
listens, timed from the end of the speech to the first sound of music on the virtual speaker. Everything a user
waits for is inside: the microphone's latency, end-of-speech detection, VAD, Whisper, understanding, composing,
the first rendered block and the speaker's latency."""
from __future__ import annotations

import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from assistant.audio.constants import SPEECH_RATE

REQUEST = "make a calm lo-fi beat in a minor"
CHUNK = 160  # 10 ms
SOUND = 1e-3


def write_request(path: Path) -> float:
    """The request as piper speech with silence around it; returns the seconds from the end of the speech to the
    end of the file."""
    import soundfile

    from assistant.tts import Speaker

    voice = Speaker(SPEECH_RATE).synthesize(REQUEST)[:, 0]
    before, after = np.zeros(int(0.3 * SPEECH_RATE), np.float32), np.zeros(int(0.5 * SPEECH_RATE), np.float32)
    audio = np.concatenate([before, voice, after])
    soundfile.write(str(path), audio, SPEECH_RATE)
    last = int(np.nonzero(np.abs(audio) > 0.01)[0][-1])
    return (len(audio) - last) / SPEECH_RATE


class SpeakerWatch:
    """Reads the virtual speaker in 10 ms chunks and notes when sound first appears after arm()."""

    def __init__(self, env: dict):
        self.proc = subprocess.Popen(["parec", "--raw", "--format=float32le", "--channels=1", f"--rate={SPEECH_RATE}",
                                      "--latency-msec=10", "-d", "speaker.monitor"], env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.sound_at: float | None = None
        self.last_sound = time.monotonic()
        self.armed = False
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None  # opened with stdout=PIPE
        while True:
            data = self.proc.stdout.read(CHUNK * 4)
            if not data:
                return
            now = time.monotonic()
            if float(np.sqrt(np.mean(np.frombuffer(data, np.float32) ** 2))) > SOUND:
                self.last_sound = now
                if self.armed and self.sound_at is None:
                    self.sound_at = now

    def arm(self) -> None:
        self.sound_at, self.armed = None, True

    def quiet_for(self, seconds: float, timeout: float = 30) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() - self.last_sound < seconds and time.monotonic() < end:
            time.sleep(0.05)

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=5)


def first_note(runs: int) -> list[float | None] | None:
    """Milliseconds from the end of speech to the first note, per run after one warm-up (None for a run with no
    music within 30 s); None without PulseAudio."""
    from assistant.audio.virtual import Pulse

    if not Pulse.available():
        print("bench: PulseAudio is not installed; e2e_spoken_first_note_ms is left out", file=sys.stderr)
        return None
    with tempfile.TemporaryDirectory() as tmp:
        pulse = Pulse(Path(tmp) / "pulse").start()
        try:
            return _measure(pulse, Path(tmp), runs)
        finally:
            pulse.stop()


def _measure(pulse, folder: Path, runs: int) -> list[float | None]:
    from assistant.audio.virtual import Running

    wav = folder / "request.wav"
    tail = write_request(wav)
    session = Running({**pulse.env, "OMP_NUM_THREADS": "1"}, folder / "session", "--quiet", "--plain")
    watch = SpeakerWatch(pulse.env)
    samples = []
    try:
        session.wait_for("Listening")
        for run in range(runs + 1):
            watch.quiet_for(1.0)
            watch.arm()
            if pulse.speak_into_mic(wav).wait() != 0:
                raise RuntimeError("paplay could not play the request into the virtual microphone")
            spoken_end = time.monotonic() - tail
            session.wait_for("maestro>")
            while watch.sound_at is None and time.monotonic() - spoken_end < 30:
                time.sleep(0.01)
            if run:
                samples.append(None if watch.sound_at is None else (watch.sound_at - spoken_end) * 1000)
            session.type("stop")
            session.wait_for("maestro>")
    finally:
        watch.close()
        session.close()
    return samples
