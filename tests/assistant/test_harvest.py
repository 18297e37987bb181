"""What Whisper hears of the training lines, kept as training data."""
import pytest
import yaml

from assistant.asr import harvest
from intents.examples import DATA, heard, load
from intents.model import INTENTS
from intents.numbers import normalise


def test_a_share_of_every_intent_is_picked_the_same_way_each_time():
    lines = harvest.pick(0.1, seed=3)
    assert lines == harvest.pick(0.1, seed=3)
    per_intent = {}
    for intent, _ in lines:
        per_intent[intent] = per_intent.get(intent, 0) + 1
    assert len(per_intent) == len(INTENTS) and min(per_intent.values()) >= 20


def test_the_committed_transcripts_are_trained_on():
    rows = yaml.safe_load((DATA / "heard.yaml").read_text())["heard"]
    assert len(rows) >= 500 and all({"intent", "said", "heard"} <= set(r) for r in rows)
    said = {normalise(r["said"]) for r in rows}
    misheard = [normalise(h) for _, h in heard() if normalise(h) not in said]
    trained = {e.text for e in load()}
    assert len(misheard) >= 100 and sum(h in trained for h in misheard) >= 0.9 * len(misheard)


@pytest.mark.slow
def test_lines_are_spoken_and_transcribed(tmp_path):
    rows = harvest.harvest([("pause", "pause the music"), ("generate", "make a jazz tune")],
                           ("openai-whisper", "tiny.en", "full"), seed=0, log=lambda m: None)
    assert [r["intent"] for r in rows] == ["pause", "generate"]
    assert "jazz" in rows[1]["heard"].lower() and "pause" in rows[0]["heard"].lower()
    out = tmp_path / "heard.yaml"
    harvest.write(rows, ("openai-whisper", "tiny.en", "full"), out)
    assert yaml.safe_load(out.read_text())["heard"] == rows


@pytest.mark.slow
def test_lines_are_said_into_noise_and_over_the_music_through_the_canceller():
    rows = [harvest.harvest([("pause", "pause the music please")], ("openai-whisper", "tiny.en", "full"), seed=1,
                            log=lambda m: None, noise=noise)[0] for noise in ("pink", "barge")]
    assert all(r["intent"] == "pause" and "music" in r["heard"].lower() for r in rows), rows
