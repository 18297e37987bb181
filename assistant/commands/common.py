"""Helpers the commands share: config, session folder, the understander, reading input files."""
from __future__ import annotations

import sys
from pathlib import Path

from assistant import paths
from assistant.errors import UserError


def load_config():
    from assistant import config

    return config.load()


def session_dir(arg: str | None) -> Path:
    return Path(arg).expanduser() if arg else paths.data_dir() / "session"


def understander():
    from intents.understand import Understander

    try:
        return Understander()
    except FileNotFoundError as exc:
        raise UserError(f"{exc} (make setup does it)") from None


def readable_file(name: str) -> Path:
    path = Path(name).expanduser()
    if not path.exists():
        raise UserError(f"{name}: no such file")
    if path.is_dir():
        raise UserError(f"{name}: is a folder, not a file")
    try:
        with open(path, "rb") as f:
            f.read(1)
    except OSError as exc:
        raise UserError(f"{name}: cannot read it ({exc.strerror})") from None
    return path


def warn(message: str) -> None:
    print(f"maestro: {message}", file=sys.stderr)
