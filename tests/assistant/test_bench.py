"""The benchmark's own machinery (its figures are reported by `maestro bench`, never asserted as speeds)."""
import pytest

from assistant.commands import bench, bench_spoken


def test_stats_are_median_and_p95():
    assert bench.stats([float(x) for x in range(1, 101)]) == {"median": 50.5, "p95": 96.0}


@pytest.mark.slow
@pytest.mark.audio
def test_the_spoken_round_trip_is_measured_end_to_end():
    """A spoken request into the virtual microphone of a running maestro, music out of its virtual speaker: one
    measured run after the warm-up, from the end of the speech to the first sound."""
    samples = bench_spoken.first_note(1)
    assert samples is not None and len(samples) == 1
    assert samples[0] is not None and samples[0] > 0


@pytest.mark.slow
def test_the_melody_keys_are_measured(tmp_path):
    """`maestro bench --quick` carries the learned melody's figures: held-out bits per note against the n-gram
    baseline, the two-sample test for learned and rule melodies, and the time per melody. Measured here on a
    small corpus (40 reels and jigs of Ryan's, 30 chorales, a third of them held out) so that a fresh machine does
    not parse the whole music21 corpus (8 minutes) for a test; `maestro bench` uses all of it."""
    import dataclasses

    import numpy as np

    from generators.learn import corpus

    files = corpus.sources("ryansMammoth")[:40] + corpus.sources("bach")[:30]
    entries, stats = corpus.build(files=files)
    corpus.save(entries, stats, tmp_path / "small.npz")
    small = corpus.load(tmp_path / "small.npz", build_missing=False)
    small = dataclasses.replace(small, split=np.array([(0, 1, 2)[i % 3] for i in range(len(small.names))], np.int8))
    out = bench.bench_melody(quick=True, corpus=small)
    for key in ("melody_nll_bits", "melody_nll_baseline_bits", "melody_c2st_learned", "melody_c2st_rules"):
        assert isinstance(out[key], float), key
    assert 0 < out["melody_nll_bits"] < out["melody_nll_baseline_bits"] < 12
    assert 0.3 <= out["melody_c2st_learned"] <= 1 and 0.3 <= out["melody_c2st_rules"] <= 1
    assert set(out["melody_ms"]) == {"median", "p95"} and out["melody_ms"]["median"] > 0
    assert {"in_scale", "repeated_bars", "interval_kl"} <= set(out["melody_stats"]["learned"])


@pytest.mark.slow
def test_a_request_in_a_noisy_room_is_cut_and_heard_as_the_session_would(speech):
    """bench_noise's path: a request said into pink noise 10 dB under it, cut by the microphone with the session's
    end-of-query verdicts and transcribed: heard over the request, nothing before it. Pure noise gives nothing."""
    import numpy as np
    import soundfile

    from assistant.asr import load_recognizer
    from assistant.audio.constants import SPEECH_RATE
    from assistant.audio.room import mixed
    from assistant.commands import bench_noise
    from assistant.commands.bench_capture import Early
    from assistant.config import Config
    from generators.hum.humset import pink

    recognizer = load_recognizer(Config())
    early = Early(recognizer, lambda text: True)
    said, _ = soundfile.read(str(speech("make it faster")), dtype="float32")
    noise = pink(np.random.default_rng(0), len(said) + 3 * SPEECH_RATE)
    before, over = bench_noise.heard_in(mixed(said, noise, SPEECH_RATE, 10.0), recognizer, early)
    assert before == [] and len(over) == 1 and "faster" in over[0].lower(), (before, over)
    assert bench_noise.heard_in(noise * 0.1, recognizer, early) == ([], [])


@pytest.mark.slow
def test_room_noise_alone_is_no_request_with_the_canceller_on():
    """Two minutes of pink noise and of music maestro is not playing, heard with the echo canceller on (its lower
    speech thresholds) and nothing playing: no request."""
    from assistant.asr import load_recognizer
    from assistant.audio.room import played
    from assistant.commands import bench_noise
    from assistant.commands.bench_barge_in import GENRES
    from assistant.config import Config

    music = {genre: played(genre, bench_noise.STRETCH_S + 1) for genre in GENRES}
    assert bench_noise.idle_false_requests(load_recognizer(Config()), music, minutes=2) == {"pink": 0, "music": 0}


@pytest.mark.slow
def test_a_request_said_over_a_reply_over_music_is_cut_and_heard(speech):
    """bench_barge_in's reply case: "stop the music" said as loud as the echo of a reply over the ducked music, in
    a room, through the canceller (the reply hushed from the speech start): one utterance overlaps the request, and
    it is heard as "stop"."""
    import soundfile

    from assistant.asr import load_recognizer
    from assistant.audio.constants import SPEECH_RATE
    from assistant.audio.echo import Canceller
    from assistant.audio.room import played
    from assistant.commands import bench_barge_in
    from assistant.commands.bench_capture import Early, heard
    from assistant.config import Config
    from intents.understand import Understander

    understand, recognizer = Understander(), load_recognizer(Config(), playing=lambda: True)
    early = Early(recognizer, lambda text: understand(text).name != "unknown")
    said, _ = soundfile.read(str(speech("stop the music")), dtype="float32")
    reply, _ = soundfile.read(str(speech(bench_barge_in.REPLIES[1])), dtype="float32")
    music = played("rock", bench_barge_in.LEAD_S + 5)
    _, found = bench_barge_in._said_over(music, said, (0.05, 0.15), 0.0, 0, Canceller(SPEECH_RATE), early, reply)
    before, over = heard(found, bench_barge_in.LEAD_S, recognizer)
    assert before == [] and len(over) == 1 and understand(over[0]).name == "stop", (before, over)
