"""The user's configuration: ~/.config/maestro/config.yaml (or $MAESTRO_CONFIG), validated into a frozen dataclass.

Every key is optional; an unknown key or a value of the wrong type is one clear line naming the key and the file.
"""
from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from pathlib import Path

from assistant import paths
from assistant.errors import UserError


@dataclass(frozen=True)
class Config:
    asr_backend: str = "openai-whisper"
    """"openai-whisper" (default), "faster-whisper", or "wyoming": each utterance goes to the Wyoming speech server
    at asr_uri (wyoming-faster-whisper on a bigger machine), with local openai-whisper while it does not answer."""
    asr_uri: str | None = None
    """The Wyoming speech-to-text server for asr_backend "wyoming": tcp://host:port (wyoming-faster-whisper's
    usual port is 10300) or unix:///path."""
    asr_timeout_s: float = 4.0
    """How long the Wyoming speech server may take to answer an utterance before local Whisper takes it."""
    asr_model: str = "tiny.en"
    """A Whisper model name ("tiny.en", "base") or a path to weights."""
    asr_model_over_sound: str | None = "base"
    """The Whisper model for what is said while maestro plays (music, or its voice being talked over), where its
    echo, cancelled or not, damages the first words, or over other sound in the room (assistant.asr.noisy): larger,
    about 0.2 s slower a request, and 365 MB more memory in a listening session (1,021 against 656 MB). None:
    asr_model always."""
    asr_window: str = "short"
    """"short" encodes only the utterance (padded to 8 s), and the full window when that is unsure: 2x faster
    for the same understanding; "full" always encodes Whisper's 30 s window."""
    wake_phrase: str | None = None
    """When set ("maestro"), hands-free commands must start with it; typed ones never need it."""
    push_to_talk: bool = False
    """Hands-free listening off: the microphone takes one request after Enter is pressed on an empty line."""
    voice_replies: bool = True
    """Speak replies with the local neural voice."""
    input_device: str | int | None = None
    """sounddevice input device name or index; None for the default microphone."""
    output_device: str | int | None = None
    """sounddevice output device name or index; None for the default speaker."""
    output_latency_s: float = 0.2
    """Output stream latency; below 0.2 s the null sinks here underrun."""
    echo_cancel: bool = True
    """Take what maestro plays (music and voice) out of what the microphone hears, by WebRTC's AEC3, before the VAD
    and Whisper hear it: the user can talk over a reply and over loud music (#20). False: the microphone is deaf
    while maestro speaks and for 0.5 s after, and the music ducks only as speech is heard."""
    soundfont: str | None = None
    """A General MIDI SoundFont (.sf2 or .sf3); None picks MuseScore General, then FluidR3_GM, then pretty_midi's
    TimGM6mb. One that is missing or does not load falls back to those, and `maestro doctor` says so."""
    library_dir: str | None = None
    """Where saved pieces go; None means the session folder's library/."""
    volume: int = 80
    """Playback volume of a new session, 0-100; a session keeps its own from then on ("volume 40" stays)."""
    generator: str = "symbolic"
    """The music engine (generators.engine.ENGINES): "symbolic" composes a score and renders it with FluidSynth."""


CHOICES = {"asr_backend": ("openai-whisper", "faster-whisper", "wyoming"), "asr_window": ("full", "short"),
           "generator": ("symbolic",)}


def _accepts(hint: object, value: object) -> bool:
    options = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    for option in options:
        if option is type(None) and value is None:
            return True
        if option is float and isinstance(value, (int, float)) and not isinstance(value, bool):
            return True
        if option is int and isinstance(value, int) and not isinstance(value, bool):
            return True
        if option in (str, bool) and type(value) is option:
            return True
    return False


def from_mapping(raw: object, source: str) -> Config:
    """Validate a parsed YAML document into a Config; `source` names the file in error messages."""
    if raw is None:
        return Config()
    if not isinstance(raw, dict):
        raise UserError(f"{source}: the config must be a mapping of keys to values")
    hints = typing.get_type_hints(Config)
    fields = {f.name for f in dataclasses.fields(Config)}
    for key, value in raw.items():
        if key not in fields:
            raise UserError(f"{source}: unknown key '{key}' (known: {', '.join(sorted(fields))})")
        if not _accepts(hints[key], value):
            raise UserError(f"{source}: '{key}' has the wrong type ({type(value).__name__}: {value!r})")
        if key in CHOICES and value not in CHOICES[key]:
            raise UserError(f"{source}: '{key}' must be one of {', '.join(CHOICES[key])}, not {value!r}")
    config = Config(**raw)
    if not 0 <= config.volume <= 100:
        raise UserError(f"{source}: 'volume' must be between 0 and 100")
    if config.asr_backend == "wyoming" and not config.asr_uri:
        raise UserError(f"{source}: 'asr_backend: wyoming' needs 'asr_uri' (for example tcp://192.168.1.20:10300)")
    if config.asr_uri is not None and not valid_uri(config.asr_uri):
        raise UserError(f"{source}: 'asr_uri' must be tcp://host:port or unix:///path, not {config.asr_uri!r}")
    if config.asr_timeout_s <= 0:
        raise UserError(f"{source}: 'asr_timeout_s' must be more than 0")
    return config


def valid_uri(uri: str) -> bool:
    """A Wyoming address: tcp://host:port or unix:///path."""
    from urllib.parse import urlparse

    try:
        parsed = urlparse(uri)
        if parsed.scheme == "tcp":
            return bool(parsed.hostname) and parsed.port is not None
    except ValueError:  # a port that is not a number, or out of range
        return False
    return parsed.scheme == "unix" and bool(parsed.path)


def load(path: Path | None = None) -> Config:
    """Read the config file; a missing file gives the defaults."""
    import yaml

    path = path or paths.config_file()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot read the config file ({exc.__class__.__name__})") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise UserError(f"{path}: the config is not valid YAML{where}") from None
    return from_mapping(raw, str(path))
