"""sounddevice, imported lazily, with every way it can fail turned into one DeviceError line."""
from __future__ import annotations

from assistant.errors import DeviceError


def sounddevice():
    try:
        import sounddevice as sd
    except OSError:
        raise DeviceError("no audio: the PortAudio library is missing (apt-get install libportaudio2)") from None
    return sd


def _default(kind: str, wanted) -> object:
    sd = sounddevice()
    if wanted is not None:
        try:
            sd.query_devices(wanted, kind)
        except (ValueError, sd.PortAudioError):
            raise DeviceError(f"the configured {kind} device '{wanted}' is not available") from None
        return wanted
    index = sd.default.device[0 if kind == "input" else 1]
    if index is None or index < 0:
        what = "microphone" if kind == "input" else "speaker"
        raise DeviceError(f"no {what} found (no audio server or device)")
    return index


def output_device(wanted=None):
    return _default("output", wanted)


def input_device(wanted=None):
    return _default("input", wanted)


def describe() -> list[dict]:
    """Every device PortAudio sees, for doctor."""
    sd = sounddevice()
    return [dict(d) for d in sd.query_devices()]
