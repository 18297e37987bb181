"""CTranslate2 Whisper (model.bin, format 6) → an openai-whisper checkpoint {"dims", "model_state_dict"}.

The layout and the name mapping are in ../shared/notes/models.md; transcripts match faster-whisper's exactly."""
from __future__ import annotations

import json
import re
import struct
from pathlib import Path

import numpy as np

DTYPES = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}


def _string(f) -> str:
    (n,) = struct.unpack("<H", f.read(2))
    return f.read(n)[:-1].decode()


def read_ct2(path: Path) -> dict[str, np.ndarray]:
    out = {}
    with open(path, "rb") as f:
        version, = struct.unpack("<I", f.read(4))
        if version != 6:
            raise ValueError(f"{path}: CTranslate2 model format {version}, expected 6")
        _string(f)  # spec name
        f.read(4)  # revision
        (count,) = struct.unpack("<I", f.read(4))
        for _ in range(count):
            name = _string(f)
            (rank,) = struct.unpack("<B", f.read(1))
            shape = struct.unpack(f"<{rank}I", f.read(4 * rank))
            (dtype,), (nbytes,) = struct.unpack("<B", f.read(1)), struct.unpack("<I", f.read(4))
            out[name] = np.frombuffer(f.read(nbytes), dtype=DTYPES[dtype]).reshape(shape)
        (aliases,) = struct.unpack("<I", f.read(4))
        for _ in range(aliases):
            alias, target = _string(f), _string(f)
            out[alias] = out[target]
    for name in [n for n in out if n.endswith("_scale")]:
        base = name[: -len("_scale")]
        out[base] = out[base].astype(np.float32) / out.pop(name)[:, None]
    return out


def _attention(sd, src, dst, ct, n):
    w, b = ct[f"{src}/linear_0/weight"], ct[f"{src}/linear_0/bias"]
    sd[f"{dst}.query.weight"], sd[f"{dst}.query.bias"] = w[:n], b[:n]
    sd[f"{dst}.key.weight"] = w[n:2 * n]
    sd[f"{dst}.value.weight"], sd[f"{dst}.value.bias"] = w[2 * n:], b[2 * n:]
    sd[f"{dst}.out.weight"], sd[f"{dst}.out.bias"] = ct[f"{src}/linear_1/weight"], ct[f"{src}/linear_1/bias"]


def _cross_attention(sd, src, dst, ct, n):
    sd[f"{dst}.query.weight"], sd[f"{dst}.query.bias"] = ct[f"{src}/linear_0/weight"], ct[f"{src}/linear_0/bias"]
    w, b = ct[f"{src}/linear_1/weight"], ct[f"{src}/linear_1/bias"]
    sd[f"{dst}.key.weight"] = w[:n]
    sd[f"{dst}.value.weight"], sd[f"{dst}.value.bias"] = w[n:], b[n:]
    sd[f"{dst}.out.weight"], sd[f"{dst}.out.bias"] = ct[f"{src}/linear_2/weight"], ct[f"{src}/linear_2/bias"]


def _norm(sd, src, dst, ct):
    sd[f"{dst}.weight"], sd[f"{dst}.bias"] = ct[f"{src}/gamma"], ct[f"{src}/beta"]


def _layer(sd, ct, side: str, i: int, n: int) -> None:
    src, dst = f"{side}/layer_{i}", f"{side}.blocks.{i}"
    _attention(sd, f"{src}/self_attention", f"{dst}.attn", ct, n)
    _norm(sd, f"{src}/self_attention/layer_norm", f"{dst}.attn_ln", ct)
    for ours, theirs in (("mlp.0", "ffn/linear_0"), ("mlp.2", "ffn/linear_1")):
        sd[f"{dst}.{ours}.weight"], sd[f"{dst}.{ours}.bias"] = ct[f"{src}/{theirs}/weight"], ct[f"{src}/{theirs}/bias"]
    _norm(sd, f"{src}/ffn/layer_norm", f"{dst}.mlp_ln", ct)
    if side == "decoder":
        _cross_attention(sd, f"{src}/attention", f"{dst}.cross_attn", ct, n)
        _norm(sd, f"{src}/attention/layer_norm", f"{dst}.cross_attn_ln", ct)


def convert(folder: Path) -> dict:
    """The checkpoint as a dict of torch tensors, ready for torch.save."""
    import torch

    ct = read_ct2(folder / "model.bin")
    n = ct["encoder/conv1/weight"].shape[0]
    layers = {side: 1 + max(int(m.group(1)) for k in ct if (m := re.match(rf"{side}/layer_(\d+)/", k)))
              for side in ("encoder", "decoder")}
    sd: dict[str, np.ndarray] = {}
    for c in ("conv1", "conv2"):
        sd[f"encoder.{c}.weight"], sd[f"encoder.{c}.bias"] = ct[f"encoder/{c}/weight"], ct[f"encoder/{c}/bias"]
    sd["encoder.positional_embedding"] = ct["encoder/position_encodings/encodings"]
    sd["decoder.positional_embedding"] = ct["decoder/position_encodings/encodings"]
    sd["decoder.token_embedding.weight"] = ct["decoder/embeddings/weight"]
    for side in ("encoder", "decoder"):
        for i in range(layers[side]):
            _layer(sd, ct, side, i, n)
    _norm(sd, "encoder/layer_norm", "encoder.ln_post", ct)
    _norm(sd, "decoder/layer_norm", "decoder.ln", ct)
    dims = {"n_mels": int(ct["encoder/conv1/weight"].shape[1]),
            "n_audio_ctx": int(sd["encoder.positional_embedding"].shape[0]),
            "n_audio_state": n, "n_audio_head": int(ct["encoder/num_heads"]), "n_audio_layer": layers["encoder"],
            "n_vocab": int(sd["decoder.token_embedding.weight"].shape[0]),
            "n_text_ctx": int(sd["decoder.positional_embedding"].shape[0]), "n_text_state": n,
            "n_text_head": int(ct["decoder/num_heads"]), "n_text_layer": layers["decoder"]}
    state = {k: torch.from_numpy(np.array(v, dtype=np.float32)) for k, v in sd.items()}
    config = json.loads((folder / "config.json").read_text()) if (folder / "config.json").exists() else {}
    return {"dims": dims, "model_state_dict": state, "alignment_heads": config.get("alignment_heads")}
