"""Real PortAudio streams through a private PulseAudio: what maestro plays is captured from the virtual speaker,
and piper speech played into the virtual microphone is heard by a running `maestro`."""
import json
import os
import subprocess
import sys
import time

import numpy as np
import pytest
import soundfile

from assistant.audio.virtual import Running
from tests.conftest import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.audio]


def test_ask_plays_through_the_speaker(pulse, maestro, tmp_path):
    session = str(tmp_path / "s")
    assert maestro("ask", "make a happy pop song for ten seconds", "--no-play", "--session", session).returncode == 0
    capture = tmp_path / "cap.wav"
    rec = pulse.record_speaker(capture)
    done = maestro("ask", "play it", "--session", session, env=pulse.env)
    rec.stop()
    assert done.returncode == 0, done.stderr
    audio, rate = soundfile.read(str(capture))
    blocks = audio[: len(audio) // 4410 * 4410].reshape(-1, 4410, audio.shape[1])
    heard = np.sqrt((blocks ** 2).mean(axis=(1, 2))) > 0.01
    assert 9.0 <= heard.sum() * 0.1 <= 10.5  # ten seconds of music, all of it, nothing garbled into silence


def test_no_audio_server_is_one_line_and_the_piece_is_kept(maestro, tmp_path):
    env = {"PULSE_SERVER": "unix:/nonexistent/native"}
    done = maestro("ask", "make a short jazz tune for five seconds", "--json", "--session", str(tmp_path / "s"),
                   env=env)
    assert done.returncode == 0
    assert json.loads(done.stdout)["piece"]["genre"] == "jazz"
    warnings = [line for line in done.stderr.splitlines() if line.startswith("maestro:")]
    assert len(warnings) == 1 and "audio" in warnings[0] and "Traceback" not in done.stderr


def running(env, session):
    """A `maestro` voice session (assistant.audio.virtual.Running) started from the project folder."""
    return Running(env, session, cwd=ROOT)


def test_spoken_requests_are_heard_and_music_and_noise_are_not(pulse, speech, tmp_path):
    noise = tmp_path / "noise.wav"
    soundfile.write(str(noise), np.random.default_rng(1).normal(0, 0.05, 22050 * 3).astype(np.float32), 22050)
    music = tmp_path / "music.wav"
    assert subprocess.run([sys.executable, "-m", "assistant", "generate", "--genre", "pop", "--duration", "6",
                           "--seed", "4", "-o", str(music)], cwd=ROOT, capture_output=True).returncode == 0
    app = running(pulse.env, tmp_path / "s")
    try:
        app.wait_for("Listening")
        for distraction in (music, noise):
            pulse.speak_into_mic(distraction).wait()
        assert not [line for line in app.quiet_for(8) if line.startswith(("heard>", "maestro>"))]
        pulse.speak_into_mic(speech("make a calm jazz tune")).wait()
        lines = app.wait_for("maestro>")
        heard = next(line for line in lines if line.startswith("heard>"))
        assert "jazz" in heard.lower()
        assert "jazz" in lines[-1].lower(), lines
        pulse.speak_into_mic(speech("what key is this in")).wait()
        assert "It's in" in app.wait_for("maestro>")[-1]
    finally:
        app.close()


def test_barge_in_a_command_is_heard_over_the_music(pulse, speech, tmp_path):
    """The speaker's music reaches the microphone (a loopback at 80% volume, -6 dB, as a laptop's speakers would); the
    music alone is never taken for a command, and a spoken one over it is understood. No spoken replies: with them, a
    reply still playing when the command is spoken used to join it in one utterance (the microphone is now deaf
    while maestro speaks, so the command would be ignored)."""
    app = Running(pulse.env, tmp_path / "s", "--quiet", cwd=ROOT)
    echo = pulse.echo(0.8)  # the volume was never applied before (always 100%, about -3 dB of the speech)
    try:
        app.wait_for("Listening")
        app.type("make a lofi beat at 80 bpm for forty seconds")
        app.wait_for("maestro>")
        mic = tmp_path / "mic.wav"
        rec = subprocess.Popen(["parecord", "-d", "micfeed.monitor", "--file-format=wav", str(mic)], env=pulse.env)
        assert not [line for line in app.quiet_for(5) if line.startswith(("heard>", "maestro>"))]
        rec.terminate()
        rec.wait()
        command = speech("make it faster")
        in_mic, said = soundfile.read(str(mic))[0], soundfile.read(str(command))[0]
        ratio_db = 20 * np.log10(np.sqrt(np.mean(in_mic ** 2)) / np.sqrt(np.mean(said[np.abs(said) > 0.01] ** 2)))
        assert -20 < ratio_db < -3  # the music in the microphone is a real competitor for the voice
        pulse.speak_into_mic(command).wait()
        lines = app.wait_for("maestro>")
        assert any("faster" in line.lower() for line in lines if line.startswith("heard>")), lines
        assert "BPM" in lines[-1]
    finally:
        pulse.unload(echo)
        app.close()


def test_push_to_talk_hears_one_request_per_press(pulse, speech, tmp_path):
    config = tmp_path / "config" / "maestro" / "config.yaml"
    config.parent.mkdir(parents=True)
    config.write_text("push_to_talk: true\n")
    app = running(pulse.env, tmp_path / "s")
    try:
        app.wait_for("Press Enter, then speak")
        pulse.speak_into_mic(speech("make a calm jazz tune")).wait()
        assert not [line for line in app.quiet_for(4) if line.startswith(("heard>", "maestro>"))]
        app.type("")
        app.wait_for("Listening for one request")
        pulse.speak_into_mic(speech("make a calm jazz tune")).wait()
        assert "jazz" in app.wait_for("maestro>")[-1].lower()
        pulse.speak_into_mic(speech("what key is this in")).wait()  # the press was used: not heard
        assert not [line for line in app.quiet_for(4) if line.startswith(("heard>", "maestro>"))]
    finally:
        app.close()


def test_without_a_microphone_the_session_is_typed(tmp_path):
    env = {**os.environ, "PULSE_SERVER": "unix:/nonexistent/native"}
    done = subprocess.run([sys.executable, "-m", "assistant", "--session", str(tmp_path / "s")], cwd=ROOT, env=env,
                          input="make a calm folk song for five seconds\nwhat key is this in\nquit\n",
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "type your requests instead" in done.stderr
    assert "Here is a calm folk piece" in done.stdout and "Goodbye." in done.stdout


def test_replies_are_spoken_and_understandable(pulse, tmp_path):
    capture = tmp_path / "voice.wav"
    rec = pulse.record_speaker(capture)
    done = subprocess.run([sys.executable, "-m", "assistant", "--text", "--session", str(tmp_path / "s")], cwd=ROOT,
                          env=pulse.env, input="what can you do\n", capture_output=True, text=True, timeout=300)
    rec.stop()
    assert done.returncode == 0, done.stderr
    from assistant.asr import Recognizer, load_backend
    from assistant.audio.files import read_speech

    heard = Recognizer(load_backend("openai-whisper", "tiny.en")).transcribe(read_speech(capture)).text.lower()
    assert "music" in heard and "faster" in heard, heard


def test_quiet_means_no_voice(pulse, tmp_path):
    capture = tmp_path / "quiet.wav"
    rec = pulse.record_speaker(capture)
    done = subprocess.run([sys.executable, "-m", "assistant", "--text", "--quiet", "--session", str(tmp_path / "s")],
                          cwd=ROOT, env=pulse.env, input="what can you do\n", capture_output=True, text=True,
                          timeout=300)
    rec.stop()
    assert done.returncode == 0
    audio, _ = soundfile.read(str(capture))
    assert np.abs(audio).max() < 0.01


def _heard_seconds(capture):
    audio, rate = soundfile.read(str(capture))
    blocks = audio[: len(audio) // 4410 * 4410].reshape(-1, 4410, audio.shape[1])
    return (np.sqrt((blocks ** 2).mean(axis=(1, 2))) > 0.01).sum() * 0.1


def test_the_users_own_files_play_by_path_and_by_name(pulse, maestro, tmp_path):
    wav = tmp_path / "mine.wav"
    assert maestro("generate", "--genre", "rock", "--duration", "4", "--seed", "3", "-o", str(wav)).returncode == 0
    ogg = tmp_path / "my song.ogg"
    soundfile.write(str(ogg), *soundfile.read(str(wav)))
    session = tmp_path / "s"
    (session / "library").mkdir(parents=True)
    subprocess.run(["ffmpeg", "-loglevel", "error", "-i", str(wav), str(session / "library" / "rainy-day.mp3")],
                   check=True)
    for request in (f"play {ogg}", "play rainy day"):
        capture = tmp_path / "cap.wav"
        rec = pulse.record_speaker(capture)
        done = maestro("ask", request, "--session", str(session), env=pulse.env)
        rec.stop()
        assert done.returncode == 0 and done.stdout.startswith("Playing"), (request, done.stdout, done.stderr)
        assert 3.5 <= _heard_seconds(capture) <= 4.5, request


def test_the_audio_server_dies_while_playing_and_listening(tmp_path):
    from assistant.audio.virtual import Pulse

    if not Pulse.available():
        pytest.skip("PulseAudio is not installed (make setup installs it)")
    pulse = Pulse(tmp_path / "pulse").start()  # its own server: the shared one must outlive this test
    app = running(pulse.env, tmp_path / "s")
    try:
        app.wait_for("Listening")
        app.type("make a calm jazz tune for two minutes")
        app.wait_for("maestro>")
        time.sleep(1)
        pulse.stop()  # music playing, microphone open
        app.wait_for("carrying on typed", timeout=30)
        app.type("what key is this in")
        lines = app.wait_for("maestro>")
        assert "It's in" in lines[-1]
        assert any("audio output went away" in line for line in lines), lines
        assert not any("Traceback" in line for line in lines)
    finally:
        app.close()
        pulse.stop()
    assert app.proc.returncode == 0
