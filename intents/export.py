"""The trained classifier compiled for fast start-up: MiniLM with the fine-tuned top layers and the head, traced
into one TorchScript file that also holds the tokenizer, the labels and the threshold. Loading it needs torch and
the `tokenizers` library only, not `transformers` (whose import took 2.5 of the assistant's 5.7 s start-up).
TorchScript rather than torch.export, though torch.jit is deprecated: loading an exported program imports dynamo
and sympy (2.8 s here), the TorchScript file loads in 0.1 s.

`compile_model(weights)` builds it next to the trained weights (set-up and `python -m intents.train` call it) and
checks that it gives the probabilities of the model it was traced from."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generators.atomic import atomic_write
from intents import encoder

CHECK_TEXTS = ("undo", "make a calm lo-fi beat in A minor at 90 BPM with drums, a bass and a saxophone melody",
               "what key is this in?", "save it as sunday", "what's the weather like tomorrow in paris")
TOLERANCE = 1e-4


def compiled_path(weights: Path) -> Path:
    return weights.with_suffix(".ts")


def _eager(weights: Path) -> tuple[Any, Any, dict[str, Any]]:
    """(tokenizer, module(input_ids, attention_mask, token_type_ids) → probabilities, saved dict), from
    transformers."""
    import torch

    from intents.classifier import FROZEN_LAYERS

    tokenizer, model = encoder.load()
    saved = torch.load(weights, map_location="cpu", weights_only=True)
    model.encoder.layer[FROZEN_LAYERS:].load_state_dict(saved["top"])
    head = torch.nn.Linear(model.config.hidden_size, len(saved["labels"]))
    head.load_state_dict(saved["head"])

    class Classifier(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model, self.head = model, head

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.model.embeddings(input_ids=input_ids, token_type_ids=token_type_ids)
            hidden = encoder.run_layers(self.model.encoder.layer, hidden, encoder.additive_mask(attention_mask))
            return self.head(encoder.mean_pool(hidden, attention_mask)).softmax(-1)

    return tokenizer, Classifier().eval(), saved


def compile_model(weights: Path) -> Path:
    """Trace the classifier trained into `weights` and save it with its tokenizer; returns the file's path."""
    import warnings

    import torch

    tokenizer, module, saved = _eager(weights)
    example = encoder.tokenize(tokenizer, list(CHECK_TEXTS))
    args = (example["input_ids"], example["attention_mask"], example["token_type_ids"])
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore", torch.jit.TracerWarning)  # type: ignore[attr-defined]
        warnings.simplefilter("ignore", FutureWarning)  # transformers deprecations met while tracing
        traced = torch.jit.trace(module, args, check_trace=False)  # type: ignore[no-untyped-call]  # unannotated
    meta = {"labels": list(saved["labels"]), "threshold": float(saved["threshold"]), "max_tokens": encoder.MAX_TOKENS}
    out = compiled_path(weights)

    def write(tmp: Path) -> None:  # checked against the eager model before it takes the real name
        torch.jit.save(traced, str(tmp), _extra_files={"meta.json": json.dumps(meta),
                                                         "tokenizer.json": tokenizer.backend_tokenizer.to_str()})
        _check(tmp, tokenizer, module)
    atomic_write(out, write)
    return out


def _check(path: Path, tokenizer: Any, module: Any) -> None:
    """The compiled file, tokenizing on its own, gives the eager model's probabilities one text at a time (as
    the assistant asks) and in a batch of different lengths."""
    import torch

    from intents.classifier import Compiled

    compiled = Compiled(path)
    with torch.inference_mode():
        for texts in [[t] for t in CHECK_TEXTS] + [list(CHECK_TEXTS)]:
            batch = encoder.tokenize(tokenizer, texts)
            want = module(batch["input_ids"], batch["attention_mask"], batch["token_type_ids"])
            got = compiled.probabilities(texts)
            if got.shape != want.shape or float((got - want).abs().max()) > TOLERANCE:
                raise RuntimeError(f"the compiled intent model disagrees with the trained one on {texts}")
