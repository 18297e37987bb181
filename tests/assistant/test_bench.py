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
