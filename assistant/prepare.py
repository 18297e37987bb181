"""Model preparation for set-up (`python -m assistant.prepare`), with a progress display: Whisper weights converted
into openai-whisper's cache, faster-whisper's base folder, the intent model trained if missing, librosa warmed."""
from __future__ import annotations

import sys
import time


def _whisper(progress) -> str:
    from assistant.asr import models

    for name in ("tiny.en", "base"):
        models.openai_checkpoint(name)
        models.ct2_folder(name)
    return "Whisper tiny.en and base ready in ~/.cache/whisper"


def _intents(progress) -> str:
    from intents import train
    from intents.classifier import default_model_path
    from intents.export import compile_model, compiled_path

    path = default_model_path()
    for old in path.parent.glob("intent-model-*"):  # models of other examples (~105 MB each)
        if old.stem != path.stem:
            old.unlink()
    if path.exists():
        if not compiled_path(path).exists():
            compile_model(path)
        return f"intent model up to date ({path.name})"
    summary = train.train(path, log=lambda m: None, progress=progress)
    return f"intent model trained: dev accuracy {summary['dev_accuracy']:.1%} in {summary['seconds']:.0f} s"


def _librosa(progress) -> str:
    """Run each analysis path once so numba compiles and caches its kernels now, not on the first question."""
    import tempfile
    from pathlib import Path

    from generators import engine
    from generators.analysis import analyze
    from generators.compose import Request
    from generators.export import write_audio, write_score
    from generators.master import master
    from generators.render import SAMPLE_RATE

    music = engine.get()
    piece = music.compose(Request(genre="pop", seed=1, duration_s=12))
    with tempfile.TemporaryDirectory() as tmp:
        wav, mid = Path(tmp) / "warm.wav", Path(tmp) / "warm.mid"
        write_audio(master(engine.render(music, piece), SAMPLE_RATE), SAMPLE_RATE, wav)
        write_score(piece, mid)
        analyze(wav)
        analyze(mid)
    return "librosa warmed up"


STEPS = (("Converting Whisper weights", _whisper), ("Training the intent classifier", _intents),
         ("Warming up librosa", _librosa))


def main() -> int:
    """Each step on a progress line: what it is doing, a bar (epochs for the training; a pulse where a step cannot
    count), the time taken; then what it did."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    for title, step in STEPS:
        t = time.perf_counter()
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task(f"{title}…", total=None)
            done = step(lambda n, total, task=task: bar.update(task, completed=n, total=total))
        console.print(f"[green]✓[/] {done} [dim]({time.perf_counter() - t:.1f} s)[/]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
