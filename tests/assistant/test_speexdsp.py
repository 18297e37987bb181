"""assistant.audio.speexdsp: the ctypes binding of libspeexdsp's echo canceller."""
import numpy as np
import pytest

from assistant.audio import speexdsp

RATE, FRAME = 16000, 160


def test_a_delayed_echo_is_learned_and_taken_out():
    rng = np.random.default_rng(1)
    far = rng.normal(0, 0.1, 8 * RATE).astype(np.float32)
    near = np.concatenate([np.zeros(400, np.float32), far[:-400] * 0.5])  # 25 ms later, 6 dB down
    state = speexdsp.EchoState(FRAME, RATE // 10, RATE)
    out = np.concatenate([state.cancel(near[i:i + FRAME], far[i:i + FRAME]) for i in range(0, len(far), FRAME)])
    late = slice(4 * RATE, None)
    assert 10 * np.log10(np.sum(near[late] ** 2) / np.sum(out[late] ** 2)) >= 25


def test_what_is_not_echo_is_kept():
    t = np.arange(4 * RATE) / RATE
    voice = (0.1 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    state = speexdsp.EchoState(FRAME, RATE // 10, RATE)
    silence = np.zeros(FRAME, np.float32)
    out = np.concatenate([state.cancel(voice[i:i + FRAME], silence) for i in range(0, len(voice), FRAME)])
    settled = slice(RATE // 2, None)  # after the input's DC filter (which shifts the phase a little) has settled
    assert abs(10 * np.log10(np.sum(out[settled] ** 2) / np.sum(voice[settled] ** 2))) < 0.5


def test_without_the_library_it_says_what_to_install(monkeypatch):
    from assistant.audio.mic import Microphone
    from assistant.errors import DeviceError

    monkeypatch.setattr(speexdsp, "LIBRARY", "libspeexdsp-not-here.so.1")  # the fault: the library is absent
    with pytest.raises(speexdsp.Missing, match="apt install libspeexdsp1"):
        speexdsp.EchoState(FRAME, RATE // 10, RATE)
    with pytest.raises(DeviceError, match="echo_cancel: false"):
        Microphone().cancelling()
