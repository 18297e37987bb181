"""The mix: each part's own stereo stem (FluidSynth renders a MIDI channel per output) goes through a channel strip
for its role (high-pass, presence, compression, chorus, width, fader; styledata/mix.yaml), ducks under the kick
where the genre pumps, and sends to a reverb bus and a tempo-synced delay bus; the sum goes through the master
bus's glue compressor. The effects are Spotify's pedalboard; each keeps its state from one block to the next, so
a piece mixed block by block while it plays is the piece mixed whole. Last, each section's fader (the
arrangement's level: a chorus up, an intro down)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from generators import styles
from generators.piece import Piece

KICKS = (35, 36)
"""General MIDI bass drum keys: the sidechain's trigger."""
DUCK_ATTACK_S = 0.004
DUCK_BEATS = 0.5
"""How long a duck lasts after each kick, in beats."""
LEVEL_RAMP_S = 0.03
"""A section's fader moves over this long from the section's start."""


@dataclass(frozen=True)
class Strip:
    """A channel strip, as styledata/mix.yaml gives it for a role."""

    highpass: float = 0.0
    presence: tuple[float, ...] = ()
    """(Hz, dB, Q) of a peak filter, or empty."""
    compress: tuple[float, ...] = ()
    """(threshold dBFS, ratio, attack ms, release ms), or empty."""
    chorus: bool = False
    reverb: float = 0.0
    delay: float = 0.0
    width: float = 1.0
    gain_db: float = 0.0
    duck: bool = False


@dataclass(frozen=True)
class Buses:
    """The send buses and the master bus of a genre."""

    reverb_room: float
    reverb_damping: float
    reverb: float
    """The genre's reverb send amount (genres.yaml), times each strip's send."""
    chorus: float
    delay: float
    delay_beats: float
    feedback: float
    sidechain: float
    glue: tuple[float, ...]


def channel_strip(role: str) -> Strip:
    row: dict[str, Any] = styles.mix_table()["roles"].get(role, {})
    return Strip(highpass=float(row.get("highpass", 0)), presence=tuple(row.get("presence", ())),
                 compress=tuple(row.get("compress", ())), chorus=bool(row.get("chorus", 0)),
                 reverb=float(row.get("reverb", 0)), delay=float(row.get("delay", 0)),
                 width=float(row.get("width", 1)), gain_db=float(row.get("gain_db", 0)), duck=bool(row.get("duck", 0)))


def buses(piece: Piece) -> Buses:
    table = styles.mix_table()["genres"]
    row: dict[str, Any] = {**table["default"], **table.get(piece.genre, {})}
    style = dict(piece.style)
    room, damping = row["reverb"]
    return Buses(float(room), float(damping), float(style.get("reverb", 0.3)), float(style.get("chorus", 0.1)),
                 float(row["delay"]), float(row["delay_beats"]), float(row["feedback"]), float(row["sidechain"]),
                 tuple(row["glue"]))


def _board(s: Strip, chorus: float) -> Any:
    import pedalboard as pb

    plugins: list[Any] = []
    if s.highpass:
        plugins += [pb.HighpassFilter(s.highpass), pb.HighpassFilter(s.highpass)]
    if s.presence:
        plugins.append(pb.PeakFilter(*s.presence))
    if s.compress:
        plugins.append(pb.Compressor(*s.compress))
    if s.chorus and chorus > 0:
        plugins.append(pb.Chorus(rate_hz=0.8, depth=0.25, centre_delay_ms=7.0, feedback=0.0, mix=min(0.5, chorus)))
    if s.gain_db:
        plugins.append(pb.Gain(s.gain_db))
    return pb.Pedalboard(plugins)


def _widen(x: np.ndarray, width: float) -> np.ndarray:
    """Mid/side width on a (2, n) block: 0 folds to mono, 1 leaves it, above 1 spreads it."""
    if width == 1.0:
        return x
    mid, side = (x[0] + x[1]) * 0.5, (x[0] - x[1]) * 0.5 * width
    return np.stack([mid + side, mid - side])


def kick_frames(piece: Piece, sample_rate: int) -> np.ndarray:
    """The frames where a kick drum sounds, in order."""
    spb = piece.seconds_per_beat * sample_rate
    hits = {int(round(n.start * spb)) for t in piece.tracks if t.is_drum for n in t.notes if n.pitch in KICKS}
    return np.array(sorted(hits), dtype=np.int64)


