"""Piece ↔ Standard MIDI File, through pretty_midi."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from generators.piece import Piece

TICKS_PER_BEAT = 480


def to_pretty_midi(piece: Piece) -> Any:
    from generators.libs import pretty_midi as load

    pretty_midi = load()

    pm = pretty_midi.PrettyMIDI(initial_tempo=piece.tempo_bpm, resolution=TICKS_PER_BEAT)
    pm.time_signature_changes.append(pretty_midi.TimeSignature(piece.beats_per_bar, piece.beat_unit, 0.0))
    pm.key_signature_changes.append(
        pretty_midi.KeySignature(pretty_midi.key_name_to_key_number(f"{piece.key.tonic} {piece.key.mode}"), 0.0))
    spb = piece.seconds_per_beat
    end = piece.duration_s
    for track in piece.tracks:
        inst = pretty_midi.Instrument(program=track.program, is_drum=track.is_drum, name=track.name)
        for n in track.notes:
            vel = max(1, min(127, round(n.velocity * min(track.gain, 1.6))))
            inst.notes.append(pretty_midi.Note(vel, n.pitch, n.start * spb, min(end, (n.start + n.duration) * spb)))
        pm.instruments.append(inst)
    return pm


def write_midi(piece: Piece, path: Path) -> None:
    to_pretty_midi(piece).write(str(path))
