import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intents.numbers import normalise, words_to_digits


@pytest.mark.parametrize("said, want", [
    ("make it one forty", "make it 140"),
    ("at a hundred and twenty bpm", "at 120 bpm"),
    ("forty five seconds", "45 seconds"),
    ("one twenty five bpm", "125 bpm"),
    ("one hundred and five", "105"),
    ("twenty one", "21"),
    ("another one like this", "another one like this"),
    ("one minute long", "1 minute long"),
])
def test_spoken_numbers_become_digits(said, want):
    assert words_to_digits(said) == want


@pytest.mark.parametrize("said, want", [
    ("f sharp minor please", "F# minor please"),
    ("in see major", "in C major"),
    ("B flat major", "Bb major"),
    ("make a beat in a minor", "make a beat in A minor"),
    ("put it in a minor key", "put it in a minor key"),
    ("in e flat minor", "in Eb minor"),
    ("Make a calm lo-fi beat in A minor at 80 BPM.", "make a calm lo fi beat in A minor at 80 bpm"),
])
def test_keys_are_spelled(said, want):
    assert normalise(said) == want


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_normalise_never_fails_on_any_text(text):
    out = normalise(text)
    assert isinstance(out, str) and "\n" not in out
