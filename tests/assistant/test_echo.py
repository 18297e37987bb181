"""Echo cancellation (assistant/audio/echo.py): the player's output kept by time and matched with the microphone's
blocks; WebRTC's AEC3 taking music and maestro's voice out of synthetic rooms while the user's speech stays; ten
minutes of its own output never a request; and, live through the virtual devices with a room in the harness, a
reply talked over stops."""
from __future__ import annotations

import numpy as np
import pytest
import soundfile
import soxr

from assistant.audio.echo import Canceller, Reference
from assistant.audio.room import echo_of, erle_db, impulse_response, mixed

RATE = 16000
BLOCK = 480


def test_the_reference_is_found_by_time():
    ref = Reference(48000, RATE)
    tone = np.random.default_rng(3).normal(0, 0.1, 48000).astype(np.float32)
    for i in range(0, 48000, 1024):
        ref.played(np.stack([tone[i:i + 1024]] * 2, axis=1), 10.0 + i / 48000)
    expected = soxr.resample(tone, 48000, RATE)
    got = ref.at(10.5, BLOCK)
    lag = max(range(-100, 101), key=lambda k: float(got @ expected[8000 + k:8000 + k + BLOCK]))
    assert abs(lag) <= 2, lag  # within two samples of what sounded at 10.5 s
    assert not ref.at(9.0, BLOCK).any() and not ref.at(11.5, BLOCK).any()  # before anything played, and ahead


def test_a_gap_in_the_output_moves_the_reference_with_the_clock():
    ref = Reference(RATE, RATE)
    ref.played(np.ones(1600, np.float32), 0.0)
    ref.played(np.full(1600, 2.0, np.float32), 0.5)  # 0.4 s of nothing played between (an underrun)
    assert ref.at(0.52, 10).mean() == pytest.approx(2.0, abs=0.05)
    assert not ref.at(0.3, 10).any()
    assert ref.at(0.05, 10).mean() == pytest.approx(1.0)  # what sounded before the gap stays where it sounded


def test_output_dropped_before_it_sounded_is_forgotten():
    ref = Reference(RATE, RATE)
    ref.played(np.ones(RATE, np.float32), 0.0)  # 1 s written ahead; the output restarts at 0.5 s
    ref.forget_after(0.5)
    ref.played(np.full(1600, 2.0, np.float32), 0.55)  # the new stream's first block sounds 50 ms later
    assert ref.at(0.3, 10).mean() == pytest.approx(1.0)
    assert not ref.at(0.52, 10).any()
    assert ref.at(0.56, 10).mean() == pytest.approx(2.0)


def test_a_restart_shorter_than_the_tolerance_is_placed_by_its_stamp():
    """The output restarts (ducking at once, a hush) with only 5 ms of silence: the next block is placed where its
    stamp says, not where the count would put it; the counts' tolerance for jitter would shift the echo."""
    ref = Reference(RATE, RATE)
    ref.played(np.ones(RATE, np.float32), 0.0)
    ref.forget_after(0.5)
    ref.played(np.full(1600, 2.0, np.float32), 0.505)
    assert not ref.at(0.5, 80).any()  # the 5 ms the restart took
    assert ref.at(0.505, 80).mean() == pytest.approx(2.0)
    ref.forget_after(0.55)
    ref.played(np.full(1600, 3.0, np.float32), 0.545)  # stamped 5 ms before the count: it sounds over the end
    assert ref.at(0.52, 10).mean() == pytest.approx(2.0)
    assert ref.at(0.546, 10).mean() == pytest.approx(3.0) and ref.at(0.6, 10).mean() == pytest.approx(3.0)


def test_blocks_are_whole_frames():
    with pytest.raises(ValueError, match="160-sample frames"):
        Canceller(RATE).process(np.zeros(100, np.float32), np.zeros(100, np.float32))


