"""Playback control across processes. A one-shot `maestro ask "play it" --session S` plays to the end; another
`maestro ask "pause" --session S` reaches it through two small files in the session folder: the playing process
announces itself in player.json (its pid and file) and polls player.cmd, which the controlling process writes."""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from generators.atomic import write_text

POLL_S = 0.05


@dataclass(frozen=True)
class Command:
    seq: int
    """Distinguishes a new command from one already carried out."""
    name: str
    """pause, resume, stop or volume."""
    volume: int | None = None


def _write(path: Path, data: dict) -> None:
    write_text(path, json.dumps(data))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Remote:
    def __init__(self, root: Path):
        self.info = Path(root) / "player.json"
        self.commands = Path(root) / "player.cmd"

    def announce(self, playing: Path) -> None:
        self.info.parent.mkdir(parents=True, exist_ok=True)
        self.commands.unlink(missing_ok=True)
        _write(self.info, {"pid": os.getpid(), "file": str(playing)})

    def withdraw(self) -> None:
        if (self.playing() or {}).get("pid") == os.getpid():
            self.info.unlink(missing_ok=True)
            self.commands.unlink(missing_ok=True)

    def playing(self) -> dict | None:
        """The announcement of a live playing process, or None (a stale one, from a killed process, is removed)."""
        try:
            info = json.loads(self.info.read_text())
            pid = int(info["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not _pid_alive(pid):
            self.info.unlink(missing_ok=True)
            return None
        return info

    def send(self, name: str, volume: int | None = None) -> bool:
        """Hand a command to the playing process; False when nothing is playing."""
        if self.playing() is None:
            return False
        _write(self.commands, {"seq": time.monotonic_ns(), "name": name, "volume": volume})
        return True

    def poll(self, last: int | None) -> Command | None:
        try:
            raw = json.loads(self.commands.read_text())
            command = Command(int(raw["seq"]), str(raw["name"]), raw.get("volume"))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return command if command.seq != last else None


def serve(player, remote: Remote, playing: Path) -> None:
    """Until the music ends or a stop arrives, carry out the commands other processes send."""
    from assistant.errors import DeviceError

    remote.announce(playing)
    last = None
    try:
        while player.active():
            command = remote.poll(last)
            if command is not None:
                last = command.seq
                if command.name == "stop":
                    player.stop()
                    break
                if command.name == "volume" and command.volume is not None:
                    player.set_volume(command.volume)
                elif command.name in ("pause", "resume"):
                    getattr(player, command.name)()
            if not player.stream_alive():
                raise DeviceError("the audio output went away while playing")
            time.sleep(POLL_S)
        time.sleep(player.latency + 0.05)
    finally:
        remote.withdraw()
