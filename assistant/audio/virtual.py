"""A private PulseAudio server with a virtual microphone and speaker (../shared/notes/audio.md), and a `maestro`
session running on it, for the tests and for `maestro bench`, which speak into the microphone and listen to the
speaker on machines without sound hardware."""
from __future__ import annotations

import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path


class Recording:
    """A capture in progress. Its waits count captured audio, not wall time, so they hold on a loaded machine."""

    HEADER = 44

    def __init__(self, proc: subprocess.Popen, path: Path):
        self.proc, self.path = proc, path
        self.channels = self.rate = self.bits = 0
        """The capture's format, from its WAV header once written."""

    def captured_s(self) -> float:
        """Seconds of audio in the file so far."""
        size = self.path.stat().st_size if self.path.exists() else 0
        if not self.rate and size >= self.HEADER:
            with open(self.path, "rb") as f:
                head = f.read(self.HEADER)
            self.channels, self.rate, self.bits = (int.from_bytes(head[a:b], "little")
                                                   for a, b in ((22, 24), (24, 28), (34, 36)))
        bytes_per_s = self.channels * self.rate * self.bits // 8
        return max(0, size - self.HEADER) / bytes_per_s if bytes_per_s else 0.0

    def wait_more(self, seconds: float, timeout: float = 60) -> None:
        """Until `seconds` more of audio have been captured."""
        target, deadline = self.captured_s() + seconds, time.monotonic() + timeout
        while self.captured_s() < target:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise TimeoutError(f"the capture stopped short of {target:.1f} s ({self.captured_s():.1f} s)")
            time.sleep(0.02)

    def wait_for_sound(self, level: float = 0.003, timeout: float = 60) -> float:
        """Until the capture holds a 50 ms frame louder than `level` (RMS); returns where that frame starts (s)."""
        import numpy as np

        from assistant.audio.levels import frame_rms

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            if self.captured_s() > 0:
                if self.bits != 16:
                    raise ValueError("wait_for_sound reads 16-bit captures (parecord's default)")
                with open(self.path, "rb") as f:
                    data = f.read()[self.HEADER:]
                samples = np.frombuffer(data[:len(data) // (2 * self.channels) * 2 * self.channels], np.int16) / 32768
                mono = samples.reshape(-1, self.channels).mean(axis=1)
                loud = np.flatnonzero(frame_rms(mono, self.rate // 20) > level)
                if len(loud):
                    return float(loud[0]) / 20
            time.sleep(0.05)
        raise TimeoutError(f"nothing sounded in the capture ({self.captured_s():.1f} s)")

    def started(self) -> Recording:
        self.wait_more(0.1)
        return self

    def stop(self, tail_s: float = 0.3) -> None:
        """After `tail_s` more of audio (what was last played reaches the monitor), end the capture."""
        try:
            self.wait_more(tail_s)
        finally:
            self.proc.terminate()
            self.proc.wait()


class Pulse:
    def __init__(self, runtime: Path):
        self.runtime = runtime
        self.env = {**os.environ, "PULSE_RUNTIME_PATH": str(runtime), "PULSE_SERVER": f"unix:{runtime}/native"}
        self._tickers: list[subprocess.Popen] = []

    @staticmethod
    def available() -> bool:
        return all(shutil.which(p) for p in ("pulseaudio", "pactl", "parec", "paplay"))

    def start(self) -> "Pulse":
        self.runtime.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["pulseaudio", "-n", "--daemonize=yes", "--exit-idle-time=-1", "--system=false",
             f"--log-target=file:{self.runtime}/pulse.log", "-L", "module-native-protocol-unix",
             "-L", "module-null-sink sink_name=speaker sink_properties=device.description=VirtualSpeaker",
             "-L", "module-null-sink sink_name=micfeed sink_properties=device.description=MicFeed",
             "-L", "module-remap-source master=micfeed.monitor source_name=mic "
                   "source_properties=device.description=VirtualMic"],
            env=self.env, check=True, capture_output=True, timeout=30)
        for _ in range(100):
            if subprocess.run(["pactl", "info"], env=self.env, capture_output=True).returncode == 0:
                break
            time.sleep(0.05)
        subprocess.run(["pactl", "set-default-sink", "speaker"], env=self.env, check=True, capture_output=True)
        subprocess.run(["pactl", "set-default-source", "mic"], env=self.env, check=True, capture_output=True)
        for monitor in ("speaker.monitor", "micfeed.monitor"):  # keep the null sinks ticking in small blocks
            self._tickers.append(subprocess.Popen(["parec", "--latency-msec=20", "-d", monitor], env=self.env,
                                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        return self

    def record_speaker(self, path: Path) -> Recording:
        """Capture what is played to the virtual speaker into a WAV file; returns once the capture is running."""
        return self.record(path, "speaker.monitor")

    def record(self, path: Path, source: str) -> Recording:
        """Capture a source ("speaker.monitor", or "micfeed.monitor": what the microphone hears) into a WAV file."""
        proc = subprocess.Popen(["parecord", "--latency-msec=50", "-d", source, "--file-format=wav", str(path)],
                                env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return Recording(proc, path).started()

    def speak_into_mic(self, wav: Path) -> subprocess.Popen:
        return subprocess.Popen(["paplay", "--device=micfeed", str(wav)], env=self.env)

    def echo(self, volume: float) -> str:
        """Feed what the speaker plays back into the microphone at `volume` (0..1 on PulseAudio's cubic scale: 0.8 is
        -6 dB), as a room would; returns the module to unload."""
        module = subprocess.run(["pactl", "load-module", "module-loopback", "source=speaker.monitor",
                                 "sink=micfeed", "latency_msec=60"], env=self.env, check=True, capture_output=True,
                                text=True).stdout.strip()
        for _ in range(40):  # the loopback's sink input (the short list names its driver, not its module)
            inputs = subprocess.run(["pactl", "list", "short", "sink-inputs"], env=self.env, check=True,
                                    capture_output=True, text=True).stdout.splitlines()
            rows = [row for row in (line.split("\t") for line in inputs)
                    if len(row) > 3 and row[3] == "module-loopback.c"]
            if rows:
                subprocess.run(["pactl", "set-sink-input-volume", rows[0][0], f"{round(volume * 100)}%"],
                               env=self.env, check=True, capture_output=True)
                return module
            time.sleep(0.05)
        raise RuntimeError("the loopback's volume could not be set")

    def room(self, delay_s: float, decay_s: float, gain: float = 1.0, heard: Path | None = None) -> "Room":
        """Feed what the speaker plays back into the microphone through a synthetic room (assistant/audio/room.py):
        a direct path after `delay_s` (on top of the capture's own latency) and a tail of `decay_s`. With `heard`,
        the room writes what it takes from the speaker there (16 kHz mono s16le, on its own clock: Room.say)."""
        return Room(self, delay_s, decay_s, gain, heard).start()

    def unload(self, module: str) -> None:
        subprocess.run(["pactl", "unload-module", module], env=self.env, capture_output=True)

    def stop(self) -> None:
        for p in self._tickers:
            p.terminate()
            p.wait(timeout=5)
        self._tickers.clear()
        subprocess.run(["pulseaudio", "--kill"], env=self.env, capture_output=True, timeout=30)


class Room:
    """The speaker's monitor, convolved with a room's impulse response block by block (overlap-add), played into
    the microphone's feed. The convolution runs in a process of its own (`python -m assistant.audio.virtual
    DELAY DECAY GAIN [HEARD]`), so that waits for the GIL in the process that plays and records cannot make its
    output underrun: an underrun moves the echo later, and the room would not hold still.

    The room can also say something into the microphone (`say`), on the clock of what it takes from the speaker
    (`heard`): the one clock on which a bench can tell how long after the user's first sound maestro went quiet."""

    RATE, BLOCK = 16000, 160
    LATENCY_MS = 40
    """What the room's capture and playback buffer. At 20 ms, with 30 ms blocks, its playback underran 33 times in
    30 s (pulse's log): PulseAudio filled each gap with silence, and the echo came later and later, by 11 ms over 30
    s in steps (the lag from what the room took to what the Microphone got); AEC3 lost tens of dB of ERLE for about
    a second at each step, and in the 50/150 ms room the same music read 11-57 dB of ERLE from run to run, the same
    voice 10-68. With 10 ms blocks and 40 ms: 0-1 underruns in 30 s, and the echo held still through 2 runs of 30 s
    and stepped once (9 ms) in a third. Played noise, 20 s, against a capture of the feed: still from 4 s on in 2 of
    3 runs, one step of 8 ms in the other (10 ms of capture buffering, or 60 ms of playback: 4 of 6, steps of 3 and
    7 ms; the old 20 ms and 30 ms blocks: 1 of 3) (session 19)."""

    SETTLE_S = 0.6
    """How long the room runs before it is ready, writing to its playback only what the playback has taken: as
    the two start, the capture delivers before the playback takes, and what piled up in the pipe between them
    stayed there. That backlog, 60-90 ms here (session 22: the pipe's unread bytes, steady after the first 0.5 s),
    came on top of the echo's delay and of the path from what the room says to the microphone; bench_echo's
    reply_interrupt_path_ms was 126-195 ms with it and 42-128 without (nine runs)."""

    def __init__(self, pulse: Pulse, delay_s: float, decay_s: float, gain: float, heard: Path | None = None):
        self.pulse, self.args = pulse, (delay_s, decay_s, gain)
        self.heard = heard
        """Where the room writes what it takes from the speaker, or None."""
        self._proc: subprocess.Popen | None = None

    def start(self) -> "Room":
        extra = [str(self.heard)] if self.heard else []
        self._proc = subprocess.Popen([sys.executable, "-m", "assistant.audio.virtual", *map(str, self.args), *extra],
                                      env=self.pulse.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=subprocess.DEVNULL, text=True)
        assert self._proc.stdout is not None  # opened with a pipe
        self._proc.stdout.readline()  # "ready": its capture and playback are running
        return self

    def say(self, wav: Path) -> float:
        """Mix a mono WAV into what the microphone hears, from the room's next block; returns where its first
        sample went, in seconds of what the room has taken from the speaker (of `heard`), once it has."""
        assert self._proc is not None and self._proc.stdin is not None and self._proc.stdout is not None  # start()
        self._proc.stdin.write(f"{wav}\n")
        self._proc.stdin.flush()
        return int(self._proc.stdout.readline().split()[1]) / self.RATE

    @classmethod
    def run(cls, delay_s: float, decay_s: float, gain: float, heard: str = "") -> None:
        """The convolution loop, until the capture ends."""
        import numpy as np

        from assistant.audio.room import impulse_response

        ir = impulse_response(cls.RATE, delay_s, decay_s) * gain
        raw = ["--format=s16le", f"--rate={cls.RATE}", "--channels=1", f"--latency-msec={cls.LATENCY_MS}"]
        capture = subprocess.Popen(["parec", "-d", "speaker.monitor", *raw], stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL)
        playback = subprocess.Popen(["pacat", "--playback", "-d", "micfeed", *raw], stdin=subprocess.PIPE,
                                    stderr=subprocess.DEVNULL)
        source, sink = capture.stdout, playback.stdin
        assert source is not None and sink is not None  # opened with pipes
        requests: queue.Queue = queue.Queue()
        threading.Thread(target=cls._requests, args=(requests,), daemon=True).start()
        record = open(heard, "wb") if heard else None
        ready = False
        size = 1 << int(np.ceil(np.log2(len(ir) + cls.BLOCK)))
        spectrum, tail = np.fft.rfft(ir, size), np.zeros(size)
        voice, taken = np.zeros(0), 0
        try:
            while len(data := source.read(cls.BLOCK * 2)) == cls.BLOCK * 2:
                x = np.frombuffer(data, np.int16).astype(np.float64) / 32768
                tail += np.fft.irfft(np.fft.rfft(x, size) * spectrum, size)
                out, tail = tail[:cls.BLOCK].copy(), np.concatenate([tail[cls.BLOCK:], np.zeros(cls.BLOCK)])
                if not requests.empty():
                    voice = requests.get()
                    print(f"at {taken}", flush=True)
                said, voice = voice[:cls.BLOCK], voice[cls.BLOCK:]
                out[:len(said)] += said
                if ready or _queued(sink) < cls.BLOCK * 2:  # before it is ready, the room keeps no backlog
                    sink.write((np.clip(out, -1, 1) * 32767).astype(np.int16).tobytes())
                    sink.flush()
                if not ready and taken >= cls.SETTLE_S * cls.RATE:
                    ready = True
                    print("ready", flush=True)
                if record:
                    record.write(data)
                    record.flush()
                taken += cls.BLOCK
        except BrokenPipeError:
            pass
        finally:
            if record:
                record.close()
            for proc in (capture, playback):
                proc.terminate()
                proc.wait(timeout=5)

    @staticmethod
    def _requests(requests: queue.Queue) -> None:
        """Files to say, a path a line on stdin, each read as mono at the room's rate (the microphone's)."""
        from assistant.audio.files import read_speech

        for line in sys.stdin:
            requests.put(read_speech(Path(line.strip())))

    def stop(self) -> None:
        if self._proc is not None:
            self._proc.terminate()
            self._proc.wait(timeout=5)
            self._proc = None


def _queued(pipe) -> int:
    """Bytes written into `pipe` that its reader has not taken yet."""
    import array
    import fcntl
    import termios

    count = array.array("i", [0])
    fcntl.ioctl(pipe.fileno(), termios.FIONREAD, count)
    return count[0]


class Running:
    """A `maestro` session started with `env` (a Pulse's, say), its output read line by line; `args` go before
    --session (e.g. --quiet --plain)."""

    def __init__(self, env: dict, session: Path, *args: str, cwd: Path | None = None):
        self.proc = subprocess.Popen([sys.executable, "-m", "assistant", *args, "--session", str(session)], cwd=cwd,
                                     env={**os.environ, **env}, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None  # opened with stdout=PIPE
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def type(self, text: str) -> None:
        """A typed line, as from the keyboard."""
        assert self.proc.stdin is not None  # opened with stdin=PIPE
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def wait_for(self, fragment: str, timeout: float = 120) -> list[str]:
        """The lines up to and including the first that holds `fragment`."""
        seen = []
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                continue
            seen.append(line)
            if fragment in line:
                return seen
        raise RuntimeError(f"no {fragment!r} in {seen}")

    def quiet_for(self, seconds: float) -> list[str]:
        """The lines printed over the next `seconds`."""
        seen = []
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                seen.append(self.lines.get(timeout=0.5))
            except queue.Empty:
                pass
        return seen

    def close(self) -> None:
        self.type("quit")
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


if __name__ == "__main__":
    import signal

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # Room.stop: end the capture and playback too
    delay, decay, gain = map(float, sys.argv[1:4])
    Room.run(delay, decay, gain, *sys.argv[4:5])