@pytest.fixture(scope="module")
def played():
    """Twenty seconds of what maestro plays, at the microphone's rate: a piece, with its voice over it."""
    from generators import engine
    from generators.compose import Request
    from generators.master import master
    from generators.render import SAMPLE_RATE
    from tests.conftest import synthesize

    music = engine.get()
    piece = music.compose(Request(genre="rock", seed=5, duration_s=20))
    out = soxr.resample(master(engine.render(music, piece), SAMPLE_RATE).mean(axis=1), SAMPLE_RATE, RATE)
    voice, rate = soundfile.read(synthesize("here is an energetic rock song in e minor"), dtype="float32")
    voice = soxr.resample(voice, rate, RATE)
    out[8 * RATE:8 * RATE + len(voice)] += voice
    return out.astype(np.float32)


def cancel(near: np.ndarray, far: np.ndarray) -> np.ndarray:
    n = len(near) // BLOCK * BLOCK
    return Canceller(RATE).process(near[:n], far[:n])


@pytest.mark.parametrize("delay_s,decay_s", [(0.02, 0.05), (0.05, 0.15), (0.08, 0.3)])
def test_music_and_voice_are_cancelled_in_a_room(played, delay_s, decay_s):
    echo = echo_of(played, RATE, delay_s, decay_s)
    out = cancel(echo, played)
    settled = 3 * RATE
    assert erle_db(echo[settled:len(out)], out[settled:]) >= 15


def speech_probabilities(audio: np.ndarray) -> np.ndarray:
    from assistant.asr.vad import Stream
    from tests.assistant.test_vad import probabilities

    return probabilities(Stream(), audio)


