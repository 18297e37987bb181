"""The music engine behind the dialogue and the commands: a Request becomes a Piece, a Piece becomes audio blocks.
Callers see only this interface and pick an engine by name (config `generator`), so another engine (MusicGen through
transformers, say) is one class registered in ENGINES, with no change to the dialogue."""
from __future__ import annotations

from typing import Iterator, Protocol

import numpy as np

from generators.compose.plan import Request
from generators.piece import Piece


class Engine(Protocol):
    name: str
    edits_score: bool
    """True when generators.edit applies to its pieces (they carry a score); an audio-only engine says False."""

    def compose(self, request: Request) -> Piece: ...

    def blocks(self, piece: Piece, soundfont: str | None = None, block_frames: int = 4410) -> Iterator[np.ndarray]:
        """Raw float32 stereo blocks at 44.1 kHz covering the piece, first block first, as soon as each is ready."""


class Symbolic:
    """Rule-based composition from the style YAML (generators.compose), rendered by FluidSynth."""

    name = "symbolic"
    edits_score = True

    def compose(self, request: Request) -> Piece:
        from generators.compose import compose

        return compose(request)

    def blocks(self, piece: Piece, soundfont: str | None = None, block_frames: int = 4410) -> Iterator[np.ndarray]:
        from generators.render import render_blocks

        return render_blocks(piece, soundfont, block_frames)


ENGINES: dict[str, type[Engine]] = {"symbolic": Symbolic}


def get(name: str = "symbolic") -> Engine:
    if name not in ENGINES:
        raise KeyError(f"no music engine '{name}' (one of: {', '.join(ENGINES)})")
    return ENGINES[name]()


def render(engine: Engine, piece: Piece, soundfont: str | None = None) -> np.ndarray:
    """The whole piece, raw (not mastered)."""
    from generators.render import SAMPLE_RATE, join

    return join(engine.blocks(piece, soundfont, SAMPLE_RATE))
