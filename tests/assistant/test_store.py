import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.store import State, Store, StoreError
from generators.compose import Request, compose
from tests.conftest import ROOT

AUDIO = np.zeros((4410, 2), np.float32)


def save(store, state, piece, piece_id="p0001", version=1):
    store.save_version(piece_id, version, piece, AUDIO, 44100)
    state = state.moved_to((piece_id, version))
    store.commit(state)
    return state


def test_round_trip(tmp_path):
    store = Store(tmp_path)
    piece = compose(Request(genre="pop", seed=1, duration_s=8))
    state = save(store, State(next_piece=2), piece)
    loaded = Store(tmp_path).load()
    assert loaded == state and loaded.current == ("p0001", 1)
    assert Store(tmp_path).load_piece("p0001", 1) == piece


def test_undo_tail_is_dropped_by_a_new_version():
    s = State().moved_to(("p1", 1)).moved_to(("p1", 2))
    back = State(s.timeline, 0)
    assert back.moved_to(("p1", 3)).timeline == (("p1", 1), ("p1", 3))


def test_corrupt_state_is_quarantined_and_rebuilt(tmp_path):
    store = Store(tmp_path)
    piece = compose(Request(genre="pop", seed=1, duration_s=8))
    state = save(store, State(next_piece=2), piece)
    save(store, state, piece, version=2)
    (tmp_path / "state.json").write_text("{ this is not json")
    again = Store(tmp_path)
    loaded = again.load()
    assert loaded.current == ("p0001", 2) and loaded.next_piece == 2
    assert again.warnings and "moved aside" in again.warnings[0]
    assert any(p.name.startswith("state.json.corrupt-") for p in tmp_path.iterdir())


def test_corrupt_version_is_quarantined(tmp_path):
    store = Store(tmp_path)
    save(store, State(next_piece=2), compose(Request(genre="pop", seed=1, duration_s=8)))
    store.files("p0001", 1).score.write_text("[]")
    with pytest.raises(StoreError, match="damaged"):
        store.load_piece("p0001", 1)


def test_unwritable_store_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")  # a file where the session folder's parent should be: ENOTDIR, even for root
    with pytest.raises(StoreError, match="cannot write"):
        Store(blocker / "s").commit(State())


def test_disk_full_leaves_the_last_state(tmp_path, monkeypatch):
    store = Store(tmp_path)
    state = save(store, State(next_piece=2), compose(Request(genre="pop", seed=1, duration_s=8)))

    def full(*a, **k):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(StoreError, match="No space left"):
        store.commit(state.moved_to(("p0001", 9)))
    assert Store(tmp_path).load() == state


WRITER = """
import sys, numpy as np
from pathlib import Path
from assistant.store import Store, State
from generators.compose import compose, Request
store = Store(Path(sys.argv[1]))
piece = compose(Request(genre="pop", seed=1, duration_s=30))
audio = np.random.default_rng(0).normal(0, 0.1, (44100 * 30, 2)).astype(np.float32)
state = State(next_piece=2)
for v in range(1, 1000):
    store.save_version("p0001", v, piece, audio, 44100)
    state = state.moved_to(("p0001", v))
    store.commit(state)
    print(v, flush=True)
"""


def test_kill_9_during_saves_leaves_a_loadable_store(tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    for _ in range(3):
        proc.stdout.readline()
    time.sleep(0.13)  # somewhere inside the next save
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    state = Store(tmp_path).load()
    piece_id, version = state.current
    assert version >= 3
    assert Store(tmp_path).load_piece(piece_id, version).genre == "pop"
    assert json.loads((tmp_path / "state.json").read_text())["cursor"] == len(state.timeline) - 1


_json = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
                     lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids, max_size=4),
                     max_leaves=12)
_valid = st.fixed_dictionaries({
    "format": st.just(1),
    "timeline": st.lists(st.tuples(st.sampled_from(["p0001", "p0002"]), st.integers(-2, 3)), max_size=3),
    "cursor": st.integers(-3, 3), "next_piece": st.integers(-1, 5), "volume": st.integers(-5, 200),
    "last_played": st.none() | st.text(max_size=5),
    "conversation": st.lists(st.fixed_dictionaries({"user": st.text(max_size=5), "intent": st.just("undo"),
                                                    "reply": st.text(max_size=5), "at": st.floats(0, 1e9)}),
                             max_size=2)})
# a plausible state with up to two fields replaced by anything JSON can hold
_states = st.builds(lambda base, broken: {**base, **broken}, _valid,
                    st.dictionaries(st.sampled_from(["format", "timeline", "cursor", "next_piece", "volume",
                                                     "last_played", "conversation"]), _json, max_size=2))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=_states | _json)
def test_any_state_file_loads_or_is_moved_aside(tmp_path, raw):
    import json

    root = tmp_path / "fuzz"
    root.mkdir(exist_ok=True)
    (root / "state.json").write_text(json.dumps(raw))
    store = Store(root)
    state = store.load()
    assert isinstance(state, State) and 0 <= state.volume <= 100
    assert state.last_played is None or isinstance(state.last_played, str)
    assert all(isinstance(p, str) and isinstance(v, int) for p, v in state.timeline)
    store.commit(state)  # whatever was loaded can be written back
    assert Store(root).load() == state
