"""The shipped weights: present, small, checksummed, of this vocabulary, and the numpy runtime computes what the
torch network computes; damaged weights are one line and the rules write the melody."""
import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

from generators.learn import runtime, tokens


def test_shipped_weights_load_and_pass_their_checksum():
    meta = json.loads(runtime.MANIFEST.read_text())
    assert runtime.sha256(runtime.WEIGHTS) == meta["sha256"]
    assert runtime.WEIGHTS.stat().st_size <= 5_000_000 and meta["parameters"] <= 3_000_000
    assert meta["command"].startswith("python -m generators.learn.train") and meta["commit"]
    model = runtime.load()
    assert model.context == meta["config"]["context"]


def test_the_numpy_runtime_computes_what_torch_computes():
    torch = pytest.importorskip("torch")
    from generators.learn.net import START_DURATION, START_PITCH, Config, MelodyNet

    meta = json.loads(runtime.MANIFEST.read_text())
    net = MelodyNet(Config(**meta["config"]))
    with np.load(runtime.WEIGHTS) as data:
        net.load_state_dict({k: torch.tensor(data[k].astype(np.float32)) for k in data.files})
    net.eval()
    prev_p = [START_PITCH, 16, 18, tokens.REST, 20, 16]
    prev_d = [START_DURATION, 5, 5, 8, 3, 5]
    pos, pitch = [0, 12, 24, 36, 60, 72], [16, 18, tokens.REST, 20, 16, 21]
    with torch.no_grad():
        pl, dl = net(*(torch.tensor([x]) for x in (prev_p, prev_d, pos)), torch.tensor([1]), torch.tensor([2]),
                     torch.tensor([1]), torch.tensor([pitch]))
    model = runtime.load()
    state = model.start("minor", "4/4", "dance")
    for t in range(len(pitch)):
        step = model.step(state, prev_p[t], prev_d[t], pos[t])
        assert np.allclose(step.pitch_logits, pl[0, t].numpy(), atol=1e-3)
        assert np.allclose(model.duration_logits(step, pitch[t]), dl[0, t].numpy(), atol=1e-3)


@pytest.mark.parametrize("damage", ["missing", "corrupt", "truncated"])
def test_damaged_weights_fall_back_to_the_rules_with_one_line(tmp_path, damage):
    weights, manifest = tmp_path / "melody.npz", tmp_path / "melody.json"
    shutil.copy(runtime.MANIFEST, manifest)
    if damage == "corrupt":
        data = bytearray(runtime.WEIGHTS.read_bytes())
        data[len(data) // 2] ^= 0xFF
        weights.write_bytes(bytes(data))
    elif damage == "truncated":
        weights.write_bytes(runtime.WEIGHTS.read_bytes()[:1000])
    with pytest.raises(runtime.WeightsError):
        runtime.load(weights, manifest)
    # the whole composer in a fresh process whose weights are the damaged copy: one line, then a rule melody
    code = ("import generators.learn.runtime as r, pathlib, sys;"
            f"r.WEIGHTS = pathlib.Path({str(weights)!r});"
            "from generators.compose import Request, compose;"
            "p = compose(Request(genre='pop', seed=1, duration_s=20));"
            "print(len(p.track('melody').notes), r.status().engine)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[1] == "rules" and int(done.stdout.split()[0]) > 0
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "melodies come from the rules" in lines[0], done.stderr
    assert "Traceback" not in done.stderr
