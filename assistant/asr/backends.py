"""Two Whisper backends behind one method, decode(audio16k, prompt) → Decoded: openai-whisper (the default) and
faster-whisper. openai-whisper can encode only the utterance's length ("short" window) instead of 30 s."""
from __future__ import annotations

import numpy as np

from assistant.asr.guard import Decoded

TOKENS_PER_SECOND = 6
MIN_SHORT_S = 3.0


def cut_repeats(text: str) -> str:
    """The short window's decoder loops: "make it faster. make it faster. make it" → "make it faster.".
    When the words are two or more copies of a phrase of at least two words (the last copy may be cut off),
    one copy is kept; "stop stop stop" is left alone."""
    words = text.split()
    key = [w.lower().strip(".,!?") for w in words]
    for period in range(2, len(words) // 2 + 1):
        if all(key[i] == key[i % period] for i in range(len(key))):
            return " ".join(words[:period])
    return text.strip()


def _encode_any_length(encoder, mel):
    """openai-whisper's AudioEncoder.forward without its 30 s assertion: the positional embedding is sliced to the
    frames given, so a 3 s utterance costs a tenth of the full window. Identical at 3000 mel frames."""
    import torch.nn.functional as F

    x = F.gelu(encoder.conv1(mel))
    x = F.gelu(encoder.conv2(x)).permute(0, 2, 1)
    x = (x + encoder.positional_embedding[: x.shape[1]]).to(x.dtype)
    for block in encoder.blocks:
        x = block(x)
    return encoder.ln_post(x)


class OpenAIWhisper:
    def __init__(self, checkpoint: str, window: str = "full"):
        import torch
        import whisper

        torch.set_num_threads(1)
        self.whisper = whisper
        self.model = whisper.load_model(checkpoint, device="cpu")
        self.window = window
        encoder = self.model.encoder
        encoder.forward = lambda mel: _encode_any_length(encoder, mel)

    def decode(self, audio: np.ndarray, prompt: str | None) -> Decoded:
        import torch

        w = self.whisper
        options = dict(language="en", without_timestamps=True, fp16=False,
                       temperature=0.0, prompt=prompt)
        with torch.inference_mode():
            if self.window == "short":
                seconds = max(MIN_SHORT_S, len(audio) / w.audio.SAMPLE_RATE + 0.5)
                frames = int(seconds * 100) // 2 * 2
                mel = w.log_mel_spectrogram(w.pad_or_trim(audio, frames * 160), self.model.dims.n_mels)
                options["sample_len"] = int(TOKENS_PER_SECOND * seconds) + 8
                result = w.decode(self.model, mel[None], w.DecodingOptions(**options))[0]
                text = cut_repeats(result.text)
            else:
                mel = w.log_mel_spectrogram(w.pad_or_trim(audio), self.model.dims.n_mels)
                result = w.decode(self.model, mel[None], w.DecodingOptions(**options))[0]
                text = result.text
        return Decoded(text.strip(), result.no_speech_prob, result.avg_logprob, result.compression_ratio)


class FasterWhisper:
    def __init__(self, folder: str):
        from faster_whisper import WhisperModel

        self.model = WhisperModel(folder, device="cpu", compute_type="float32", cpu_threads=1)

    def decode(self, audio: np.ndarray, prompt: str | None) -> Decoded:
        segments, _ = self.model.transcribe(audio, language="en", beam_size=1, temperature=0.0,
                                            initial_prompt=prompt, without_timestamps=True,
                                            condition_on_previous_text=False, vad_filter=False)
        segs = list(segments)
        if not segs:
            return Decoded("", 1.0, -2.0, 1.0)
        return Decoded(" ".join(s.text.strip() for s in segs).strip(), max(s.no_speech_prob for s in segs),
                       float(np.mean([s.avg_logprob for s in segs])), max(s.compression_ratio for s in segs))
