"""Edits on the score, so results are exact: tempo, transposition, key and mode, parts, instruments, style, mood,
length and levels. Each returns a new Piece; the melody and the seed stay unless the edit is about them."""
from __future__ import annotations

import dataclasses
import random
import zlib
from collections.abc import Callable

from generators import styles
from generators.compose import Context, Request, compose, make_track, title_for
from generators.hum.develop import is_hummed, tune_in
from generators.hum.quantize import HummedTune
from generators.piece import ChordSpan, Piece, Track
from generators.theory import MODES, Chord, Key, diatonic_chord

PART_ROLES = ("drums", "bass", "melody", "chords", "pad")
DEFAULT_INSTRUMENT = {"drums": "drums", "bass": "electric bass", "melody": "piano", "chords": "piano", "pad": "strings"}


class EditError(ValueError):
    """The edit cannot apply to this piece; the message says why and what would work."""


def _retitle(piece: Piece) -> Piece:
    return piece.replace(title=title_for(piece.genre, piece.mood, piece.key.tonic))


def set_tempo(piece: Piece, bpm: float) -> Piece:
    if not 20 <= bpm <= 400:
        raise EditError(f"{bpm:g} BPM is outside what I can play (20 to 400)")
    return piece.replace(tempo_bpm=float(round(bpm, 1)))


def _move_notes(track: Track, pitch_map: Callable[[int], int]) -> Track:
    if track.is_drum:
        return track
    notes = tuple(dataclasses.replace(n, pitch=pitch_map(n.pitch)) for n in track.notes)
    return dataclasses.replace(track, notes=notes)


def transpose(piece: Piece, semitones: int) -> Piece:
    if not -24 <= semitones <= 24:
        raise EditError("I can transpose by up to two octaves (24 semitones) either way")
    chords = tuple(dataclasses.replace(c, chord=c.chord.transposed(semitones)) for c in piece.chords)
    tracks = tuple(_move_notes(t, lambda p: min(127, max(0, p + semitones))) for t in piece.tracks)
    return _retitle(piece.replace(key=piece.key.transposed(semitones), chords=chords, tracks=tracks))


def _degree_map(old: Key, new_mode: str) -> Callable[[int], int]:
    """Pitch → pitch moving each scale degree of `old` to the same degree of the new mode on the same tonic."""
    old_steps, new_steps = MODES[old.mode], MODES[new_mode]

    def move(pitch: int) -> int:
        rel = (pitch - old.pc) % 12
        if rel in old_steps:
            return pitch + new_steps[old_steps.index(rel)] - rel
        return pitch
    return move


def change_mode(piece: Piece, mode: str) -> Piece:
    """Major ↔ minor on the same tonic, with melody and harmony re-spelled degree by degree (not shifted)."""
    if mode == piece.key.mode:
        return piece
    move = _degree_map(piece.key, mode)
    new_key = Key(piece.key.tonic, mode)
    old_scale = piece.key.scale()

    def rechord(span: ChordSpan) -> ChordSpan:
        root = span.chord.root
        if root in old_scale:
            chord = diatonic_chord(new_key, old_scale.index(root), len(span.chord.pitch_classes()) > 3)
        else:
            chord = Chord(move(root + 12) % 12, span.chord.quality)
        return dataclasses.replace(span, chord=chord)
    tracks = tuple(_move_notes(t, move) for t in piece.tracks)
    return _retitle(piece.replace(key=new_key, tracks=tracks, chords=tuple(rechord(c) for c in piece.chords)))


def change_key(piece: Piece, key: Key) -> Piece:
    """To another tonic by the shorter way round, then to the asked mode."""
    shift = (key.pc - piece.key.pc) % 12
    shifted = transpose(piece, shift - 12 if shift > 6 else shift)
    moded = change_mode(shifted, key.mode)
    return _retitle(moded.replace(key=key))


def find_track(piece: Piece, name: str) -> Track | None:
    """A track by role ("bass") or instrument ("tenor sax"), or by a word of its name ("guitar")."""
    exact = next((t for t in piece.tracks if name in (t.role, t.name)), None)
    return exact or next((t for t in piece.tracks if name.split()[-1] in t.name.split()), None)


def track_named(piece: Piece, name: str) -> Track:
    """find_track, or EditError naming what the piece has."""
    track = find_track(piece, name)
    if track is None:
        raise EditError(f"there is no {name} in this piece; it has {', '.join(piece.instruments())}")
    return track


