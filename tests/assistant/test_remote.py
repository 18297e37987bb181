"""Playback control across `maestro ask` processes: pause, resume, volume and stop reach the process playing."""
import json
import os
import subprocess
import sys
import time

import numpy as np
import pytest
import soundfile

from assistant.audio.remote import Remote
from tests.conftest import ROOT


def test_nothing_playing_means_nothing_sent(tmp_path):
    assert not Remote(tmp_path).send("pause")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / "player.json").write_text(json.dumps({"pid": dead.pid, "file": "x.wav"}))
    assert not Remote(tmp_path).send("pause")  # a killed player's announcement is stale
    assert not (tmp_path / "player.json").exists()


def test_commands_are_seen_once(tmp_path):
    remote = Remote(tmp_path)
    remote.announce(tmp_path / "x.wav")
    assert remote.send("volume", 40)
    command = remote.poll(None)
    assert (command.name, command.volume) == ("volume", 40)
    assert remote.poll(command.seq) is None
    remote.withdraw()
    assert not remote.send("pause")


def _rms_blocks(x, n):
    return np.sqrt((x[: len(x) // n * n].reshape(-1, n) ** 2).mean(axis=1))


def _offset(snippet, whole):
    """Where in `whole` the snippet plays (seconds at 44.1 kHz), by normalised cross-correlation."""
    from scipy.signal import correlate

    corr = correlate(whole, snippet, mode="valid", method="fft")
    power = np.concatenate([[0.0], np.cumsum(whole.astype(np.float64) ** 2)])
    energy = np.sqrt(np.maximum(power[len(snippet):] - power[:-len(snippet)], 0)) + 1e-9
    return int(np.argmax(corr / energy))


@pytest.mark.slow
@pytest.mark.audio
def test_pause_resume_volume_and_stop_from_other_processes(pulse, maestro, tmp_path):
    session = str(tmp_path / "s")
    assert maestro("ask", "make a happy pop song for one minute", "--no-play", "--session", session).returncode == 0
    capture = tmp_path / "cap.wav"
    rec = pulse.record_speaker(capture)
    player = subprocess.Popen([sys.executable, "-m", "assistant", "ask", "play it", "--json", "--session", session],
                              cwd=ROOT, env={**os.environ, **pulse.env}, stdout=subprocess.PIPE, text=True)
    try:
        for _ in range(600):
            if (tmp_path / "s" / "player.json").exists():
                break
            time.sleep(0.05)
        rec.wait_more(2)  # two seconds of the music as it plays
        for said, reply in (("pause", "Paused."), ("resume", "Resuming."), ("volume 40", "Volume 40."),
                            ("stop", "Stopped.")):
            done = maestro("ask", said, "--session", session, env=pulse.env)
            assert done.returncode == 0 and done.stdout.strip() == reply, (said, done.stdout, done.stderr)
            rec.wait_more(2)  # two seconds in each state
        assert player.wait(timeout=30) == 0
    finally:
        player.kill()
        rec.stop()
    piece = json.loads(player.stdout.read())["piece"]
    whole = soundfile.read(piece["audio_path"], dtype="float32")[0].mean(axis=1)
    heard = soundfile.read(str(capture), dtype="float32")[0].mean(axis=1)
    music = _rms_blocks(heard, 2205) > 0.003  # 50 ms blocks
    edges = np.flatnonzero(np.diff(music.astype(int)))  # on, off (pause), on (resume), off (stop)
    assert len(edges) == 4, edges
    start, pause, resume, stop = (e + 1 for e in edges)
    assert (resume - pause) * 0.05 > 1.5  # silent while paused
    # after the pause the music goes on from where it stopped, not from the start
    snippet = heard[(resume + 6) * 2205:(resume + 26) * 2205]
    expected = (pause - start + 6) * 2205
    assert abs(_offset(snippet, whole) - expected) < 0.25 * 44100
    # the level follows the volume: 80 before, 40 after, against the file at the same place
    gains = []
    for block in range(resume + 4, stop - 2 - 4 + 1, 4):  # each window of 4 blocks ends 2 blocks before the stop
        at = _offset(heard[block * 2205:(block + 4) * 2205], whole)
        gains.append(_rms_blocks(heard[block * 2205:(block + 4) * 2205], 8820)[0] /
                     _rms_blocks(whole[at:at + 8820], 8820)[0])
    assert gains[0] == pytest.approx(0.8, abs=0.05) and gains[-1] == pytest.approx(0.4, abs=0.03), gains
