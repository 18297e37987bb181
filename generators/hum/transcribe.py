"""Audio → the notes sung: Spotify's basic-pitch (its ICASSP 2022 model, run as ONNX by onnxruntime: basic-pitch is
installed without TensorFlow), then reduced to one line, as a voice sings one note at a time."""
from __future__ import annotations

import contextlib
import io
import logging
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

import numpy as np

RATE = 22050
"""basic-pitch's input rate."""
MIN_NOTE_S = 0.06


@dataclass(frozen=True)
class Heard:
    onset: float
    """Seconds."""
    offset: float
    pitch: float
    """MIDI note number, with the cents the voice was off (from basic-pitch's pitch bends)."""
    amplitude: float


@cache
def _imported() -> None:
    """basic-pitch imported once, quietly: its package logs a warning for each backend it lacks (TensorFlow,
    CoreML, TFLite), and only its ONNX model is used here."""
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        import basic_pitch  # noqa: F401
    finally:
        root.setLevel(level)


@cache
def _model() -> Any:
    """The ONNX model, loaded once."""
    _imported()
    from basic_pitch import FilenameSuffix, build_icassp_2022_model_path
    from basic_pitch.inference import Model

    return Model(build_icassp_2022_model_path(FilenameSuffix.onnx))


def model_output(audio: np.ndarray) -> dict[str, np.ndarray]:
    """basic-pitch's frame posteriors (note, onset, contour) for mono audio at RATE, window by window."""
    from basic_pitch.constants import AUDIO_N_SAMPLES, FFT_HOP
    from basic_pitch.inference import unwrap_output, window_audio_file

    model = _model()
    overlap_frames = 30
    overlap = overlap_frames * FFT_HOP
    padded = np.concatenate([np.zeros(overlap // 2, np.float32), audio.astype(np.float32)])
    out: dict[str, list[np.ndarray]] = {"note": [], "onset": [], "contour": []}
    for window, _ in window_audio_file(padded, AUDIO_N_SAMPLES - overlap):
        for name, value in model.predict(window[None]).items():
            out[name].append(value)
    return {k: unwrap_output(np.concatenate(v), len(audio), overlap_frames) for k, v in out.items()}


def notes(audio: np.ndarray, onset_threshold: float = 0.5, frame_threshold: float = 0.3) -> list[Heard]:
    """The sung notes, one at a time, in order."""
    _imported()
    from basic_pitch import note_creation
    from basic_pitch.constants import ANNOTATIONS_FPS

    with contextlib.redirect_stdout(io.StringIO()):
        _, events = note_creation.model_output_to_notes(
            model_output(audio), onset_thresh=onset_threshold, frame_thresh=frame_threshold,
            min_note_len=int(round(MIN_NOTE_S * ANNOTATIONS_FPS)), min_freq=60.0, max_freq=2000.0,
            multiple_pitch_bends=False, melodia_trick=True)
    heard = [Heard(float(s), float(e), p + _bend_cents(bends) / 100, float(a)) for s, e, p, a, bends in events]
    level = envelope(audio)
    return on_the_syllable(held_together(one_line(heard), level), level)


ENVELOPE_S = 0.01
DIP = 0.6
"""A repeated note is a new note where the voice's level falls below this fraction of the notes' own (-4.4 dB)."""


def envelope(audio: np.ndarray) -> np.ndarray:
    """RMS level per ENVELOPE_S."""
    hop = int(RATE * ENVELOPE_S)
    frames = len(audio) // hop
    level: np.ndarray = np.sqrt(np.mean(audio[: frames * hop].reshape(frames, hop) ** 2, axis=1) + 1e-12)
    return level


def _frame(level: np.ndarray, seconds: float) -> int:
    return min(len(level) - 1, max(0, int(seconds / ENVELOPE_S)))


def _dips(level: np.ndarray, a: Heard, b: Heard) -> bool:
    """The level falls between two notes: a breath, or a new syllable on the same pitch."""
    around = level[_frame(level, b.onset - 0.05): _frame(level, b.onset + 0.05) + 1]
    body = np.median(np.concatenate([level[_frame(level, a.onset): _frame(level, a.offset) + 1],
                                     level[_frame(level, b.onset): _frame(level, b.offset) + 1]]))
    return bool(len(around) > 0 and around.min() < DIP * body)


def held_together(heard: list[Heard], level: np.ndarray) -> list[Heard]:
    """basic-pitch splits a held, wavering note at its vibrato: consecutive pieces within a semitone's half that
    touch, with no dip in the level between them, are one note (its pitch the length-weighted mean)."""
    out: list[Heard] = []
    for note in heard:
        last = out[-1] if out else None
        if (last is not None and note.onset - last.offset < 0.03 and abs(note.pitch - last.pitch) < 0.5
                and not _dips(level, last, note)):
            a, b = last.offset - last.onset, note.offset - note.onset
            out[-1] = replace(last, offset=note.offset, pitch=(last.pitch * a + note.pitch * b) / (a + b),
                              amplitude=max(last.amplitude, note.amplitude))
        else:
            out.append(note)
    return out


BEND_BIAS = 1
"""basic-pitch's bends read one contour bin (a third of a semitone) sharp: measured here, a steady sine at MIDI 48,
55, 60 and 67 reads +33 cents, and the hum set's notes +30 cents on average (366 notes)."""


def _bend_cents(bends: list[int] | None) -> float:
    """basic-pitch's bends are in thirds of a semitone, frame by frame; their median, in cents."""
    return (float(np.median(bends)) - BEND_BIAS) * 100 / 3 if bends else 0.0


def one_line(heard: list[Heard]) -> list[Heard]:
    """Where notes overlap, the stronger (amplitude × length) stays; the other is cut back or dropped."""
    kept: list[Heard] = []
    for note in sorted(heard, key=lambda n: n.onset):
        if kept and note.onset < kept[-1].offset:
            last = kept[-1]
            if note.amplitude * (note.offset - note.onset) > last.amplitude * (last.offset - last.onset):
                if note.onset - last.onset >= MIN_NOTE_S:
                    kept[-1] = replace(last, offset=note.onset)
                else:
                    kept.pop()
            elif note.offset - last.offset >= MIN_NOTE_S:
                note = replace(note, onset=last.offset)
            else:
                continue
        kept.append(note)
    return kept


def on_the_syllable(heard: list[Heard], level: np.ndarray) -> list[Heard]:
    """basic-pitch's onsets come late (up to 90 ms) when a note starts from a dip in the voice: a note's onset moves
    back to where the voice rises out of a dip in the 120 ms before it, and the note before ends there."""
    out = list(heard)
    for i, note in enumerate(out):
        start = max(note.onset - 0.12, out[i - 1].onset + MIN_NOTE_S if i else 0.0)
        a, b = int(start / ENVELOPE_S), int(note.onset / ENVELOPE_S) + 1
        if b - a < 2 or b > len(level):
            continue
        body = np.median(level[int(note.onset / ENVELOPE_S): int(note.offset / ENVELOPE_S) + 1])
        quiet = np.flatnonzero(level[a:b] < DIP * body)
        if len(quiet):
            onset = (a + int(quiet[-1]) + 1) * ENVELOPE_S  # where the voice rises out of the dip
            out[i] = replace(note, onset=onset)
            if i and out[i - 1].offset > onset:
                out[i - 1] = replace(out[i - 1], offset=onset)
    return out
