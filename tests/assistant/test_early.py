"""Early transcription: the guess made at a pause is the answer when only quiet follows; when speech goes on, the
whole utterance is transcribed. Real tiny.en on piper speech."""
import numpy as np
import pytest
import soundfile

from assistant.asr import Recognizer, load_backend
from assistant.asr.early import EarlyTranscriber, looks_finished
from assistant.audio.constants import SPEECH_RATE as RATE
from assistant.audio.files import resample
from assistant.errors import DeviceError

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def early():
    transcriber = EarlyTranscriber(Recognizer(load_backend("openai-whisper", "tiny.en", "short")))
    yield transcriber
    transcriber.close()


def words(text: str) -> str:
    return " ".join(text.lower().replace(",", "").replace(".", "").split())


def said(speech, text: str) -> np.ndarray:
    audio, rate = soundfile.read(str(speech(text)), dtype="float32")
    return resample(audio, rate, RATE).astype(np.float32)


def test_the_guess_at_the_pause_is_the_answer(early, speech):
    guess = np.concatenate([np.zeros(4800, np.float32), said(speech, "make it faster"), np.zeros(3200, np.float32)])
    early.pausing(guess)
    pending = early._guess[1]
    answer = early.transcribe(np.concatenate([guess, np.zeros(6400, np.float32)]))
    assert answer is pending.result()[0]  # the same transcript object: not decoded a second time
    assert words(answer.text) == "make it faster"


@pytest.mark.parametrize("text, finished", [
    ("Make it faster.", True), ("Undo it.", True), ("What key is this in?", True), ("save it as Sunday", True),
    ("Make a lo-fi beat in", False), ("Make a lo-fi beat in...", False), ("Add drums and", False),
    ("Save it as", False), ("Add drums,", True), ("Make a lo-fi beat in,", False), ("", False)])
def test_looks_finished(text, finished):
    assert looks_finished(text) is finished


def test_the_verdict_on_a_guess(speech):
    guesses: list[str] = []
    early = EarlyTranscriber(Recognizer(load_backend("openai-whisper", "tiny.en", "short")),
                             understood=lambda text: "drums" not in text.lower(), guessed=guesses.append)
    try:
        assert early.finished() is None  # no guess yet
        for text, verdict in (("make it faster", True), ("make a lo-fi beat in", False), ("add drums", False)):
            early.pausing(said(speech, text))
            early._guess[1].result()
            assert early.finished() is verdict, text
        assert [words(g) for g in guesses] == ["make it faster", "make a lo-fi beat in", "add drums"]
    finally:
        early.close()


def test_speech_after_the_pause_is_transcribed_whole(early, speech):
    first, rest = said(speech, "make it faster"), said(speech, "and add drums")
    gap = np.zeros(6400, np.float32)
    early.pausing(np.concatenate([first, gap]))
    early.pausing(None)  # the speaker went on
    whole = early.transcribe(np.concatenate([first, gap, rest, gap]))
    assert "drums" in words(whole.text) and "faster" in words(whole.text)
    early.pausing(first)
    other = early.transcribe(rest)  # a guess that does not cover the utterance is not used
    assert words(other.text).endswith("add drums") and "faster" not in words(other.text)


def live(feed: np.ndarray, early: EarlyTranscriber, seconds: list[float] | None = None) -> list[str]:
    """The feed through a Microphone's queue at real-time pace (as the device delivers it), cut with the early
    transcriber's verdicts; the transcripts of the utterances (and their lengths added to `seconds`)."""
    import threading
    import time

    from assistant.audio.constants import MIC_BLOCK as BLOCK
    from assistant.audio.mic import Microphone

    mic = Microphone()
    fed = threading.Event()

    def feeder():
        for i in range(0, len(feed) - BLOCK + 1, BLOCK):
            mic.blocks.put(feed[i:i + BLOCK])
            time.sleep(BLOCK / RATE)
        fed.set()
    threading.Thread(target=feeder, daemon=True).start()
    heard = []
    try:
        for u in mic.utterances(fed.is_set, pausing=early.pausing, finished=early.finished):
            heard.append(words(early.transcribe(u).text))
            if seconds is not None:
                seconds.append(len(u) / RATE)
    except DeviceError:  # the queue ran dry with no stream behind it: the end of the feed
        pass
    return heard


def test_a_pause_after_an_unfinished_phrase_is_waited_for(early, speech):
    quiet = lambda s: np.zeros(int(s * RATE), np.float32)  # noqa: E731
    hesitant = np.concatenate([quiet(0.5), said(speech, "make a lo-fi beat in"), quiet(0.8),
                               said(speech, "a minor"), quiet(1.5)])
    heard = live(hesitant, early)
    assert len(heard) == 1 and heard[0].startswith("make a lo") and heard[0].endswith("minor"), heard
    two = np.concatenate([quiet(0.5), said(speech, "make it faster"), quiet(1.5), said(speech, "add drums"),
                          quiet(1.5)])
    assert live(two, early) == ["make it faster", "add drums"]


def test_a_request_said_over_music_ends_at_its_pause(early, speech):
    """Music that maestro is not playing (nothing cancels it), 5 dB under the voice and going on after the request:
    its beats, which Silero rates around the threshold for a while after speech, neither forget the guess made at
    the pause nor hold the utterance open as long as the music plays."""
    from assistant.audio.room import echo_of, mixed, played

    request = said(speech, "add a flute")
    music = echo_of(played("metal", 10.0, seed=11), RATE, 0.05, 0.15)  # held the utterance open for 9.4 s
    seconds: list[float] = []
    heard = live(mixed(request, music, RATE, 5.0), early, seconds)  # 1 s of music, the request, 8 s more
    assert heard and heard[0].startswith("add a"), heard
    assert seconds[0] < 0.5 + len(request) / RATE + 2.0, seconds  # pre-roll, the request, and no more than 2 s
