"""The terminal UI: the line editor, the panels rendered at 80 columns, the status, and the real program driven
in tmux (typed requests in, the screen read back)."""
import io
import re
import shlex
import shutil
import subprocess
import sys
import time

import numpy as np
import pytest
from rich.console import Console

from assistant.audio.constants import MUSIC_RATE
from assistant.audio.mic import Microphone
from assistant.audio.player import Player
from assistant.ui import panels
from assistant.ui.keys import LineEditor
from assistant.ui.model import NowPlaying, Screen, status
from generators.compose import Request, compose
from tests.conftest import ROOT


def text_of(renderable, width: int = 80) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None, legacy_windows=False)
    console.print(renderable)
    return console.file.getvalue()


def test_the_line_editor_edits_and_hands_over_lines():
    ed = LineEditor()
    assert ed.feed("make it fasr") == []
    assert ed.feed("\x7f\x7fster\x1b[D") == [] and ed.text == "make it faster"  # backspace; an arrow key dropped
    assert ed.feed("\r") == ["make it faster"] and ed.text == ""
    assert ed.feed("save it as\x17") == [] and ed.text == "save it "
    assert ed.feed("\x15pause\nplay\n") == ["pause", "play"]
    assert ed.feed("\x04") == [None]  # Ctrl-D on an empty line: the end
    assert ed.feed("x\x04") == [] and ed.text == "x"  # ...but not in the middle of a line


def test_the_meter_spans_silence_to_full_scale():
    assert "░" * panels.METER_CELLS in text_of(panels.meter(0.0))
    assert "█" * panels.METER_CELLS in text_of(panels.meter(1.0))
    half = text_of(panels.meter(10 ** (-30 / 20)))
    assert half.count("█") == panels.METER_CELLS // 2 and "-30 dB" in half


@pytest.fixture(scope="module")
def piece():
    return compose(Request(genre="lofi", mood="calm", key="A minor", tempo_bpm=80, duration_s=60, seed=3))


def test_now_playing_shows_the_piece_at_80_columns(piece):
    shown = text_of(panels.now_playing(NowPlaying.of_piece(piece), 12.0, False, 80))
    assert "now playing" in shown and "A minor" in shown and "80 BPM" in shown and "4/4" in shown
    assert f"chord {piece.chord_at(12.0)}" in shown
    assert "0:12 / 1:00" in shown
    for track in piece.tracks:
        assert track.name[:panels.LABEL] in shown
    assert max(len(line) for line in shown.splitlines()) <= 80


def test_the_track_view_follows_the_position(piece):
    early = panels.track_view(piece, 1.0, 60)
    late = panels.track_view(piece, 50.0, 60)
    cursor = [[s.start for s in t.spans if s.style == "reverse"] for t in (early, late)]
    assert cursor[0] and cursor[1] and cursor[0][0] < cursor[1][0]
    rows = panels.activity(piece, 40)
    drums = next(i for i, t in enumerate(piece.tracks) if t.is_drum)
    assert sum(level > 0 for level in rows[drums]) > 30  # the groove plays nearly all the way through
    assert all(max(row) == 1.0 for row in rows)


def test_the_exchange_shows_intent_confidence_and_slots():
    from intents.model import Intent, Slots

    screen = Screen(heard="make it faster", reply="Now at 96 BPM.",
                    intent=Intent("modify", 0.93, Slots(tempo_change="faster")))
    shown = text_of(panels.exchange(screen))
    assert "make it faster" in shown and "modify 93%" in shown and "tempo_change=faster" in shown
    assert "Now at 96 BPM." in shown


def test_a_partial_transcript_shows_while_the_user_may_go_on():
    from assistant.ui.live import LiveUI

    ui = LiveUI()
    ui.partial("make a lo-fi beat in")
    assert "make a lo-fi beat in …" in text_of(panels.exchange(ui.screen))


def test_status_follows_the_devices():
    screen, mic, player = Screen(), Microphone(), Player()
    assert status(screen, None, None) == "ready"
    assert status(screen, mic, player) == "listening"
    mic.armed = False
    assert status(screen, mic, player) == "press Enter to talk"
    mic.armed = True
    player.play(np.zeros((MUSIC_RATE, 2), np.float32))
    assert status(screen, mic, player) == "playing"
    player.pause()
    assert status(screen, mic, player) == "paused"
    player.say(np.zeros((MUSIC_RATE, 2), np.float32))
    assert status(screen, mic, player) == "speaking"
    mic.hearing = True
    assert status(screen, mic, player) == "hearing speech"
    screen.busy = "thinking"
    assert status(screen, mic, player) == "thinking"


class Tmux:
    """The real program in a detached tmux window of a fixed size, on a private tmux server."""

    def __init__(self, tmp_path, env: dict):
        self.socket = str(tmp_path / "tmux.sock")
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        self.command = f"cd {shlex.quote(str(ROOT))} && env {exports} {shlex.quote(sys.executable)} -m assistant"

    def start(self, *args: str, width: int = 100, height: int = 40) -> "Tmux":
        line = self.command + " " + " ".join(shlex.quote(a) for a in args) + "; sleep 30"  # keep the last screen
        subprocess.run(["tmux", "-S", self.socket, "new-session", "-d", "-x", str(width), "-y", str(height), line],
                       check=True)
        return self

    def send(self, text: str) -> None:
        subprocess.run(["tmux", "-S", self.socket, "send-keys", "-l", text], check=True)
        subprocess.run(["tmux", "-S", self.socket, "send-keys", "Enter"], check=True)

    def screen(self) -> str:
        return subprocess.run(["tmux", "-S", self.socket, "capture-pane", "-p"], capture_output=True,
                              text=True).stdout

    def wait_for(self, pattern: str, timeout: float = 120) -> re.Match:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            found = re.search(pattern, self.screen())
            if found:
                return found
            time.sleep(0.2)
        raise AssertionError(f"{pattern!r} never appeared:\n{self.screen()}")

    def stop(self) -> None:
        subprocess.run(["tmux", "-S", self.socket, "kill-server"], capture_output=True)


@pytest.mark.slow
@pytest.mark.audio
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (make setup installs it)")
def test_the_live_screen_in_a_terminal(pulse, tmp_path):
    env = {k: v for k, v in pulse.env.items() if k.startswith(("PULSE", "XDG", "HOME", "PATH", "OMP", "HF_"))}
    tmux = Tmux(tmp_path, {**env, "TERM": "xterm-256color"}).start("--quiet", "--session", str(tmp_path / "s"))
    try:
        tmux.wait_for(r"listening +mic .* dB")  # the voice session, with its meter; typing works alongside
        tmux.send("make a calm lofi beat in a minor at 80 bpm for thirty seconds")
        tmux.wait_for(r"now playing")
        shown = tmux.screen()
        assert "A minor" in shown and "80 BPM" in shown and "chord" in shown and "generate" in shown
        first = int(tmux.wait_for(r"0:(\d\d) / 0:30").group(1))
        tmux.wait_for("|".join(rf"0:{s:02d} / 0:30" for s in range(first + 2, 31)), timeout=30)  # it moves
        tmux.send("pause")
        tmux.wait_for(r"paused")
        frozen = tmux.wait_for(r"0:(\d\d) / 0:30").group(1)
        time.sleep(1.5)
        assert tmux.wait_for(r"0:(\d\d) / 0:30").group(1) == frozen
        tmux.send("bye")
        tmux.wait_for(r"maestro .*(Bye|bye|Goodbye|See you)", timeout=30)
    finally:
        tmux.stop()
