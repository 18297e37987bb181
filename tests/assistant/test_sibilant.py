"""The first "s" of what the user says over maestro's output, heard from the raw microphone against the room's echo
of what was played (assistant.audio.sibilant), fed as the microphone feeds it: each VAD frame, the last `span`
samples."""
import numpy as np
import pytest

from assistant.audio.constants import SPEECH_RATE
from assistant.audio.room import echo_of
from assistant.audio.sibilant import MIN_LEARNT, NEIGHBOURS, PRIOR_GAIN, Gains, Sibilant
from tests.assistant.test_mic import at_16k

FRAME = 512
REPLY = "I make and change music. Try: make a calm lo-fi beat, then make it faster, add drums."


def heard_at(near: np.ndarray, far: np.ndarray, sibilant: Sibilant | None = None) -> list[float]:
    """Where (s, at the frame's end) the detector fired, frame by frame over the whole of `near`."""
    sibilant = sibilant or Sibilant(SPEECH_RATE, FRAME)
    return [end / SPEECH_RATE for end in range(sibilant.span, len(near) + 1, FRAME)
            if sibilant.heard(near[end - sibilant.span:end], far[end - sibilant.span:end])]


def replies(speech, times: int, room=(0.05, 0.15), gain: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """maestro's reply `times` over with 0.5 s between, as played and as the room's microphone hears it."""
    reply = np.concatenate([at_16k(speech(REPLY)), np.zeros(SPEECH_RATE // 2, np.float32)])
    far = np.concatenate([np.zeros(SPEECH_RATE // 2, np.float32), np.tile(reply, times)])
    return far, echo_of(far, SPEECH_RATE, *room, gain=gain)


def test_the_gain_is_learnt_per_bin_and_the_prior_holds_until_then(monkeypatch):
    from assistant.audio import sibilant

    monkeypatch.setattr(sibilant, "NEIGHBOURS", 0)
    gains = Gains(3)
    for k in range(MIN_LEARNT):
        gains.add(np.array([2.0, 5.0, 1.0]), np.array([1.0, 1.0, 0.0]))  # nothing played in the last bin
        if k == MIN_LEARNT - 2:
            assert gains.gain()[0] == PRIOR_GAIN
    assert gains.gain() == pytest.approx([2.0, 5.0, PRIOR_GAIN])


def test_a_bins_gain_is_the_largest_around_it():
    gains = Gains(60)
    ratios = np.full(60, 0.5)
    ratios[30] = 3.0
    for _ in range(MIN_LEARNT):
        gains.add(ratios, np.ones(60))
    gain = gains.gain()
    assert gain[30 - NEIGHBOURS:31 + NEIGHBOURS] == pytest.approx(3.0)
    assert gain[:30 - NEIGHBOURS] == pytest.approx(0.5) and gain[31 + NEIGHBOURS:] == pytest.approx(0.5)


@pytest.mark.parametrize("room", [(0.02, 0.05), (0.08, 0.3)])
def test_maestros_reply_alone_is_not_heard(speech, room):
    """Three replies through a room at twice the usual gain, the first with the room not learnt yet."""
    far, near = replies(speech, 3, room, gain=2.0)
    assert heard_at(near, far) == []


def test_replies_cut_short_between_silences_are_not_heard(speech):
    """The interrupt bench's pattern: each reply cut 0.85 s in, then 2 s of digital silence (where the band's floor
    is nothing: sibilant.QUIETEST_DBFS)."""
    reply = at_16k(speech(REPLY))[:round(0.85 * SPEECH_RATE)]
    far = np.tile(np.concatenate([reply, np.zeros(2 * SPEECH_RATE, np.float32)]), 5)
    assert heard_at(echo_of(far, SPEECH_RATE, 0.08, 0.3), far) == []


def stop_heard_after(speech, times: int, at: int) -> float | None:
    """Over `times` replies (replies), "stop" said from sample `at` (from the end where negative): how long after
    its first sound the detector first fired (s; negative where that was before it), or None where it never did."""
    far, near = replies(speech, times)
    said, at = at_16k(speech("stop")), at % len(near)
    near[at:at + len(said)] += said
    first = (at + np.flatnonzero(np.abs(said) > 0.003)[0]) / SPEECH_RATE
    heard = heard_at(near, far)
    return heard[0] - first if heard else None


def test_stop_said_over_a_reply_is_heard_in_its_s(speech):
    """Its "s", 40-80 ms after its first sound; Silero heard it from its vowel, 150-250 ms after it."""
    after = stop_heard_after(speech, 2, -3 * SPEECH_RATE)  # in the second reply
    assert after is not None and 0 <= after <= 0.1


def test_stop_said_over_the_first_reply_is_heard_with_the_room_not_learnt(speech):
    """0.3 s into the first reply (as the interrupt bench talks over each): the room's gain is the prior."""
    after = stop_heard_after(speech, 1, SPEECH_RATE // 2 + round(0.3 * SPEECH_RATE))
    assert after is not None and 0 <= after <= 0.12


def test_a_steady_hiss_in_the_room_is_not_heard(speech):
    """White noise 30 dB under the reply, all through: over the echo above 4 kHz, but not over its own floor."""
    far, near = replies(speech, 2)
    rng = np.random.default_rng(0)
    near = near + rng.normal(0, float(np.sqrt(np.mean(near ** 2))) * 10 ** (-30 / 20), len(near)).astype(np.float32)
    assert heard_at(near, far) == []


def test_the_speakers_turned_up_10_db_mid_reply_is_not_heard(speech):
    """The room's gain steps up (the system's volume, after the reference): within the margin and the gain's
    neighbours, until it is learnt 0.3 s later. (15 dB: 3-4 starts in the first 0.3 s.)"""
    far, near = replies(speech, 3, (0.08, 0.3))
    near[len(near) // 2:] *= 10 ** (10 / 20)
    assert heard_at(near, far) == []
