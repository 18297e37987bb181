"""A server run as a child process, its log read line by line on a thread: `maestro serve` (or another Wyoming
server) for the bench and the tests, as assistant/audio/virtual.py's Running is for the voice session."""
from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Child:
    def __init__(self, args: list[str], env: dict | None = None, cwd: Path | None = None):
        self.name = " ".join(args[1:4])
        self.proc = subprocess.Popen(args, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env,
                                     cwd=cwd)
        self.lines: list[str] = []
        """Its log (stderr) so far."""
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stderr is not None  # piped above
        for line in self.proc.stderr:
            self.lines.append(line)

    def next_line(self, text: str, after: int = 0, timeout: float = 120) -> str:
        """The first line of the log from line `after` on that holds `text`; RuntimeError if the process ends or
        the time runs out first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = next((line for line in self.lines[after:] if text in line), None)
            if found is not None:
                return found
            if self.proc.poll() is not None:
                break
            time.sleep(0.005)
        raise RuntimeError(f"no {text!r} in the log of {self.name}: {''.join(self.lines[-5:]).strip()}")

    def rss_mb(self) -> float:
        for line in open(f"/proc/{self.proc.pid}/status"):
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
        raise OSError("no VmRSS")

    def stop(self, kill: bool = False) -> None:
        self.proc.kill() if kill else self.proc.terminate()
        self.proc.wait(timeout=60)


def maestro_serve(session: Path, env: dict | None = None, cwd: Path | None = None) -> tuple[Child, str]:
    """`maestro serve --no-play` on a free loopback port, ready; and its URI."""
    uri = f"tcp://127.0.0.1:{free_port()}"
    child = Child([sys.executable, "-m", "assistant", "serve", "--no-play", "--uri", uri, "--session", str(session)],
                  env, cwd)
    child.next_line("serving Wyoming")
    return child, uri
