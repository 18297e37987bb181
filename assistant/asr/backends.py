"""Two Whisper backends behind one method, decode(audio16k, prompt) → Decoded: openai-whisper (the default) and
faster-whisper. openai-whisper can encode only the utterance's length ("short" window, at least 8 s) instead of
30 s, bounding the tokens by the speech's length and cutting the loops the decoder falls into; an unsure short
transcript is decoded again over the full window."""
from __future__ import annotations

import numpy as np

from assistant.asr.guard import Decoded

TOKENS_PER_SECOND = 6
MIN_SHORT_S = 8.0
"""The short window encodes the utterance padded to at least this long. On the 180 spoken lines, with the retry:
6 s 259 ms median, WER 6.7%; 8 s 233 ms, 6.5%; 10 s 245 ms, 6.9%; 12 s 291 ms, 6.6% (shorter pads are retried more
often; at 4 s the decoder loops on most lines)."""
RETRY_LOGPROB = -0.3
"""A short-window transcript less sure than this (average log-probability per token) is decoded again over the
full window: on the spoken set that is 17% of utterances, and it brings understanding back to the full window's."""


def cut_repeats(text: str) -> str:
    """The short window's decoder loops: "make it faster. make it faster. make it" → "make it faster.".
    A phrase of at least two words that is said again at once, or a sentence whose opening words start over right
    after it, is kept once and what follows is dropped as a loop; "stop stop stop" is left alone."""
    words = text.split()
    key = [w.lower().strip(".,!?") for w in words]
    for period in range(2, len(words) // 2 + 1):
        opening = min(period, 3)
        restarts = words[period - 1][-1] in ".?!" and key[period:period + opening] == key[:opening]
        if key[:period] == key[period:2 * period] or restarts:
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


def _decode_read_rows(decoder, sot: int, x, xa, kv_cache=None):
    """openai-whisper's TextDecoder.forward, projecting onto the 51,864-word vocabulary only the rows the decoding
    reads: the start-of-transcript token's and those after it. With the domain prompt, the first step's 60 prompt
    rows were 80 of its 100 ms. The rows before are NaN, so a reader of them could not go unnoticed."""
    import torch

    offset = next(iter(kv_cache.values())).shape[1] if kv_cache else 0
    h = (decoder.token_embedding(x) + decoder.positional_embedding[offset: offset + x.shape[-1]]).to(xa.dtype)
    for block in decoder.blocks:
        h = block(h, xa, mask=decoder.mask, kv_cache=kv_cache)
    h = decoder.ln(h)
    starts = (x[0] == sot).nonzero()
    first = int(starts[0, 0]) if len(starts) else 0
    weight = decoder.token_embedding.weight.to(h.dtype)
    logits = torch.full((*h.shape[:2], weight.shape[0]), float("nan"))
    logits[:, first:] = (h[:, first:] @ weight.T).float()
    return logits


class OpenAIWhisper:
    def __init__(self, checkpoint: str, window: str = "full"):
        import torch
        import whisper

        torch.set_num_threads(1)
        self.whisper = whisper
        self.model = whisper.load_model(checkpoint, device="cpu")
        self.window = window
        encoder, decoder = self.model.encoder, self.model.decoder
        encoder.forward = lambda mel: _encode_any_length(encoder, mel)
        # the vocabulary projection reads the embedding transposed: stored that way, one step's product takes 3 ms,
        # not 8 (the lookup of a token's row works on either layout, and no copy is kept)
        embedding = decoder.token_embedding
        embedding.weight = torch.nn.Parameter(embedding.weight.detach().T.contiguous().T, requires_grad=False)
        sot = whisper.tokenizer.get_tokenizer(self.model.is_multilingual, num_languages=self.model.num_languages).sot
        decoder.forward = lambda x, xa, kv_cache=None: _decode_read_rows(decoder, sot, x, xa, kv_cache)

    def decode(self, audio: np.ndarray, prompt: str | None, beam_size: int = 1) -> Decoded:
        """The short window first when configured; when it is unsure, the full window decides. Greedy, or a beam
        search of `beam_size`."""
        import torch

        options = dict(language="en", without_timestamps=True, fp16=False, temperature=0.0, prompt=prompt,
                       beam_size=beam_size if beam_size > 1 else None)
        with torch.inference_mode():
            if self.window == "short":
                short = self._short(audio, options)
                if short.avg_logprob >= RETRY_LOGPROB:
                    return short
            return self._full(audio, options)

    def _short(self, audio: np.ndarray, options: dict) -> Decoded:
        w = self.whisper
        speech_s = len(audio) / w.audio.SAMPLE_RATE
        frames = int(max(MIN_SHORT_S, speech_s + 0.5) * 100) // 2 * 2
        mel = w.log_mel_spectrogram(w.pad_or_trim(audio, frames * 160), self.model.dims.n_mels)
        bounded = w.DecodingOptions(**options, sample_len=int(TOKENS_PER_SECOND * speech_s) + 8)  # a command
        result = w.decode(self.model, mel[None], bounded)[0]
        text = cut_repeats(result.text).strip()
        ratio = w.utils.compression_ratio(text) if text else 1.0  # of what is kept, not of the loop
        return Decoded(text, result.no_speech_prob, result.avg_logprob, ratio)

    def _full(self, audio: np.ndarray, options: dict) -> Decoded:
        w = self.whisper
        mel = w.log_mel_spectrogram(w.pad_or_trim(audio), self.model.dims.n_mels)
        result = w.decode(self.model, mel[None], w.DecodingOptions(**options))[0]
        return Decoded(result.text.strip(), result.no_speech_prob, result.avg_logprob, result.compression_ratio)


class FasterWhisper:
    def __init__(self, folder: str):
        from faster_whisper import WhisperModel

        self.model = WhisperModel(folder, device="cpu", compute_type="float32", cpu_threads=1)

    def decode(self, audio: np.ndarray, prompt: str | None, beam_size: int = 1) -> Decoded:
        segments, _ = self.model.transcribe(audio, language="en", beam_size=beam_size, temperature=0.0,
                                            initial_prompt=prompt, without_timestamps=True,
                                            condition_on_previous_text=False, vad_filter=False)
        segs = list(segments)
        if not segs:
            return Decoded("", 1.0, -2.0, 1.0)
        return Decoded(" ".join(s.text.strip() for s in segs).strip(), max(s.no_speech_prob for s in segs),
                       float(np.mean([s.avg_logprob for s in segs])), max(s.compression_ratio for s in segs))