def replace_instrument(piece: Piece, old: str, new: str) -> Piece:
    track = track_named(piece, old)
    if track.is_drum:
        raise EditError("the drums are a kit, not an instrument I can swap; remove them or change the genre")
    program = styles.instruments().get(new)
    if program is None:
        raise EditError(f"I don't know the instrument '{new}'")
    tracks = tuple(dataclasses.replace(t, name=new, program=program) if t is track else t for t in piece.tracks)
    return piece.replace(tracks=tracks)


def _context(piece: Piece, genre: str | None = None) -> Context:
    return Context.of(piece, genre)


def _rng(piece: Piece, salt: str) -> random.Random:
    return random.Random(piece.seed ^ zlib.crc32(salt.encode()))


def role_of(thing: str) -> tuple[str, str]:
    """("drums", "drums"), ("bass", "electric bass"), ("melody", "tenor sax"): the part and its instrument."""
    if thing in PART_ROLES:
        return thing, DEFAULT_INSTRUMENT[thing]
    if thing not in styles.instruments():
        raise EditError(f"I don't know the instrument or part '{thing}'")
    if "bass" in thing:
        return "bass", thing
    if thing in ("strings", "slow strings", "synth strings", "choir", "warm pad"):
        return "pad", thing
    return "melody", thing


def add_part(piece: Piece, thing: str, instrument: str | None = None) -> Piece:
    """Add drums, bass, a melody (on an instrument), chords or a pad written for this piece's harmony."""
    role, default = role_of(thing)
    instrument = instrument or (dict(styles.genres()[piece.genre].parts).get(role) if thing in PART_ROLES else None) \
        or default
    existing = next((t for t in piece.tracks if t.role == role), None)
    if existing and (role in ("drums", "bass") or existing.name == instrument):
        raise EditError(f"it already has {existing.name if role != 'drums' else 'drums'}")
    if existing and role == "melody":  # "add a sax melody" when there is a melody: the sax takes the tune
        return replace_instrument(piece, existing.name, instrument)
    track = make_track(role, instrument, _context(piece), _rng(piece, f"add:{role}"))
    tracks = (track,) + piece.tracks if role == "drums" else piece.tracks + (track,)
    return piece.replace(tracks=tracks)


def remove_part(piece: Piece, thing: str) -> Piece:
    track = find_track(piece, thing)
    if track is None:
        raise EditError(f"there is no {thing} to take out; it has {', '.join(piece.instruments())}")
    if len(piece.tracks) == 1:
        raise EditError("that is the only part left; make a new piece instead")
    return piece.replace(tracks=tuple(t for t in piece.tracks if t is not track))


def restyle(piece: Piece, genre: str) -> Piece:
    """Another genre's accompaniment, instruments and tempo over the same harmony, keeping the melody."""
    g = styles.genres()[genre]
    ctx = _context(piece, genre)
    rng = _rng(piece, f"restyle:{genre}")
    melody = piece.track("melody")
    tracks = [make_track(role, inst, ctx, rng) for role, inst in g.parts if role != "melody"]
    if melody:
        tracks.insert(1, dataclasses.replace(melody, name=g.instrument("melody") or melody.name,
                                             program=styles.instruments()[g.instrument("melody") or melody.name]))
    if g.drums:
        tracks.insert(0, make_track("drums", "drums", ctx, rng))
    low, high = g.tempo
    tempo = piece.tempo_bpm if low <= piece.tempo_bpm <= high else round((low + high) / 2)
    return _retitle(piece.replace(genre=genre, tracks=tuple(tracks), tempo_bpm=float(tempo), swing=g.swing,
                                  style=(("reverb", g.reverb), ("chorus", g.chorus))))


def change_mood(piece: Piece, mood: str) -> Piece:
    """Tempo, dynamics and (where the mood leans strongly) the mode move toward the new mood."""
    old, new = styles.moods()[piece.mood], styles.moods()[mood]
    result = piece.replace(mood=mood, tempo_bpm=float(round(piece.tempo_bpm * new.tempo / old.tempo)))
    lean = dict(new.modes)
    if lean.get("minor", 0) >= 1.5 and piece.key.mode == "major":
        result = change_mode(result, "minor")
    elif lean.get("major", 0) >= 1.2 and piece.key.mode == "minor":
        result = change_mode(result, "major")
    shift = new.velocity - old.velocity

    def dyn(t: Track) -> Track:
        return dataclasses.replace(t, notes=tuple(dataclasses.replace(n, velocity=max(1, min(127, n.velocity + shift)))
                                                  for n in t.notes))
    return _retitle(result.replace(tracks=tuple(dyn(t) for t in result.tracks)))


