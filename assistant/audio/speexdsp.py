"""libspeexdsp's echo canceller (Xiph's MDF: a frequency-domain adaptive filter, linear, its adaptation rate set by
its own double-talk estimate), bound with ctypes. The C library is Debian's `libspeexdsp1` (PulseAudio's own
dependency); its API has not changed since 2008. No Python package binds it with wheels: `speexdsp` needs swig and
the headers to build, `speexaec` the headers and Cython.

Only the linear filter is used, not speex's residual-echo suppressor (its preprocessor): a suppressor takes the
user's voice down with the echo when both sound at once, which is when a barge-in is said, and the musical noise it
leaves in the music made Silero more likely to hear speech there (0.45 against 0.05 without it, in one test)."""
from __future__ import annotations

import ctypes

import numpy as np

LIBRARY = "libspeexdsp.so.1"
SET_SAMPLING_RATE = 24
"""speex_echo.h: SPEEX_ECHO_SET_SAMPLING_RATE."""
FULL_SCALE = 32768


class Missing(RuntimeError):
    """libspeexdsp is not installed."""


def _library() -> ctypes.CDLL:
    try:
        lib = ctypes.CDLL(LIBRARY)
    except OSError:
        raise Missing(f"{LIBRARY} is not installed (Debian: apt install libspeexdsp1)") from None
    lib.speex_echo_state_init.restype = ctypes.c_void_p
    lib.speex_echo_state_init.argtypes = [ctypes.c_int, ctypes.c_int]
    lib.speex_echo_cancellation.restype = None
    lib.speex_echo_cancellation.argtypes = [ctypes.c_void_p] + [ctypes.POINTER(ctypes.c_int16)] * 3
    lib.speex_echo_ctl.restype = ctypes.c_int
    lib.speex_echo_ctl.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
    lib.speex_echo_state_destroy.restype = None
    lib.speex_echo_state_destroy.argtypes = [ctypes.c_void_p]
    return lib


def _pcm(x: np.ndarray) -> np.ndarray:
    return np.clip(np.round(x * FULL_SCALE), -FULL_SCALE, FULL_SCALE - 1).astype(np.int16)


class EchoState:
    """One speex echo canceller: frames of `frame` samples in, the same out, with a filter `tail` samples long
    (the room's delay and its reverberation must fit in it)."""

    def __init__(self, frame: int, tail: int, rate: int):
        self._lib = _library()
        self.frame = frame
        self._state = self._lib.speex_echo_state_init(frame, tail)
        if not self._state:
            raise Missing(f"speex_echo_state_init refused a {frame}-sample frame with a {tail}-sample tail")
        value = ctypes.c_int(rate)
        self._lib.speex_echo_ctl(self._state, SET_SAMPLING_RATE, ctypes.byref(value))
        self._out = np.empty(frame, np.int16)

    def cancel(self, near: np.ndarray, far: np.ndarray) -> np.ndarray:
        """One frame of the microphone (float, full scale 1) with the echo of `far` (what was played then) taken
        out."""
        mic, played = _pcm(near), _pcm(far)
        pointer = ctypes.POINTER(ctypes.c_int16)
        self._lib.speex_echo_cancellation(self._state, mic.ctypes.data_as(pointer), played.ctypes.data_as(pointer),
                                          self._out.ctypes.data_as(pointer))
        return self._out.astype(np.float32) / FULL_SCALE

    def __del__(self) -> None:
        state, self._state = getattr(self, "_state", None), None
        if state:
            self._lib.speex_echo_state_destroy(state)

