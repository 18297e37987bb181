"""`maestro generate [--genre G] [--mood M] [--key K] [--tempo BPM] [--duration S] [--seed N] -o OUT`."""
from __future__ import annotations

import re
from pathlib import Path

from assistant.commands.common import load_config
from assistant.errors import UserError


def _request(args):
    from generators import styles
    from generators.compose import Request
    from generators.theory import Key

    if args.genre and args.genre not in styles.GENRES:
        raise UserError(f"unknown genre '{args.genre}' (one of: {', '.join(styles.GENRES)})")
    if args.mood and args.mood not in styles.MOODS:
        raise UserError(f"unknown mood '{args.mood}' (one of: {', '.join(styles.MOODS)})")
    if args.key:
        try:
            Key.parse(args.key)
        except ValueError:
            raise UserError(f"'{args.key}' is not a key: write it like \"A minor\", \"F# major\" or "
                            "\"Bb minor\"") from None
    if args.tempo is not None and not 20 <= args.tempo <= 400:
        raise UserError("--tempo must be between 20 and 400 BPM")
    if args.duration is not None and not 1 <= args.duration <= 600:
        raise UserError("--duration must be between 1 and 600 seconds")
    if args.time_signature and not re.fullmatch(r"[1-9]/(2|4|8)", args.time_signature):
        raise UserError("--time-signature looks like 4/4, 3/4 or 6/8")
    return Request(genre=args.genre, mood=args.mood, key=args.key, tempo_bpm=args.tempo, duration_s=args.duration,
                   time_signature=args.time_signature, seed=args.seed)


def run(args) -> int:
    from generators import engine
    from generators.export import ExportError, format_of, write_audio, write_score
    from generators.master import master
    from generators.render import SAMPLE_RATE
    from generators.soundfont import SoundFontMissing

    out = Path(args.output).expanduser()
    try:
        fmt = format_of(out)
    except ExportError as exc:
        raise UserError(str(exc)) from None
    request = _request(args)
    config = load_config()
    music = engine.get(config.generator)
    piece = music.compose(request)
    try:
        if fmt in ("mid", "json"):
            write_score(piece, out)
        else:
            write_audio(master(engine.render(music, piece, config.soundfont), SAMPLE_RATE), SAMPLE_RATE, out)
    except (ExportError, SoundFontMissing) as exc:
        raise UserError(str(exc)) from None
    print(f"{piece.title}: {piece.key.name}, {piece.tempo_bpm:g} BPM, {piece.time_signature}, "
          f"{piece.duration_s:.1f} s, seed {piece.seed} → {out}")
    return 0
