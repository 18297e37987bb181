"""Estimates for any audio or MIDI file: tempo and beats, key (generators.keys, learned) with its runners-up,
chords over beats (triad templates smoothed by Viterbi), loudness (LUFS), duration and sections."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from generators.atomic import write_text
from generators.keys import Evidence, of_chroma, of_notes, ranked
from generators.theory import FLAT_NAMES, SHARP_NAMES

VERSION = 4  # of the analyzer: cached results of another version are not used
RATE = 22050
HOP = 256
CHROMA_HOP = 2048  # about 11 chroma frames a second: enough for chords on beats, cheap to separate
SECTION_POOL = 5  # chroma frames per section feature: about half a second
MIN_BEAT_PERIODICITY = 0.15
MIDI_EXT = (".mid", ".midi")
BASS_BINS = 72
"""Constant-Q bins (36 an octave from C1) heard as the bass: C1 up to C3."""


@dataclass(frozen=True)
class Analysis:
    file: str
    duration_s: float
    tempo_bpm: float | None
    beats_s: list[float]
    key: str | None
    key_confidence: float
    key_alternatives: list[list[Any]]
    chords: list[dict[str, Any]]
    loudness_lufs: float | None
    sections: list[dict[str, Any]] = field(default_factory=list)
    brightness_hz: float | None = None
    """Median spectral centroid: higher sounds brighter."""
    rms_db: float | None = None
    """Average level (RMS, dBFS): the energy."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _key_fields(evidence: Evidence) -> tuple[str | None, float, list[list[Any]]]:
    """The key, the model's probability of it, and the next three keys with theirs."""
    if not any(evidence.overall):
        return None, 0.0, []
    found = ranked(evidence)
    return found[0][0].name, round(found[0][1], 3), [[k.name, round(p, 3)] for k, p in found[1:4]]


def _templates() -> tuple[list[str], np.ndarray]:
    names, rows = [], []
    for pc in range(12):
        for suffix, steps in (("", (0, 4, 7)), ("m", (0, 3, 7))):
            t = np.zeros(12)
            t[[(pc + s) % 12 for s in steps]] = 1
            names.append((FLAT_NAMES if pc in (1, 3, 8, 10) else SHARP_NAMES)[pc] + suffix)
            rows.append(t / np.linalg.norm(t))
    return names, np.array(rows)


def chords_over(beat_chroma: np.ndarray, beat_times: list[float], end: float) -> list[dict[str, Any]]:
    """Per-beat chroma (12 × beats) → [{start_s, end_s, chord}], neighbouring beats merged."""
    import librosa

    if beat_chroma.shape[1] == 0:
        return []
    names, templates = _templates()
    norm = beat_chroma / np.maximum(np.linalg.norm(beat_chroma, axis=0, keepdims=True), 1e-9)
    sim = templates @ norm
    prob = np.exp(8 * sim)
    prob /= prob.sum(axis=0, keepdims=True)
    path = librosa.sequence.viterbi(prob, librosa.sequence.transition_loop(len(names), 0.7))
    out: list[dict[str, Any]] = []
    bounds = list(beat_times) + [end]
    for i, state in enumerate(path):
        chord = names[state] if np.linalg.norm(beat_chroma[:, i]) > 1e-6 else "N"
        if out and out[-1]["chord"] == chord:
            out[-1]["end_s"] = round(bounds[i + 1], 3)
        else:
            out.append({"start_s": round(bounds[i], 3), "end_s": round(bounds[i + 1], 3), "chord": chord})
    return out


def fold_tempo(bpm: float) -> float:
    """Octave errors (librosa #1262): bring the estimate into 55-185 BPM, where most music is felt."""
    while bpm and bpm < 55:
        bpm *= 2
    while bpm > 185:
        bpm /= 2
    return bpm


def _peak(ac: np.ndarray, lag: float, tol: float = 0.03) -> tuple[float, float]:
    """(height, lag) of the autocorrelation's highest point within ±tol of `lag`, the lag interpolated."""
    lo, hi = int(lag * (1 - tol)), min(len(ac) - 2, int(np.ceil(lag * (1 + tol))))
    if lo < 1 or lo > hi:
        return 0.0, lag
    i = lo + int(np.argmax(ac[lo:hi + 1]))
    a, b, c = ac[i - 1], ac[i], ac[i + 1]
    shift = 0.5 * (a - c) / (a - 2 * b + c) if (a - 2 * b + c) < 0 else 0.0
    return float(b), i + float(np.clip(shift, -0.5, 0.5))


