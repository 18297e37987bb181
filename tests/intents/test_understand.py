import json

import pytest

from intents.examples import load, load_heldout
from intents.model import INTENTS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def understand():
    from intents.understand import Understander

    return Understander()


def test_heldout_never_in_training():
    train = {e.text for e in load()}
    from intents.numbers import normalise

    leaked = [c["text"] for c in load_heldout() if normalise(c["text"]) in train]
    assert not leaked


def test_the_written_examples_are_never_held_out():
    # training drops held-out lines, so a held-out "undo" would ship a model that never saw "undo"
    import yaml

    from intents.examples import DATA
    from intents.numbers import normalise

    written = {normalise(e) for i in INTENTS
               for e in yaml.safe_load((DATA / f"{i}.yaml").read_text()).get("examples", [])}
    assert not [c["text"] for c in load_heldout() if normalise(c["text"]) in written]


def test_every_intent_has_examples():
    seen = {e.intent for e in load()}
    assert seen == set(INTENTS)


def test_heldout_accuracy(understand):
    from intents.evaluate import evaluate

    report = evaluate(understand, load_heldout())
    assert report["intent_accuracy"] >= 0.95, report["errors"]
    assert report["slot_accuracy"] >= 0.9, report["errors"]
    assert report["oos_caught"] >= 0.9
    assert report["oos_false_reject"] <= 0.03


@pytest.mark.parametrize("text", ["thanks for watching", "what's the weather like tomorrow", "play adele on spotify",
                                  "", "   ", "🎵🎶", "x" * 10000, "\x00\x07\x1b[31m", "сделай джаз"])
def test_out_of_scope_and_garbage_are_unknown(understand, text):
    assert understand(text).name == "unknown"


def test_parse_cli_reads_stdin_lines(maestro):
    done = maestro("parse", "--json", input="make it faster\nwhat key is this in\n")
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["intent"] for r in rows] == ["modify", "analyze"]
    assert rows[0]["slots"] == {"tempo_change": "faster"}
    assert set(rows[0]) == {"text", "intent", "confidence", "slots"}
