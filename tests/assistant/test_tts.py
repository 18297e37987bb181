"""maestro's voice (assistant/tts.py): piper varies its speech from one call to the next, unless asked to be
steady, as the benches ask so that their figures do not move between runs of the same code."""
from __future__ import annotations

import numpy as np
import pytest


def test_steady_speech_is_the_same_each_time_and_varied_speech_is_not():
    from assistant.audio.constants import SPEECH_RATE
    from assistant.tts import Speaker

    voice = Speaker(SPEECH_RATE)
    if voice.engine != "piper":
        pytest.skip("the piper voice is not installed (espeak-ng does not vary)")
    line = "Here is an energetic rock song in E minor."
    steady = [voice.synthesize(line, steady=True) for _ in range(2)]
    assert np.array_equal(*steady) and len(steady[0]) > SPEECH_RATE
    varied = [voice.synthesize(line) for _ in range(2)]
    assert not np.array_equal(*varied)
