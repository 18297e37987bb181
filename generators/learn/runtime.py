"""The melody network at composing time: numpy, one note per step with a key/value cache, no torch.

Weights ship in `weights/melody.npz` (float16) with `weights/melody.json` (the network's shape, the token
vocabulary, their sha256, and the command and commit that made them). `load()` checks the checksum and the
vocabulary; anything wrong raises `WeightsError` with one line, and the composer falls back to the rules."""
from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from generators.learn import tokens

WEIGHTS = Path(__file__).with_name("weights") / "melody.npz"
MANIFEST = WEIGHTS.with_suffix(".json")


class WeightsError(Exception):
    """The melody weights are missing, damaged or of another vocabulary."""


def vocabulary() -> dict[str, Any]:
    return {"low": tokens.LOW, "high": tokens.HIGH, "ticks": tokens.TICKS, "durations": list(tokens.DURATIONS),
            "modes": list(tokens.MODES), "meters": list(tokens.METERS), "sources": list(tokens.SOURCES)}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _layer_norm(x: np.ndarray, g: np.ndarray, b: np.ndarray) -> np.ndarray:
    d = x - x.mean()
    out: np.ndarray = d * (g / np.sqrt(d.dot(d) / d.size + 1e-5)) + b
    return out


def _gelu(x: np.ndarray) -> np.ndarray:
    """GELU, tanh form (as the network was trained)."""
    inner: np.ndarray = x * x
    inner *= 0.044715
    inner += 1.0
    inner *= x
    inner *= 0.7978845608028654
    np.tanh(inner, out=inner)
    inner += 1.0
    inner *= x
    inner *= 0.5
    return inner


@dataclass(frozen=True)
class Step:
    pitch_logits: np.ndarray
    hidden: np.ndarray
    """The final layer's normalised state, for the duration head once a pitch is chosen."""


