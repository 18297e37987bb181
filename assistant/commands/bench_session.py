"""The whole assistant as a user starts it, measured from outside: time to ready and memory after a conversation."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

READY = ("Listening", "type your requests instead")
TURNS = ("make a calm lofi beat", "make it faster", "add a saxophone melody", "what key is this in",
         "put it in d minor", "undo", "redo", "make a jazz tune in b flat major", "swap the piano for a guitar",
         "how fast is it", "make it two minutes long", "what chords are these", "volume 50", "pause", "resume",
         "save it as bench", "play the previous song", "stop", "another one like this", "what instruments are playing")


def _spawn(*args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "assistant", *args], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, **(env or {}), "OMP_NUM_THREADS": "1"})


def startup_once(session: str, env: dict | None = None) -> tuple[float, str]:
    """Milliseconds from launching `maestro` to listening (or, with no microphone, to the typed prompt)."""
    t = time.perf_counter()
    proc = _spawn("--quiet", "--session", session, env=env)
    mode = "none"
    assert proc.stdout is not None  # _spawn pipes it
    for line in proc.stdout:
        if READY[0] in line or READY[1] in line:
            mode = "listening" if READY[0] in line else "typed"
            break
    elapsed = time.perf_counter() - t
    proc.communicate("quit\n", timeout=60)
    return elapsed * 1000, mode


def startup(runs: int) -> tuple[list[float], str]:
    """Start-up times and what the last run got ready for: listening on a private PulseAudio's virtual microphone
    when PulseAudio is installed (speech recognition loaded), else the typed prompt."""
    from assistant.audio.virtual import Pulse

    with tempfile.TemporaryDirectory() as tmp:
        pulse = Pulse(Path(tmp) / "pulse").start() if Pulse.available() else None
        try:
            env, session = (pulse.env if pulse else None), str(Path(tmp) / "session")
            startup_once(session, env)  # warm the page cache
            samples = [startup_once(session, env) for _ in range(runs)]
        finally:
            if pulse:
                pulse.stop()
    return [ms for ms, _ in samples], samples[-1][1]


def _peak_rss_mb(pid: int) -> float:
    """VmHWM: the peak RSS of the process's own memory since exec (getrusage's ru_maxrss would include the memory
    it inherited from this big benchmark process at fork)."""
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise OSError("no VmHWM")


def rss_after_turns() -> float:
    """Peak RSS (MB) of a typed session that went through TURNS: generating, editing, answering, playing."""
    with tempfile.TemporaryDirectory() as tmp:
        proc = _spawn("--text", "--quiet", "--session", tmp)
        assert proc.stdin is not None and proc.stdout is not None  # _spawn pipes them
        proc.stdin.write("\n".join(TURNS) + "\n")
        proc.stdin.flush()
        replies, seen = 0, []
        for line in proc.stdout:
            seen.append(line)
            replies += line.startswith("maestro>") or "maestro> " in line
            if replies >= len(TURNS):
                break
        if proc.poll() is not None:
            raise RuntimeError(f"the session ended after {replies} turns: {''.join(seen[-3:]).strip()}")
        peak = _peak_rss_mb(proc.pid)
        proc.communicate("quit\n", timeout=60)
    return peak
