"""Quiet imports of the synthesis libraries. pyfluidsynth prints where it found libfluidsynth whenever $CI is set,
and pretty_midi imports it; stdout belongs to our JSON, so the message goes to stderr."""
from __future__ import annotations

import contextlib
import sys


def fluidsynth():
    with contextlib.redirect_stdout(sys.stderr):
        import fluidsynth
    return fluidsynth


def pretty_midi():
    fluidsynth()  # imported first and quietly, so pretty_midi's own import finds it loaded
    import pretty_midi
    return pretty_midi