def metrical_fit(ac: np.ndarray, period: float) -> float:
    """How well a beat period lines up with the music's periodicities: beats, half bars, bars and two bars."""
    return sum(_peak(ac, k * period)[0] for k in (1, 2, 4, 8)) / 4


def estimate_tempo(envelope: np.ndarray, frame_s: float) -> float | None:
    """librosa's estimate, corrected for the slips of syncopated grooves (a dotted beat read as the beat: ×4/3,
    ×3/2): that estimate and its metrical neighbours compete on the metrical fit; the winner is folded into
    55-185 BPM and refined on the longest periodic lag it can see."""
    import librosa

    first = float(np.atleast_1d(librosa.feature.tempo(onset_envelope=envelope, hop_length=1, sr=1 / frame_s))[0])
    if not first or not np.any(envelope):
        return None
    ac = librosa.autocorrelate(envelope - envelope.mean())
    ac = ac / max(ac[0], 1e-9)
    bpm = fold_tempo(max((first * r for r in (1, 2 / 3, 3 / 4, 4 / 3, 3 / 2)),
                         key=lambda t: metrical_fit(ac, 60 / t / frame_s)))
    period = 60 / bpm / frame_s
    if _peak(ac, period)[0] < MIN_BEAT_PERIODICITY:
        return None  # no steady beat to speak of (pads, rubato): saying so beats a number
    for k in (8, 4, 2):
        height, lag = _peak(ac, k * period, tol=0.01)
        if height > 0.1:
            return 60 / (lag / k * frame_s)
    return bpm


