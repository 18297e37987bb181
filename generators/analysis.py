"""Estimates for any audio or MIDI file: tempo and beats, key (Temperley's key profiles) with its runner-up,
chords over beats (triad templates smoothed by Viterbi), loudness (LUFS), duration and sections."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from generators.theory import FLAT_NAMES, SHARP_NAMES, key_from_pc

# Temperley's (Kostka-Payne) key profiles: they punish out-of-scale notes harder than Krumhansl-Kessler's, which
# on our renders mistook many keys for their dominant.
MAJOR = np.array([0.748, 0.060, 0.488, 0.082, 0.670, 0.460, 0.096, 0.715, 0.104, 0.366, 0.057, 0.400])
MINOR = np.array([0.712, 0.084, 0.474, 0.618, 0.049, 0.460, 0.105, 0.747, 0.404, 0.067, 0.133, 0.330])
RATE = 22050
MIDI_EXT = (".mid", ".midi")


@dataclass(frozen=True)
class Analysis:
    file: str
    duration_s: float
    tempo_bpm: float | None
    beats_s: list[float]
    key: str | None
    key_confidence: float
    key_alternatives: list[list]
    chords: list[dict]
    loudness_lufs: float | None
    sections: list[dict] = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)


def key_scores(chroma: np.ndarray) -> list[tuple[str, float]]:
    """All 24 keys ranked by correlation of the pitch-class profile with the rotated key profiles."""
    scores = []
    for pc in range(12):
        for mode, profile in (("major", MAJOR), ("minor", MINOR)):
            r = np.corrcoef(chroma, np.roll(profile, pc))[0, 1]
            scores.append((key_from_pc(pc, mode).name, float(np.nan_to_num(r))))
    return sorted(scores, key=lambda s: -s[1])


def _key_fields(chroma: np.ndarray) -> tuple[str | None, float, list[list]]:
    if not np.any(chroma):
        return None, 0.0, []
    ranked = key_scores(chroma)
    best, second = ranked[0][1], ranked[1][1]
    confidence = max(0.0, min(1.0, 0.5 + (best - second) * 5)) if best > 0 else 0.0
    return ranked[0][0], round(confidence, 3), [[k, round(s, 3)] for k, s in ranked[1:4]]


def _templates() -> tuple[list[str], np.ndarray]:
    names, rows = [], []
    for pc in range(12):
        for suffix, steps in (("", (0, 4, 7)), ("m", (0, 3, 7))):
            t = np.zeros(12)
            t[[(pc + s) % 12 for s in steps]] = 1
            names.append((FLAT_NAMES if pc in (1, 3, 8, 10) else SHARP_NAMES)[pc] + suffix)
            rows.append(t / np.linalg.norm(t))
    return names, np.array(rows)


def chords_over(beat_chroma: np.ndarray, beat_times: list[float], end: float) -> list[dict]:
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
    out: list[dict] = []
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


def _sections(features: np.ndarray, times: np.ndarray, duration: float) -> list[dict]:
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


def analyze_audio(path: Path) -> Analysis:
    import librosa
    import soundfile

    from generators.master import loudness

    raw, native = soundfile.read(str(path), dtype="float32", always_2d=True)
    duration = len(raw) / native
    y = librosa.resample(raw.mean(axis=1), orig_sr=native, target_sr=RATE) if native != RATE else raw.mean(axis=1)
    lufs = loudness(raw, native)
    if duration < 1.0 or not np.any(np.abs(y) > 1e-4):
        return Analysis(str(path), round(duration, 3), None, [], None, 0.0, [], [],
                        round(lufs, 2) if np.isfinite(lufs) else None)
    tempo, beat_frames = librosa.beat.beat_track(y=y, sr=RATE)
    tempo = float(np.atleast_1d(tempo)[0])
    beats = librosa.frames_to_time(beat_frames, sr=RATE)
    chroma = librosa.feature.chroma_cqt(y=y, sr=RATE)
    key, conf, alts = _key_fields(chroma.mean(axis=1))
    beat_chroma = librosa.util.sync(chroma, beat_frames, aggregate=np.median)[:, :len(beat_frames)] \
        if len(beat_frames) else np.zeros((12, 0))
    frame_times = librosa.frames_to_time(np.arange(chroma.shape[1]), sr=RATE)
    mfcc = librosa.feature.mfcc(y=y, sr=RATE, n_mfcc=13)
    feats = np.vstack([chroma, librosa.util.normalize(mfcc, axis=1)[:, :chroma.shape[1]]])
    return Analysis(str(path), round(duration, 3), round(fold_tempo(tempo), 2) if tempo else None,
                    [round(float(b), 3) for b in beats], key, conf, alts,
                    chords_over(beat_chroma, [float(b) for b in beats], duration),
                    round(lufs, 2) if np.isfinite(lufs) else None, _sections(feats, frame_times, duration))


def analyze_midi(path: Path) -> Analysis:
    """From the notes: the file's tempo and beats, key from duration-weighted pitch classes, chords per beat."""
    from generators.libs import pretty_midi as load

    pretty_midi = load()

    pm = pretty_midi.PrettyMIDI(str(path))
    duration = pm.get_end_time()
    _, tempi = pm.get_tempo_changes()
    beats = pm.get_beats()
    chroma = np.zeros(12)
    for inst in pm.instruments:
        if not inst.is_drum:
            for n in inst.notes:
                chroma[n.pitch % 12] += n.end - n.start
    key, conf, alts = _key_fields(chroma)
    roll = pm.get_chroma(fs=20)
    beat_chroma = np.stack([roll[:, int(b * 20):int(e * 20) + 1].sum(axis=1) for b, e in
                            zip(beats, list(beats[1:]) + [duration])], axis=1) if len(beats) else np.zeros((12, 0))
    return Analysis(str(path), round(duration, 3), round(float(tempi[0]), 2) if len(tempi) else None,
                    [round(float(b), 3) for b in beats], key, conf, alts,
                    chords_over(beat_chroma, [float(b) for b in beats], duration), None,
                    [{"start_s": 0.0, "end_s": round(duration, 3), "label": "A"}])


def analyze(path: Path) -> Analysis:
    return analyze_midi(path) if path.suffix.lower() in MIDI_EXT else analyze_audio(path)
