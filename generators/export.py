"""Writing a piece to disk: WAV, FLAC, MP3 (ffmpeg), MIDI or the JSON score. Every write is atomic."""
from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np

from generators.atomic import atomic_write
from generators.piece import Piece

__all__ = ["AUDIO_FORMATS", "FORMATS", "ExportError", "atomic_write", "format_of", "write_audio", "write_score"]

AUDIO_FORMATS = ("wav", "flac", "mp3")
FORMATS = AUDIO_FORMATS + ("mid", "json")


class ExportError(Exception):
    """The file could not be written (disk full, read-only folder, no ffmpeg)."""


def format_of(path: Path) -> str:
    ext = path.suffix.lower().lstrip(".")
    ext = {"midi": "mid"}.get(ext, ext)
    if ext not in FORMATS:
        raise ExportError(f"cannot write '{path.suffix or path.name}': use .wav, .flac, .mp3, .mid or .json")
    return ext


def _write_mp3(audio: np.ndarray, sample_rate: int, path: Path) -> None:
    if not shutil.which("ffmpeg"):
        raise ExportError("MP3 needs ffmpeg: apt-get install ffmpeg")
    pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes()
    cmd = ["ffmpeg", "-v", "error", "-y", "-f", "s16le", "-ar", str(sample_rate), "-ac", str(audio.shape[1]),
           "-i", "-", "-codec:a", "libmp3lame", "-q:a", "2", "-f", "mp3", str(path)]
    done = subprocess.run(cmd, input=pcm, capture_output=True)
    if done.returncode:
        raise ExportError(f"ffmpeg could not write MP3: {done.stderr.decode(errors='replace').strip()[:200]}")


def write_audio(audio: np.ndarray, sample_rate: int, path: Path) -> None:
    import soundfile

    fmt = format_of(path)

    def write(tmp: Path) -> None:
        if fmt == "mp3":
            _write_mp3(audio, sample_rate, tmp)
        else:
            soundfile.write(str(tmp), audio, sample_rate, subtype="PCM_16" if fmt == "wav" else "PCM_24",
                            format=fmt.upper())
    _guard(path, lambda: atomic_write(path, write))


def write_score(piece: Piece, path: Path) -> None:
    from generators import midi, score

    fmt = format_of(path)
    if fmt == "mid":
        _guard(path, lambda: atomic_write(path, lambda tmp: midi.write_midi(piece, tmp)))
    elif fmt == "json":
        text = json.dumps(score.to_dict(piece), separators=(",", ":"))
        _guard(path, lambda: atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8")))
    else:
        raise ExportError(f"{path.name} is an audio format: render the piece first")


def _guard(path: Path, action: Callable[[], object]) -> None:
    try:
        action()
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None
