"""The compiled classifier: built from the trained weights, same probabilities as the model it was traced from,
and loaded without `transformers`."""
import shutil
import subprocess
import sys

import pytest
import torch

from intents import encoder
from intents.classifier import Compiled, default_model_path
from intents.examples import load_heldout
from intents.export import _eager, compile_model

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def weights(tmp_path_factory):
    copy = tmp_path_factory.mktemp("model") / "intent-model-test.pt"
    shutil.copy(default_model_path(), copy)
    return copy


def test_compiled_gives_the_trained_models_probabilities(weights):
    path = compile_model(weights)
    compiled = Compiled(path)
    tokenizer, eager, saved = _eager(weights)
    assert compiled.labels == saved["labels"] and compiled.threshold == pytest.approx(saved["threshold"])
    texts = [c["text"] for c in load_heldout()][:60] + ["", "🎷" * 200, "make it " * 100]
    with torch.inference_mode():
        for text in texts:
            batch = encoder.tokenize(tokenizer, [text])
            want = eager(batch["input_ids"], batch["attention_mask"], batch["token_type_ids"])
            assert torch.allclose(compiled.probabilities([text]), want, atol=1e-5), text


def test_the_assistant_loads_it_without_transformers():
    code = ("import sys; from intents.understand import Understander; i = Understander()('make it faster'); "
            "print(i.name, 'transformers' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.stdout.split() == ["modify", "False"], out.stderr[-2000:]