class Melody:
    """A loaded network. `start()` gives a fresh state; `step()` feeds note t-1 and the position of note t."""

    def __init__(self, weights: dict[str, np.ndarray], config: dict[str, Any]):
        self.w = {k: v.astype(np.float32) for k, v in weights.items()}
        self.layers, self.heads, self.context = config["layers"], config["heads"], config["context"]
        self.width = config["width"]
        self.parameters = sum(v.size for v in self.w.values())
        """Weights in the network (counted before any re-layout)."""
        for i in range(self.layers):  # (in, out) layouts once, so each step is x @ W
            for name in ("qkv", "out", "up", "down"):
                self.w[f"blocks.{i}.{name}.weight"] = np.ascontiguousarray(self.w[f"blocks.{i}.{name}.weight"].T)
        for name in ("pitch_out", "duration_out"):
            self.w[f"{name}.weight"] = np.ascontiguousarray(self.w[f"{name}.weight"].T)
        scale = 1.0 / np.sqrt(self.width // self.heads)
        self.layer_weights = []
        for i in range(self.layers):  # the attention scale folded into the query projection
            p = f"blocks.{i}."
            qkv_w, qkv_b = self.w[p + "qkv.weight"].copy(), self.w[p + "qkv.bias"].copy()
            qkv_w[:, :self.width] *= scale
            qkv_b[:self.width] *= scale
            self.layer_weights.append((self.w[p + "ln1.weight"], self.w[p + "ln1.bias"], qkv_w, qkv_b,
                                       self.w[p + "out.weight"], self.w[p + "out.bias"], self.w[p + "ln2.weight"],
                                       self.w[p + "ln2.bias"], self.w[p + "up.weight"], self.w[p + "up.bias"],
                                       self.w[p + "down.weight"], self.w[p + "down.bias"]))

    def start(self, mode: str, meter: str, source: str = "song") -> "State":
        cond = (self.w["mode.weight"][tokens.MODES.index(mode)] + self.w["meter.weight"][tokens.METERS.index(meter)]
                + self.w["source.weight"][tokens.SOURCES.index(source)])
        shape = (self.layers, self.heads, self.context, self.width // self.heads)
        return State(cond, np.zeros(shape, np.float32), np.zeros(shape, np.float32), 0)

    def step(self, state: "State", prev_pitch: int, prev_duration: int, position: int) -> Step:
        """prev_pitch/prev_duration: ids of note t-1, or net.START_* for the first note. The state advances."""
        w, t = self.w, state.length
        if t >= self.context:
            raise ValueError("melody context full")
        x = (w["pitch_in.weight"][prev_pitch] + w["duration_in.weight"][prev_duration]
             + w["position.weight"][position] + state.cond + w["step.weight"][t])
        heads, width = self.heads, self.width
        hd = width // heads
        for i, (ln1g, ln1b, qkv_w, qkv_b, out_w, out_b, ln2g, ln2b, up_w, up_b, down_w, down_b) in \
                enumerate(self.layer_weights):
            qkv = _layer_norm(x, ln1g, ln1b) @ qkv_w + qkv_b
            q = qkv[:width].reshape(heads, 1, hd)
            state.keys[i, :, t] = qkv[width:2 * width].reshape(heads, hd)
            state.values[i, :, t] = qkv[2 * width:].reshape(heads, hd)
            att = q @ state.keys[i, :, :t + 1].transpose(0, 2, 1)  # (heads, 1, t+1), q pre-scaled in the weights
            att = np.exp(att - att.max(-1, keepdims=True))
            att /= att.sum(-1, keepdims=True)
            a = (att @ state.values[i, :, :t + 1]).reshape(width)
            x = x + a @ out_w + out_b
            x = x + _gelu(_layer_norm(x, ln2g, ln2b) @ up_w + up_b) @ down_w + down_b
        state.length = t + 1
        h = _layer_norm(x, w["ln.weight"], w["ln.bias"])
        return Step(h @ w["pitch_out.weight"] + w["pitch_out.bias"], h)

    def duration_logits(self, step: Step, pitch: int) -> np.ndarray:
        w = self.w
        logits: np.ndarray = (step.hidden + w["chosen_pitch.weight"][pitch]) @ w["duration_out.weight"] \
            + w["duration_out.bias"]
        return logits


@dataclass
class State:
    cond: np.ndarray
    keys: np.ndarray
    values: np.ndarray
    length: int


def load(path: Path | None = None, manifest: Path | None = None) -> Melody:
    """The weights at `path` (default: the shipped ones) checked against their manifest beside them."""
    path = path or WEIGHTS
    manifest = manifest or path.with_suffix(".json")
    try:
        meta = json.loads(manifest.read_text(encoding="utf-8"))
        if sha256(path) != meta["sha256"]:
            raise WeightsError(f"{path.name} fails its checksum")
        if meta["vocabulary"] != vocabulary():
            raise WeightsError(f"{path.name} was trained on another token vocabulary")
        with np.load(path) as data:
            weights = {k: data[k] for k in data.files}
        return Melody(weights, meta["config"])
    except WeightsError:
        raise
    except FileNotFoundError as e:
        raise WeightsError(f"no melody weights ({Path(e.filename or path).name} is missing)") from None
    except (OSError, ValueError, KeyError, json.JSONDecodeError) as e:
        raise WeightsError(f"the melody weights cannot be read ({type(e).__name__}: {e})") from None


@functools.cache
def shipped() -> Melody:
    """The shipped weights, loaded once per process."""
    return load()


@dataclass(frozen=True)
class Status:
    """Which melody engine composes, and why."""

    engine: str
    """"learned" or "rules"."""
    detail: str
    """The weights in use, or why the rules stand in."""


@functools.cache
def status() -> Status:
    """Loads the shipped weights once; a failure is said once on stderr, and the rules write the melodies."""
    import sys

    try:
        model = shipped()
    except WeightsError as e:
        print(f"maestro: {e}; melodies come from the rules instead", file=sys.stderr)
        return Status("rules", str(e))
    return Status("learned", f"{WEIGHTS.name}, {model.parameters:,} parameters")


def available() -> Melody | None:
    """The shipped model, or None when the rules must stand in (said once by `status`)."""
    return shipped() if status().engine == "learned" else None
