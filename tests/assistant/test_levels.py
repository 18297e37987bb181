"""assistant.audio.levels: the RMS of each whole frame."""
import numpy as np
import pytest

from assistant.audio.levels import frame_rms


def test_each_whole_frame_mono_and_stereo():
    mono = np.array([3.0, 4.0, 0.0, 0.0, 1.0], np.float32)  # the last, partial frame left out
    assert frame_rms(mono, 2) == pytest.approx([np.sqrt(12.5), 0.0])
    stereo = np.array([[1.0, 1.0], [3.0, 3.0]], np.float32)  # both channels of both frames together
    assert frame_rms(stereo, 2) == pytest.approx([np.sqrt(5.0)])
    assert len(frame_rms(np.zeros((0, 2), np.float32), 2)) == 0
