"""Finding a General MIDI SoundFont: the configured one, then MuseScore General, FluidR3_GM and pretty_midi's
TimGM6mb, the first that is there.

MuseScore General comes first in Debian's lossless package (an SF2 of the same samples before Vorbis compression):
with FluidSynth's dynamic sample loading it opens in 20 ms and reads only the presets a piece uses, where the
compressed SF3 takes 3.4 s to decode whole (or about 1 s per preset when loaded on demand). The SF3 is still taken
when it is the only MuseScore General installed."""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

SF2, SF3 = Path("/usr/share/sounds/sf2"), Path("/usr/share/sounds/sf3")
MUSESCORE = (SF2 / "MuseScore_General_Full.sf2", SF2 / "MuseScore_General.sf2", SF3 / "MuseScore_General_Full.sf3",
             SF3 / "MuseScore_General.sf3")
FLUID = (SF2 / "FluidR3_GM.sf2", Path("/usr/share/soundfonts/FluidR3_GM.sf2"))


class SoundFontMissing(FileNotFoundError):
    pass


@dataclass(frozen=True)
class Choice:
    path: Path
    """The SoundFont that renders."""
    fallback_from: str | None = None
    """Why an earlier choice was passed over ("the configured SoundFont /x.sf2 does not exist"), or None."""


def bundled() -> Path | None:
    spec = importlib.util.find_spec("pretty_midi")
    if spec and spec.origin:
        path = Path(spec.origin).with_name("TimGM6mb.sf2")
        return path if path.exists() else None
    return None


def candidates() -> list[Path]:
    """Every General MIDI SoundFont this machine has, best first."""
    found = [p for p in (*MUSESCORE, *FLUID, bundled()) if p and p.is_file()]
    return list(dict.fromkeys(p.resolve() for p in found))


def choose(configured: str | None = None) -> Choice:
    """The SoundFont to render with: the configured one when it exists, else the best one installed."""
    missing = None
    if configured:
        path = Path(configured).expanduser()
        if path.is_file():
            return Choice(path)
        missing = f"the configured SoundFont {path} does not exist"
    found = candidates()
    if not found:
        raise SoundFontMissing("no General MIDI SoundFont found; install one: "
                               "apt-get install musescore-general-soundfont-lossless")
    return Choice(found[0], missing)


def find_soundfont(configured: str | None = None) -> Path:
    return choose(configured).path
