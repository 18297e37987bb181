"""Quiet imports of the synthesis libraries. pyfluidsynth prints where it found libfluidsynth whenever $CI is set,
and pretty_midi imports it; stdout belongs to our JSON, so the message goes to stderr."""
from __future__ import annotations

import contextlib
import importlib
import sys
from types import ModuleType


def fluidsynth() -> ModuleType:
    with contextlib.redirect_stdout(sys.stderr):
        return importlib.import_module("fluidsynth")


def pretty_midi() -> ModuleType:
    fluidsynth()  # imported first and quietly, so pretty_midi's own import finds it loaded
    return importlib.import_module("pretty_midi")