def _sections(features: np.ndarray, times: np.ndarray, duration: float) -> list[dict[str, Any]]:
    import librosa

    if features.shape[1] < 8 or duration < 8:
        return [{"start_s": 0.0, "end_s": round(duration, 3), "label": "A"}]
    k = int(max(2, min(8, duration // 12)))
    bounds = librosa.segment.agglomerative(features, k)
    starts = [float(times[b]) for b in bounds] + [duration]
    means = [features[:, b:e].mean(axis=1) for b, e in zip(bounds, list(bounds[1:]) + [features.shape[1]])]
    labels: list[int] = []
    for i, m in enumerate(means):
        match = next((labels[j] for j in range(i) if np.dot(m, means[j]) /
                      (np.linalg.norm(m) * np.linalg.norm(means[j]) + 1e-9) > 0.97), None)
        labels.append(match if match is not None else (max(labels) + 1 if labels else 0))
    return [{"start_s": round(starts[i], 3), "end_s": round(starts[i + 1], 3), "label": chr(65 + labels[i] % 26)}
            for i in range(len(means))]


def harmonic_chroma(y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Chroma of the harmonic part (12 × frames, each frame's loudest class 1), each frame's harmonic energy, and
    the energy per pitch class below C3 (the bass) over the whole: the drums' broadband hits are median-filtered out
    of the constant-Q spectrum first (on 32 renders: 28 keys right against 27 without; on the CQT it costs a third
    of an STFT separation)."""
    import librosa

    cqt = np.abs(librosa.cqt(y, sr=RATE, hop_length=CHROMA_HOP, fmin=librosa.note_to_hz("C1"), n_bins=252,
                             bins_per_octave=36))
    harmonic, _ = librosa.decompose.hpss(cqt, kernel_size=(9, 31))
    chroma = librosa.feature.chroma_cqt(C=harmonic, sr=RATE, hop_length=CHROMA_HOP, bins_per_octave=36)
    low = harmonic[:BASS_BINS].sum(axis=1)  # bin k is k/3 semitones above C1
    bass = np.zeros(12)
    np.add.at(bass, np.round(np.arange(BASS_BINS) / 3).astype(int) % 12, low)
    return chroma, harmonic.sum(axis=0), bass


def _pooled(features: np.ndarray, width: int) -> np.ndarray:
    cols = features.shape[1] // width * width
    return features[:, :cols].reshape(features.shape[0], -1, width).mean(axis=2) if cols else features


def _timbre(y: np.ndarray) -> tuple[float, float, np.ndarray]:
    """(median spectral centroid in Hz, RMS level in dBFS, MFCCs): brightness, energy and timbre for sections."""
    import librosa

    spectrum = np.abs(librosa.stft(y, n_fft=2048, hop_length=CHROMA_HOP))
    centroid = librosa.feature.spectral_centroid(S=spectrum, sr=RATE)[0]
    rms = float(np.sqrt(np.mean(y ** 2)))
    mfcc = librosa.feature.mfcc(S=librosa.power_to_db(librosa.feature.melspectrogram(S=spectrum ** 2, sr=RATE)),
                                n_mfcc=13)
    return float(np.median(centroid)), 20 * np.log10(max(rms, 1e-9)), mfcc


def _beats(y: np.ndarray) -> tuple[float | None, np.ndarray]:
    import librosa

    envelope = librosa.onset.onset_strength(y=y, sr=RATE, hop_length=HOP)
    tempo = estimate_tempo(envelope, HOP / RATE)
    if not tempo:
        return None, np.zeros(0)
    return tempo, librosa.beat.beat_track(onset_envelope=envelope, sr=RATE, hop_length=HOP, bpm=tempo,
                                          units="time")[1]


def analyze_audio(path: Path) -> Analysis:
    import librosa
    import soundfile

    from generators.master import loudness

    raw, native = soundfile.read(str(path), dtype="float32", always_2d=True)
    duration = len(raw) / native
    y = librosa.resample(raw.mean(axis=1), orig_sr=native, target_sr=RATE) if native != RATE else raw.mean(axis=1)
    measured = loudness(raw, native)
    lufs = round(measured, 2) if np.isfinite(measured) else None
    if duration < 1.0 or not np.any(np.abs(y) > 1e-4):
        return Analysis(str(path), round(duration, 3), None, [], None, 0.0, [], [], lufs)
    tempo, beats = _beats(y)
    chroma, energy, bass = harmonic_chroma(y)
    key, conf, alts = _key_fields(of_chroma(chroma, energy, CHROMA_HOP / RATE, bass))
    grid = beats if len(beats) else np.arange(0.0, duration, 1.0)  # no beat: chords second by second
    grid_frames = librosa.time_to_frames(grid, sr=RATE, hop_length=CHROMA_HOP)
    grid_chroma = librosa.util.sync(chroma, grid_frames.tolist(), aggregate=np.median)[:, :len(grid_frames)]
    brightness, level, mfcc = _timbre(y)
    n = min(chroma.shape[1], mfcc.shape[1])
    pooled = _pooled(np.vstack([chroma[:, :n], librosa.util.normalize(mfcc[:, :n], axis=1)]), SECTION_POOL)
    times = np.arange(pooled.shape[1]) * SECTION_POOL * CHROMA_HOP / RATE
    return Analysis(str(path), round(duration, 3), round(tempo, 2) if tempo else None,
                    [round(float(b), 3) for b in beats], key, conf, alts,
                    chords_over(grid_chroma, [float(b) for b in grid], duration), lufs,
                    _sections(pooled, times, duration), round(brightness, 1), round(level, 2))


def midi_evidence(pm: Any) -> Evidence:
    """A PrettyMIDI's pitched notes as the key finder's evidence."""
    return of_notes([(n.pitch, n.start, n.end) for inst in pm.instruments if not inst.is_drum for n in inst.notes])


def analyze_midi(path: Path) -> Analysis:
    """From the notes: the file's tempo and beats, key from duration-weighted pitch classes, chords per beat."""
    from generators.libs import pretty_midi as load

    pretty_midi = load()

    pm = pretty_midi.PrettyMIDI(str(path))
    duration = pm.get_end_time()
    _, tempi = pm.get_tempo_changes()
    beats = pm.get_beats()
    key, conf, alts = _key_fields(midi_evidence(pm))
    roll = pm.get_chroma(fs=20)
    beat_chroma = np.stack([roll[:, int(b * 20):int(e * 20) + 1].sum(axis=1) for b, e in
                            zip(beats, list(beats[1:]) + [duration])], axis=1) if len(beats) else np.zeros((12, 0))
    return Analysis(str(path), round(duration, 3), round(float(tempi[0]), 2) if len(tempi) else None,
                    [round(float(b), 3) for b in beats], key, conf, alts,
                    chords_over(beat_chroma, [float(b) for b in beats], duration), None,
                    [{"start_s": 0.0, "end_s": round(duration, 3), "label": "A"}])


def analyze(path: Path) -> Analysis:
    return analyze_midi(path) if path.suffix.lower() in MIDI_EXT else analyze_audio(path)


def analyze_cached(path: Path, folder: Path) -> Analysis:
    """analyze(path), remembered in `folder` by the file's content hash and the analyzer's version: asking about
    the same recording twice analyses it once, and a renamed copy is recognised."""
    import hashlib
    import json

    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    entry = folder / f"{digest.hexdigest()[:32]}-{path.suffix.lower().lstrip('.')}-v{VERSION}.json"
    try:
        return Analysis(**{**json.loads(entry.read_text()), "file": str(path)})
    except (OSError, ValueError, TypeError):
        pass
    result = analyze(path)
    try:
        write_text(entry, json.dumps(result.to_json()))
    except OSError:
        pass  # a read-only cache only costs time
    return result
