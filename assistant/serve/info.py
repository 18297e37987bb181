"""`describe` → `info`: the programs maestro offers a Wyoming client. Home Assistant makes a conversation agent of
the `handle` program, a speech-to-text engine of the `asr` program and a voice of the `tts` program."""
from __future__ import annotations

from wyoming.info import AsrModel, AsrProgram, Attribution, HandleModel, HandleProgram, Info, TtsProgram, TtsVoice

from assistant import __version__

MAESTRO = Attribution(name="maestro", url="")  # no public home yet
WHISPER = Attribution(name="OpenAI", url="https://github.com/openai/whisper")
PIPER = Attribution(name="Rhasspy (piper), joe voice (CC0)", url="https://github.com/rhasspy/piper")


def handle_program() -> HandleProgram:
    return HandleProgram(
        name="maestro", attribution=MAESTRO, installed=True, version=__version__,
        description="maestro, the music assistant: composes, plays, edits and answers questions about music",
        models=[HandleModel(name="maestro", attribution=MAESTRO, installed=True, version=__version__,
                            description="maestro's intent classifier and dialogue", languages=["en"])])


def asr_program(model: str) -> AsrProgram:
    return AsrProgram(
        name="maestro-whisper", attribution=MAESTRO, installed=True, version=__version__,
        description="Whisper with maestro's music prompt, Silero VAD and a hallucination guard",
        models=[AsrModel(name=model, attribution=WHISPER, installed=True, version=None,
                         description=f"Whisper {model}", languages=["en"])])


def tts_program(voice: str) -> TtsProgram:
    return TtsProgram(
        name="maestro-voice", attribution=PIPER, installed=True, version=__version__,
        description="maestro's own voice (piper)",
        voices=[TtsVoice(name=voice, attribution=PIPER, installed=True, version=None,
                         description=f"piper {voice}", languages=["en_US"])])


def describe(asr_model: str, voice: str | None) -> Info:
    """What maestro offers: handle and asr always, tts when a voice is installed."""
    return Info(handle=[handle_program()], asr=[asr_program(asr_model)],
                tts=[tts_program(voice)] if voice else [])
