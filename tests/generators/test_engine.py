"""The engine seam: callers reach composing and rendering only through generators.engine."""
import ast
from pathlib import Path

import numpy as np
import pytest

from generators import engine
from generators.compose import Request, compose
from generators.render import render

ROOT = Path(__file__).resolve().parents[2]


def test_the_symbolic_engine_is_the_composer_and_fluidsynth():
    music = engine.get("symbolic")
    piece = music.compose(Request(genre="jazz", seed=9, duration_s=4))
    assert piece == compose(Request(genre="jazz", seed=9, duration_s=4)) and music.edits_score
    audio = engine.render(music, piece)
    assert audio.shape == render(piece).shape and np.abs(audio).max() > 0.01


def test_an_unknown_engine_is_named():
    with pytest.raises(KeyError, match="musicgen"):
        engine.get("musicgen")


def test_the_assistant_never_composes_or_renders_around_the_engine():
    for path in (ROOT / "assistant").rglob("*.py"):
        if path.name == "bench.py":  # measures the symbolic engine's parts on purpose
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module in ("generators.compose", "generators.render"):
                names = {a.name for a in node.names}
                assert not names & {"compose", "render", "render_blocks"}, (path, names)