def test_the_voice_is_heard_and_the_music_is_not(played):
    """A request said 6 dB over the music's echo: after the canceller the VAD hears the voice and nothing in the
    music before it, and Whisper understands it. (At 0 dB the canceller alone is not enough: its suppressor takes
    the voice down with the echo's tail; ducking, once the voice is heard, has to do the rest.)"""
    from assistant.asr import load_recognizer
    from assistant.audio.mic import START
    from assistant.config import Config
    from tests.conftest import synthesize

    said, rate = soundfile.read(synthesize("make it faster and add a flute"), dtype="float32")
    said = soxr.resample(said, rate, RATE)
    speech = np.zeros_like(played)
    speech[12 * RATE:12 * RATE + len(said)] = said
    echo = echo_of(played, RATE, 0.05, 0.2)
    active = np.abs(speech) > 0.01
    echo *= np.sqrt(np.mean(speech[active] ** 2) / np.mean(echo[active] ** 2)) / 2  # 6 dB under the voice
    near = (echo + speech).astype(np.float32)
    out = cancel(near, played)
    frames = [int(t * RATE) // 512 for t in (3, 12, 12 + len(said) / RATE)]
    raw, clean = speech_probabilities(near), speech_probabilities(out)
    assert raw[frames[0]:frames[1]].max() >= START  # without it, the music alone starts an utterance
    assert clean[frames[0]:frames[1]].max() < START <= clean[frames[1]:frames[2]].max()
    heard = load_recognizer(Config()).transcribe(out[11 * RATE:13 * RATE + len(said)]).text.lower()
    assert "make it faster" in heard and "flute" in heard, heard


def test_a_room_delays_then_decays():
    ir = impulse_response(RATE, 0.04, 0.2)
    assert np.argmax(np.abs(ir)) == int(0.04 * RATE) and len(ir) == int(0.04 * RATE) + int(0.2 * RATE)
    tail = ir[int(0.04 * RATE) + 1:]
    assert np.abs(tail[-400:]).max() < np.abs(tail[:400]).max() / 100  # 60 dB down by the end


def test_a_voice_is_mixed_in_at_the_level_asked():
    rng = np.random.default_rng(1)
    voice, noise = rng.normal(0, 0.2, RATE).astype(np.float32), rng.normal(0, 1, 3 * RATE).astype(np.float32)
    capture = mixed(voice, noise, RATE, 5.0)
    placed = np.zeros_like(noise)
    placed[RATE:2 * RATE] = voice
    heard_noise = (capture - placed)[RATE:2 * RATE]
    assert len(capture) == len(noise) and np.corrcoef(heard_noise, noise[RATE:2 * RATE])[0, 1] > 0.9999
    active = np.abs(voice) > 0.01
    assert 10 * np.log10(np.mean(voice[active] ** 2) / np.mean(heard_noise[active] ** 2)) == pytest.approx(5.0)


def frame_levels(path, per_s: int, start_s: float = 0.0, end_s: float | None = None) -> np.ndarray:
    """The RMS level of a capture in frames of 1/per_s s, between start_s and end_s."""
    audio, rate = soundfile.read(str(path))
    mono = audio.mean(axis=1) if audio.ndim == 2 else audio
    mono = mono[int(start_s * rate):None if end_s is None else int(end_s * rate)]
    hop = rate // per_s
    return np.sqrt((mono[:len(mono) // hop * hop].reshape(-1, hop) ** 2).mean(axis=1))


def voiced_seconds(path, start_s: float = 0.0, end_s: float | None = None, threshold: float = 0.003) -> float:
    """Seconds (in 50 ms frames) louder than `threshold` between start_s and end_s of a capture."""
    return float((frame_levels(path, 20, start_s, end_s) > threshold).sum() / 20)


def level_drop_s(path, full_until_s: float) -> float:
    """When a capture of a steady tone first falls below the middle of its full level and its ducked level."""
    from assistant.audio.player import DUCK

    rms = frame_levels(path, 200)
    full = np.median(rms[100:int(full_until_s * 200)])
    return next(i for i in range(int(full_until_s * 200), len(rms)) if rms[i] < full * (1 + DUCK) / 2) / 200


@pytest.mark.audio
@pytest.mark.parametrize("at_once", [True, False])
def test_ducking_at_once_drops_what_the_output_had_buffered(pulse, tmp_path, at_once):
    """With the echo cancelled the music ducks under the user's first words at once (the canceller damages words
    said over loud music): the output restarts without its 0.2 s buffer and the music goes back to what was heard.
    Measured at the virtual speaker's monitor: 3-4 ms after the call, against 223-244 ms through the buffer."""
    import os

    from assistant.audio.constants import MUSIC_RATE
    from assistant.audio.player import Player

    os.environ.update(pulse.env)
    tone = (0.3 * np.sin(2 * np.pi * 440 * np.arange(10 * MUSIC_RATE) / MUSIC_RATE)).astype(np.float32)
    player = Player(volume=100).open()
    try:
        player.play(np.stack([tone, tone], axis=1))
        rec = pulse.record_speaker(tmp_path / "speaker.wav")
        rec.wait_more(1.5)
        called, before = rec.captured_s(), player.position()
        player.duck(True, at_once=at_once)
        after = player.position()
        rec.wait_more(0.6)
        rec.stop()
    finally:
        player.close()
    late = level_drop_s(tmp_path / "speaker.wav", called - 0.2) - called
    if at_once:
        assert late < 0.1 and before - 0.25 < after < before  # no music skipped: it went back by its buffer
    else:
        assert late > 0.15 and after == before


@pytest.mark.audio
def test_the_room_says_into_the_microphone_on_the_clock_of_what_it_takes_from_the_speaker(pulse, tmp_path):
    """Room.say mixes a file into the microphone's feed and tells where it went among the samples the room has
    taken from the speaker (its `heard` file): the bench's one clock for reply_interrupt_ms."""
    import time

    from assistant.audio.virtual import Room

    tone = (0.3 * np.sin(2 * np.pi * 440 * np.arange(Room.RATE // 2) / Room.RATE)).astype(np.float32)
    soundfile.write(str(tmp_path / "tone.wav"), tone, Room.RATE)
    room = pulse.room(0.05, 0.15, heard=tmp_path / "heard.raw")
    feed = pulse.record(tmp_path / "feed.wav", "micfeed.monitor")
    try:
        time.sleep(0.5)
        at = room.say(tmp_path / "tone.wav")
        feed.wait_more(1.0)
    finally:
        feed.stop()
        room.stop()
    heard_s = (tmp_path / "heard.raw").stat().st_size / 2 / Room.RATE
    assert 0.4 < at < heard_s - 0.5
    levels = frame_levels(tmp_path / "feed.wav", 100)
    assert 0.15 < levels.max() < 0.25 and (levels > 0.1).sum() / 100 == pytest.approx(0.5, abs=0.05)


def in_a_room(pulse, tmp_path, echo_cancel: bool):
    """A `maestro --plain` session with echo_cancel set as asked, and the harness's room feeding the speaker back
    into the microphone (the voice's echo about 6 dB under the user's voice): (the session, the room)."""
    from assistant.audio.virtual import Running
    from tests.conftest import ROOT

    config = tmp_path / "config.yaml"
    config.write_text(f"echo_cancel: {str(echo_cancel).lower()}\n")
    app = Running({**pulse.env, "MAESTRO_CONFIG": str(config)}, tmp_path / "s", "--plain", cwd=ROOT)
    return app, pulse.room(0.05, 0.15, gain=0.5)


@pytest.mark.slow
@pytest.mark.audio
def test_talking_over_a_reply_cuts_it(pulse, speech, tmp_path):
    """With the echo cancelled the microphone listens while maestro speaks: its long help reply, talked over 2 s
    after it began to sound, falls silent while the user is still talking, and what was said is taken as the next
    request (what the overlapped words are heard as is not asserted here). (Talked over 3 s after the typed line, it
    failed now and then: the reply's first sound came 1.1 s after the line here, but 2.8 s in one failed run.)"""
    from assistant.audio.constants import MUSIC_RATE
    from assistant.tts import Speaker

    app, room = in_a_room(pulse, tmp_path, echo_cancel=True)
    try:
        app.wait_for("Listening")
        capture = tmp_path / "speaker.wav"
        rec = pulse.record_speaker(capture)
        app.type("what can you do")
        reply = app.wait_for("maestro>")[-1].split("maestro>", 1)[1].strip()
        spoke = rec.wait_for_sound()
        rec.wait_more(spoke + 2.0 - rec.captured_s())  # the voice has been speaking for 2 s
        talked = rec.captured_s()
        pulse.speak_into_mic(speech("make it a jazz tune with a flute and some drums")).wait()
        done = rec.captured_s()
        lines = app.wait_for("maestro>")
        rec.stop(tail_s=0.5)
        assert len([line for line in lines if line.startswith("heard>")]) == 1, lines  # one utterance: the user's
        whole = len(Speaker(MUSIC_RATE).synthesize(reply)) / MUSIC_RATE
        assert whole > 7 and done - talked > 2  # the reply (started after the typed line) would have gone on
        assert voiced_seconds(capture, 0, talked) >= 1.0  # it was speaking
        assert voiced_seconds(capture, talked + 1.0, done) == 0  # and was silent soon after the user began
    finally:
        room.stop()
        app.close()


@pytest.mark.slow
@pytest.mark.audio
def test_with_echo_cancel_off_the_microphone_is_deaf_while_maestro_speaks(pulse, speech, tmp_path):
    """echo_cancel: false, as before #20: the same long reply, with its echo in the room, talked over 3 s in, goes
    on, and neither the words said over it nor its own echo become a request; said after it, a request is heard."""
    app, room = in_a_room(pulse, tmp_path, echo_cancel=False)
    try:
        app.wait_for("Listening")
        capture = tmp_path / "speaker.wav"
        rec = pulse.record_speaker(capture)
        app.type("what can you do")
        app.wait_for("maestro>")
        rec.wait_more(3.0)
        talked = rec.captured_s()
        pulse.speak_into_mic(speech("make it a jazz tune with a flute and some drums")).wait()
        done = rec.captured_s()
        assert voiced_seconds(capture, talked + 1.0, done) >= 0.5  # the reply went on (its pauses are up to 0.36 s)
        assert not [line for line in app.quiet_for(8) if line.startswith(("heard>", "maestro>"))]
        pulse.speak_into_mic(speech("make a calm jazz tune")).wait()
        lines = app.wait_for("maestro>")
        rec.stop()
        assert any("jazz" in line.lower() for line in lines if line.startswith("heard>")), lines
    finally:
        room.stop()
        app.close()


@pytest.mark.slow
@pytest.mark.audio
def test_stop_said_over_a_reply_over_music_stops_both(pulse, speech, tmp_path):
    """Music playing, a reply spoken over it, and "stop" said over both: the reply falls silent, the word is taken
    as "stop" (AEC3's suppressor takes its start, which the microphone gives back: assistant.audio.onset), and the
    music stops."""
    app, room = in_a_room(pulse, tmp_path, echo_cancel=True)
    try:
        app.wait_for("Listening")
        app.type("make a calm lofi beat for forty seconds")
        app.wait_for("maestro>")
        capture = tmp_path / "speaker.wav"
        rec = pulse.record_speaker(capture)
        rec.wait_more(6.0)  # the canceller has heard the music for a while
        app.type("what can you do")
        app.wait_for("maestro>")
        rec.wait_more(2.5)
        talked = rec.captured_s()
        pulse.speak_into_mic(speech("stop")).wait()
        lines = app.wait_for("maestro>")
        rec.wait_more(3.0)  # the reply to "stop" has been spoken
        end = rec.captured_s()
        rec.stop(tail_s=0.5)
        assert len([line for line in lines if line.startswith("heard>")]) == 1, lines  # one utterance: the user's
        assert "maestro> Stopped." in lines, lines  # taken as "stop" (heard "Stop.", in 2 runs of 10 "Star.")
        assert voiced_seconds(capture, talked - 2.0, talked) >= 1.5  # music and voice were playing
        assert voiced_seconds(capture, end - 1.5, end) == 0  # and nothing plays now
    finally:
        room.stop()
        app.close()


@pytest.mark.slow
def test_ten_minutes_of_its_own_music_and_voice_are_never_a_request():
    """Ten minutes of what maestro plays (eight pieces, each announced by its reply over the ducked music), through
    a different room each, into the microphone as the session takes it with the canceller on (one canceller kept
    across pieces, its lower thresholds while maestro plays, the leak checks at the start and at the end): no
    utterance is cut. Each piece's room differs from the last's, so the echo's delay jumps as each reply starts.
    Before the check at the end (mic.OWN_FOLLOWS), CI cut one such start (375.24 s: the sixth reply, into the
    80/300 ms room), which this machine did not; with six other sets of seeds here, none was cut but two came
    within a blip. The first two minutes of the same echo, uncancelled, cut some (2 here)."""
    from assistant.audio.constants import MUSIC_RATE
    from assistant.audio.player import DUCK
    from assistant.commands.bench_capture import cut
    from assistant.tts import Speaker
    from generators import engine, styles
    from generators.compose import Request
    from generators.master import master

    music, voice, rooms = engine.get(), Speaker(MUSIC_RATE), [(0.02, 0.05), (0.05, 0.15), (0.08, 0.3)]
    played, heard = [], []
    for i, genre in enumerate(styles.GENRES[:8]):
        piece = music.compose(Request(genre=genre, seed=40 + i, duration_s=75))
        out = master(engine.render(music, piece), MUSIC_RATE).mean(axis=1)
        said = voice.synthesize(f"Here is {piece.title}, in {piece.key.name} at {piece.tempo_bpm:.0f} BPM.")[:, 0]
        out[:len(said)] = out[:len(said)] * DUCK + said
        out = soxr.resample(out, MUSIC_RATE, RATE).astype(np.float32)
        played.append(out)
        heard.append(echo_of(out, RATE, *rooms[i % 3], seed=i))
    far, near = np.concatenate(played), np.concatenate(heard)
    assert len(far) >= 600 * RATE
    assert cut(near, far)[1] == []
    assert len(cut(near[:120 * RATE])[1]) >= 1
