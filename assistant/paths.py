"""Where maestro keeps things: XDG config, data and cache folders."""
import os
from pathlib import Path


def _xdg(var: str, fallback: str) -> Path:
    value = os.environ.get(var)
    return Path(value) if value else Path.home() / fallback


def config_file() -> Path:
    override = os.environ.get("MAESTRO_CONFIG")
    return Path(override) if override else _xdg("XDG_CONFIG_HOME", ".config") / "maestro" / "config.yaml"


def data_dir() -> Path:
    return _xdg("XDG_DATA_HOME", ".local/share") / "maestro"


def cache_dir() -> Path:
    return _xdg("XDG_CACHE_HOME", ".cache") / "maestro"


def whisper_cache_dir() -> Path:
    """openai-whisper's own download folder, shared with the library so users with internet reuse it."""
    return _xdg("XDG_CACHE_HOME", ".cache") / "whisper"
