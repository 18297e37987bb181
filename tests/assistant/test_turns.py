"""One turn at a time on a session folder: concurrent `maestro ask` edits are serialized, none is lost, version
numbers are unique; a turn that cannot get the session in time says it is busy and changes nothing."""
import json
import threading

import pytest

from assistant.store import SessionBusy, Store


@pytest.mark.slow
def test_two_processes_ten_edits_each_lose_nothing(ask, maestro):
    first = ask("make a pop song in c major for ten seconds")["piece"]
    results: dict[str, list[dict]] = {"up": [], "down": []}

    def edits(way: str) -> None:
        for _ in range(10):
            done = maestro("ask", f"transpose it {way} a semitone", "--json", "--no-play", "--session",
                               str(ask.session))
            assert done.returncode == 0, done.stderr
            results[way].append(json.loads(done.stdout)["piece"])
    threads = [threading.Thread(target=edits, args=(way,)) for way in results]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    versions = sorted(p["version"] for rows in results.values() for p in rows)
    assert versions == list(range(2, 22))  # every reply names its own version
    store = Store(ask.session)
    state = store.load()
    assert state.timeline == tuple((first["id"], v) for v in range(1, 22)) and state.cursor == 20
    melody = [store.load_piece(first["id"], v).track("melody").notes[0].pitch for v in range(1, 22)]
    steps = [b - a for a, b in zip(melody, melody[1:])]
    assert sorted(steps) == [-1] * 10 + [1] * 10  # each version is the one before it plus exactly one edit
    assert store.load_piece(first["id"], 21).key.name == "C major"


def test_a_turn_waits_its_turn_then_says_the_session_is_busy(tmp_path):
    store = Store(tmp_path / "s")
    entered = threading.Event()
    release = threading.Event()

    def hold():
        with store.turn():
            entered.set()
            release.wait(10)
    holder = threading.Thread(target=hold)
    holder.start()
    assert entered.wait(10)
    with pytest.raises(SessionBusy, match="busy with another request"):
        with Store(tmp_path / "s").turn(wait_s=0.2):
            pass
    release.set()
    holder.join()
    with Store(tmp_path / "s").turn(wait_s=0.2):  # free again
        pass


@pytest.mark.slow
@pytest.mark.audio
def test_the_volume_survives_a_restart(pulse, tmp_path):
    """"volume 40", quit, start again: the music plays at 40 (the live player opened at the config's 80 before)."""
    import numpy as np
    import soundfile

    from assistant.audio.virtual import Running
    from tests.assistant.test_remote import _offset, _rms_blocks
    from tests.conftest import ROOT

    session = tmp_path / "s"
    app = Running(pulse.env, session, "--text", "--plain", "--quiet", cwd=ROOT)
    app.type("make a calm piano piece for twenty seconds")
    app.wait_for("maestro>")
    app.type("volume 40")
    app.wait_for("Volume 40")
    app.close()
    capture = tmp_path / "cap.wav"
    rec = pulse.record_speaker(capture)
    app = Running(pulse.env, session, "--text", "--plain", "--quiet", cwd=ROOT)
    try:
        app.type("play it")
        app.wait_for("Playing")
        app.quiet_for(5)
    finally:
        app.close()
        rec.stop()
    audio = Store(session).files(*Store(session).load().current).audio
    whole = soundfile.read(str(audio), dtype="float32")[0].mean(axis=1)
    heard = soundfile.read(str(capture), dtype="float32")[0].mean(axis=1)
    loud = np.flatnonzero(_rms_blocks(heard, 2205) > 0.002)
    assert len(loud) > 40, "no music was heard"
    window = heard[(loud[0] + 10) * 2205:(loud[0] + 50) * 2205]
    at = _offset(window, whole)
    gain = _rms_blocks(window, len(window))[0] / _rms_blocks(whole[at:at + len(window)], len(window))[0]
    assert gain == pytest.approx(0.4, abs=0.04)
