"""Melody tokens: a tune → ids → the same tune; positions follow the meter and the pickup."""
import pytest

from generators.learn import tokens
from generators.learn.tokens import Tune


def test_ids_round_trip_every_pitch_and_duration():
    notes = tuple((p, d) for p, d in zip([None, *range(tokens.LOW, tokens.HIGH + 1)],
                                          list(tokens.DURATIONS) * 3))
    tune = Tune("minor", "6/8", 12, notes)
    assert tokens.decode(*tokens.encode(tune)) == tune


def test_out_of_range_pitch_and_unknown_duration_are_refused():
    with pytest.raises(ValueError):
        tokens.pitch_id(tokens.HIGH + 1)
    with pytest.raises(ValueError):
        tokens.duration_id(5)


def test_positions_start_at_the_pickup_and_wrap_at_the_bar():
    assert tokens.bar_ticks("6/8") == 72 and tokens.bar_ticks("4/4") == 96 and tokens.bar_ticks("2/2") == 96
    assert tokens.positions("3/4", 48, [24, 24, 36, 12, 72]) == [48, 0, 24, 60, 0]