def duck_gain(kicks: np.ndarray, start: int, n: int, depth: float, attack: int, hold: int) -> np.ndarray:
    """The sidechain's gain over frames [start, start + n): down by `depth` in `attack` frames after each kick,
    back up over `hold` frames on a curve. A function of the frame alone, so any split into blocks gives the same."""
    frames = np.arange(start, start + n)
    last = np.searchsorted(kicks, frames, side="right") - 1
    since = np.where(last >= 0, frames - kicks[np.maximum(last, 0)], hold + attack)
    rise = np.clip(since / max(1, attack), 0.0, 1.0)
    fall = np.clip(1.0 - (since - attack) / max(1, hold), 0.0, 1.0) ** 2
    env = np.where(since < attack, rise, fall)
    gain: np.ndarray = (1.0 - depth * env).astype(np.float32)
    return gain


def section_levels(piece: Piece, sample_rate: int) -> tuple[np.ndarray, np.ndarray]:
    """(start frame, linear gain) of each section's fader, as the arrangement sets it."""
    from generators.compose.arrange import treatments

    table = treatments(piece.genre)
    spb = piece.seconds_per_beat * sample_rate
    starts = np.array([int(round(s.start * spb)) for s in piece.sections], dtype=np.int64)
    gains = np.array([10 ** (table[s.label].level_db / 20) if s.label in table else 1.0 for s in piece.sections])
    return starts, gains


def level_gain(starts: np.ndarray, gains: np.ndarray, start: int, n: int, ramp: int) -> np.ndarray:
    """The faders over frames [start, start + n): each section's level, reached from the one before over `ramp`
    frames from its start. A function of the frame alone, as the sidechain is."""
    frames = np.arange(start, start + n)
    at = np.maximum(np.searchsorted(starts, frames, side="right") - 1, 0)
    before = gains[np.maximum(at - 1, 0)]
    into = np.clip((frames - starts[at]) / max(1, ramp), 0.0, 1.0)
    gain: np.ndarray = np.where(at > 0, before + (gains[at] - before) * into, gains[at]).astype(np.float32)
    return gain


class Mixer:
    """Mixes one piece, block after block, from its per-channel stems."""

    def __init__(self, piece: Piece, channels: list[int], sample_rate: int):
        import pedalboard as pb

        self.sample_rate = sample_rate
        self.buses = b = buses(piece)
        self.strips: dict[int, tuple[Strip, Any]] = {}
        for track, chan in zip(piece.tracks, channels):
            if chan not in self.strips:
                s = channel_strip(track.role)
                self.strips[chan] = (s, _board(s, b.chorus))
        spb = piece.seconds_per_beat
        self.reverb = pb.Pedalboard([pb.Reverb(room_size=b.reverb_room, damping=b.reverb_damping, wet_level=1.0,
                                               dry_level=0.0, width=1.0), pb.HighpassFilter(200.0)])
        self.delay = pb.Pedalboard([pb.Delay(delay_seconds=min(2.0, b.delay_beats * spb), feedback=b.feedback,
                                             mix=1.0), pb.HighpassFilter(300.0), pb.LowpassFilter(6000.0)])
        self.glue = pb.Pedalboard([pb.Compressor(*b.glue)])
        self.kicks = kick_frames(piece, sample_rate) if b.sidechain > 0 else np.zeros(0, np.int64)
        self.duck = (int(DUCK_ATTACK_S * sample_rate), int(DUCK_BEATS * spb * sample_rate))
        self.levels = section_levels(piece, sample_rate)

    def process(self, stems: np.ndarray, start: int) -> np.ndarray:
        """Stems (channels, 2, n) starting at frame `start` → the mixed block (n, 2)."""
        n = stems.shape[2]
        sr, b = self.sample_rate, self.buses
        dry = np.zeros((2, n), np.float32)
        to_reverb = np.zeros((2, n), np.float32)
        to_delay = np.zeros((2, n), np.float32)
        ducked = duck_gain(self.kicks, start, n, b.sidechain, *self.duck) if len(self.kicks) else None
        for chan, (s, board) in self.strips.items():
            x = _widen(board.process(stems[chan], sr, reset=False), s.width)
            if s.duck and ducked is not None:
                x = x * ducked
            dry += x
            if s.reverb:
                to_reverb += x * (s.reverb * b.reverb)
            if s.delay and b.delay:
                to_delay += x * (s.delay * b.delay)
        mixed = dry + self.reverb.process(to_reverb, sr, reset=False)
        if b.delay:
            mixed += self.delay.process(to_delay, sr, reset=False)
        glued = self.glue.process(mixed, sr, reset=False)
        out: np.ndarray = (glued * level_gain(*self.levels, start, n, int(LEVEL_RAMP_S * sr))).T
        return np.ascontiguousarray(out, dtype=np.float32)
