"""The key finder's training (generators.learn.keys): the regression learns keys it was not shown, the shipped
tables are its output, and the held-out composers are never trained on."""
from __future__ import annotations

import json
import random

import numpy as np

from generators.keys import TABLE_FILE, Evidence
from generators.learn import keys as learn
from generators.theory import key_from_pc

MAJOR = np.array([5, 0.2, 3, 0.2, 4, 3, 0.3, 4.5, 0.2, 3, 0.2, 2])
MINOR = np.array([5, 0.2, 3, 4, 0.2, 3, 0.3, 4.5, 3, 0.3, 1.5, 1.5])


def noisy(rng: random.Random, n: int) -> list[dict]:
    """Evidence drawn around textbook profiles, in random keys."""
    rows = []
    for _ in range(n):
        tonic, mode = rng.randrange(12), rng.choice(learn.MODES)
        profile = np.roll(MAJOR if mode == "major" else MINOR, tonic)
        parts = [tuple(np.clip(profile + np.array([rng.gauss(0, 1.2) for _ in range(12)]), 0, None) / 30)
                 for _ in range(4)]
        rows.append({"name": str(len(rows)), "key": key_from_pc(tonic, mode).name, "audio": Evidence("audio", *parts)})
    return rows


def test_the_regression_learns_keys_it_was_not_shown():
    rng = random.Random(4)
    train, test = noisy(rng, 200), noisy(rng, 100)
    table = learn.fit(train, "audio", l2=1e-4)
    right = sum(learn.predicted(table, r["audio"]) == r["key"] for r in test)
    assert right >= 90
    assert 0.8 <= learn.cross_validated(train, "audio", 1e-4) <= 1.0
    assert learn.chosen_l2(train[:60], "audio") in learn.L2_GRID


def test_the_shipped_tables_are_the_trainers_shape():
    shipped = json.loads(TABLE_FILE.read_text())
    assert set(shipped) == {"tune", "audio", "notes"}
    assert all(len(shipped[kind][mode]) == 49 for kind in shipped for mode in learn.MODES)
    assert shipped["tune"]["major"][36:48] == [0.0] * 12  # a tune has no bass


def test_the_held_out_composers_are_apart():
    composers = learn.HELD_OUT_COMPOSERS
    assert "bach" not in composers and len(set(composers)) == len(composers)
    assert learn.RENDER_SEED not in (7, 500)  # the render evaluations' seeds