def shift_part(piece: Piece, thing: str, semitones: int) -> Piece:
    """One part moved by octaves (or semitones), the key and the other parts unchanged."""
    track = track_named(piece, thing)
    if track.is_drum:
        raise EditError("drums have no octave to move")
    moved = _move_notes(track, lambda p: p + semitones)
    if any(not 12 <= n.pitch <= 115 for n in moved.notes):
        raise EditError(f"the {track.name} would go out of its range")
    return piece.replace(tracks=tuple(moved if t is track else t for t in piece.tracks))


def set_level(piece: Piece, thing: str, louder: bool) -> Piece:
    track = track_named(piece, thing)
    gain = min(2.0, track.gain * 1.4) if louder else max(0.1, track.gain / 1.4)
    return piece.replace(tracks=tuple(dataclasses.replace(t, gain=round(gain, 3)) if t is track else t
                                      for t in piece.tracks))


def _same_parts(original: Piece, new: Piece) -> Piece:
    """The new piece with the original's parts: same roles, instruments and levels, in the same order."""
    ctx = _context(new)
    tracks = []
    for old in original.tracks:
        fresh = next((t for t in new.tracks if t.role == old.role), None)
        if old.role in ("double", "counter"):
            from generators import layers

            fresh = layers.rebuild(new, old, new.seed ^ zlib.crc32(old.name.encode()))
        elif fresh is None:
            fresh = make_track(old.role, old.name, ctx, _rng(new, f"add:{old.role}"))
        tracks.append(dataclasses.replace(fresh, name=old.name, program=old.program, gain=old.gain, pan=old.pan))
    return new.replace(tracks=tuple(tracks), title=original.title)


def recompose(piece: Piece, duration_s: float | None = None, seed: int | None = None,
              time_signature: str | None = None) -> Piece:
    """The same request again at another length, meter or seed ("another one like this"), with the same parts. A
    piece on the user's tune keeps the tune: it plays as often as the length asks, in its own meter."""
    if is_hummed(piece):
        return _rearranged(piece, duration_s, seed, time_signature)
    new = compose(Request(genre=piece.genre, mood=piece.mood, key=piece.key.name, tempo_bpm=piece.tempo_bpm,
                          duration_s=duration_s or piece.duration_s, seed=piece.seed if seed is None else seed,
                          time_signature=time_signature or piece.time_signature))
    return _same_parts(piece, new)


def _tune(piece: Piece) -> HummedTune:
    tune = tune_in(piece)
    if tune is None:
        raise EditError("I can't find your tune in this piece any more: its verse is gone")
    return tune


def _rearranged(piece: Piece, duration_s: float | None, seed: int | None, time_signature: str | None) -> Piece:
    from generators.hum.arrange import piece_of

    if time_signature and time_signature != piece.time_signature:
        raise EditError(f"your tune keeps the time you sang it in ({piece.time_signature}); hum it again in "
                        f"{time_signature} for that")
    new = piece_of(_tune(piece), Request(genre=piece.genre, mood=piece.mood, seed=piece.seed if seed is None else seed),
                   seconds=duration_s)
    return _same_parts(piece, new)


def continue_tune(piece: Piece, seed: int) -> tuple[Piece, float]:
    """"Continue my tune": the tune and the learned model's answer to it become the melody played through the
    form; also the answer's length in beats. EditError where there is no model or no tune."""
    from generators.hum.arrange import piece_of
    from generators.hum.develop import continued
    from generators.learn import runtime

    model = runtime.available()
    if model is None:
        raise EditError(f"I can't continue your tune without the learned melody model ({runtime.status().detail})")
    tune = _tune(piece)
    longer = continued(tune, model, piece.genre, seed)
    new = piece_of(longer, Request(genre=piece.genre, mood=piece.mood, seed=piece.seed))
    return _same_parts(piece, new), longer.length_beats - tune.length_beats


def set_duration(piece: Piece, seconds: float) -> Piece:
    if not 2 <= seconds <= 600:
        raise EditError("I can make pieces from 2 seconds to 10 minutes long")
    return recompose(piece, duration_s=seconds)


def set_time_signature(piece: Piece, signature: str) -> Piece:
    return recompose(piece, time_signature=signature)

