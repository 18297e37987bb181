"""Finding a General MIDI SoundFont: the configured one, Debian's FluidR3_GM, then pretty_midi's TimGM6mb."""
from __future__ import annotations

import importlib.util
from pathlib import Path

SYSTEM = (Path("/usr/share/sounds/sf2/FluidR3_GM.sf2"), Path("/usr/share/soundfonts/FluidR3_GM.sf2"),
          Path("/usr/share/sounds/sf2/default-GM.sf2"))


class SoundFontMissing(FileNotFoundError):
    pass


def bundled() -> Path | None:
    spec = importlib.util.find_spec("pretty_midi")
    if spec and spec.origin:
        path = Path(spec.origin).with_name("TimGM6mb.sf2")
        return path if path.exists() else None
    return None


def find_soundfont(configured: str | None = None) -> Path:
    if configured:
        path = Path(configured).expanduser()
        if not path.is_file():
            raise SoundFontMissing(f"the configured SoundFont {path} does not exist")
        return path
    for candidate in (*SYSTEM, bundled()):
        if candidate and candidate.is_file():
            return candidate
    raise SoundFontMissing("no General MIDI SoundFont found; install one: apt-get install fluid-soundfont-gm")
