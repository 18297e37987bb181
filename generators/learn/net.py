"""The melody network in torch, for training only (the composer runs `runtime.Melody`, the same maths in numpy).

A small decoder-only transformer over notes. Step t predicts note t from what came before: its input is note t-1
(pitch + duration embeddings; a start token at t=0), the bar position where note t begins (known before it is
chosen), the tune's mode, meter and source (song, dance tune, chorale), and the step index. Two heads: the pitch
of note t, then its duration given that pitch, so P(note) = P(pitch | past) · P(duration | past, pitch), and each
is scored in bits on its own."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

from generators.learn import tokens


@dataclass(frozen=True)
class Config:
    width: int = 192
    layers: int = 4
    heads: int = 4
    context: int = 256
    """Notes the model sees at once."""
    dropout: float = 0.1

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


START_PITCH, START_DURATION = tokens.START_PITCH, tokens.START_DURATION


class Block(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(c.width), nn.LayerNorm(c.width)
        self.qkv, self.out = nn.Linear(c.width, 3 * c.width), nn.Linear(c.width, c.width)
        self.up, self.down = nn.Linear(c.width, 4 * c.width), nn.Linear(4 * c.width, c.width)
        self.heads, self.drop = c.heads, nn.Dropout(c.dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, w = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(w, dim=2)
        q, k, v = (y.view(b, t, self.heads, w // self.heads).transpose(1, 2) for y in (q, k, v))
        a = F.scaled_dot_product_attention(q, k, v, is_causal=True, dropout_p=self.drop.p if self.training else 0)
        x = x + self.drop(self.out(a.transpose(1, 2).reshape(b, t, w)))
        out: torch.Tensor = x + self.drop(self.down(F.gelu(self.up(self.ln2(x)), approximate="tanh")))
        return out


class MelodyNet(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.config = c
        w = c.width
        self.pitch_in = nn.Embedding(tokens.PITCHES + 1, w)
        self.duration_in = nn.Embedding(len(tokens.DURATIONS) + 1, w)
        self.position = nn.Embedding(tokens.MAX_BAR, w)
        self.mode = nn.Embedding(len(tokens.MODES), w)
        self.meter = nn.Embedding(len(tokens.METERS), w)
        self.source = nn.Embedding(len(tokens.SOURCES), w)
        self.step = nn.Embedding(c.context, w)
        self.blocks = nn.ModuleList(Block(c) for _ in range(c.layers))
        self.ln = nn.LayerNorm(w)
        self.pitch_out = nn.Linear(w, tokens.PITCHES)
        self.chosen_pitch = nn.Embedding(tokens.PITCHES, w)
        self.duration_out = nn.Linear(w, len(tokens.DURATIONS))
        self.drop = nn.Dropout(c.dropout)

    def forward(self, prev_pitch: torch.Tensor, prev_duration: torch.Tensor, position: torch.Tensor,
                mode: torch.Tensor, meter: torch.Tensor, source: torch.Tensor,
                pitch: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """All (batch, time) long tensors but mode, meter and source (batch,); `pitch` is note t's pitch (teacher
        forcing).
        Returns pitch logits and duration logits, (batch, time, vocab) each."""
        t = prev_pitch.shape[1]
        x = (self.pitch_in(prev_pitch) + self.duration_in(prev_duration) + self.position(position)
             + (self.mode(mode) + self.meter(meter) + self.source(source))[:, None, :]
             + self.step(torch.arange(t))[None])
        x = self.drop(x)
        for block in self.blocks:
            x = block(x)
        h = self.ln(x)
        return self.pitch_out(h), self.duration_out(h + self.chosen_pitch(pitch))
