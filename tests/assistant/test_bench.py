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
