"""The live screen's parts as rich renderables, built from values (assistant.ui.model) so they can be tested
without a terminal: status and microphone meter, the last exchange, now playing, the typing line."""
from __future__ import annotations

import math

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from assistant.ui.model import NowPlaying, Screen
from generators.piece import Piece

STATUS_STYLE = {"listening": "green", "hearing speech": "bold green", "transcribing": "yellow", "thinking": "yellow",
                "speaking": "cyan", "playing": "magenta", "paused": "dim magenta", "ready": "green"}
METER_CELLS = 16
MAX_TRACKS = 8
LABEL = 14
SPARK = " ▁▂▃▄▅▆▇█"


def clock(seconds: float) -> str:
    s = max(0, int(seconds))
    return f"{s // 60}:{s % 60:02d}"


def meter(level: float, cells: int = METER_CELLS) -> Text:
    """A microphone level (RMS, 0..1) as a bar over -60..0 dBFS."""
    db = 20 * math.log10(max(level, 1e-6))
    lit = max(0, min(cells, round((db + 60) / 60 * cells)))
    return Text.assemble(("█" * lit, "green" if db < -6 else "red"), ("░" * (cells - lit), "dim"), f" {db:4.0f} dB")


def status_line(state: str, level: float | None) -> Text:
    line = Text.assemble(("● ", STATUS_STYLE.get(state, "white")), (f"{state:<15}", "bold"))
    if level is not None:
        line.append("  mic ")
        line.append_text(meter(level))
    return line


def exchange(screen: Screen) -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column()
    if screen.heard:
        grid.add_row("you", screen.heard)
    if screen.intent is not None:
        it = screen.intent
        slots = "  ".join(f"{k}={v}" for k, v in it.slots.to_json().items() if v not in (None, [], (), False, ""))
        grid.add_row("intent", Text.assemble((it.name, "bold"), f" {it.confidence:.0%}  ", (slots, "cyan")))
    if screen.reply:
        grid.add_row("maestro", screen.reply)
    return grid


def activity(piece: Piece, cells: int) -> list[list[float]]:
    """For each track (up to MAX_TRACKS), how many notes start in each of `cells` equal slices of the piece,
    relative to the track's busiest slice (0 where it is silent)."""
    span = piece.length_beats / cells
    rows = []
    for track in piece.tracks[:MAX_TRACKS]:
        row = [0] * cells
        for note in track.notes:
            row[min(cells - 1, max(0, int(note.start / span)))] += 1
        top = max(row) or 1
        rows.append([n / top for n in row])
    return rows


def track_view(piece: Piece, position_s: float, width: int) -> Text:
    """One line per track, a sparkline of its notes over the whole piece (fills, breaks and sections show), with
    the playback position marked."""
    names = [t.name[:LABEL] for t in piece.tracks[:MAX_TRACKS]]
    label = max((len(n) for n in names), default=0) + 1
    cells = max(8, width - label)
    cursor = min(cells - 1, int(position_s / piece.duration_s * cells)) if piece.duration_s else 0
    out = Text()
    for name, row in zip(names, activity(piece, cells)):
        out.append(f"{name:<{label}}", "dim")
        for c, level in enumerate(row):
            mark = SPARK[max(1, round(level * (len(SPARK) - 1)))] if level else "·"
            out.append(mark, "reverse" if c == cursor else ("magenta" if c < cursor else "blue"))
        out.append("\n")
    out.rstrip()
    return out


def facts(now: NowPlaying, position_s: float) -> Text:
    """The title, and for maestro's own pieces what the score knows, with the chord sounding now."""
    line = Text(now.title, style="bold", overflow="ellipsis", no_wrap=True)
    p = now.piece
    if p is not None:
        line.append(f"\n{p.genre} · {p.mood} · {p.key.name} · {p.tempo_bpm:.0f} BPM · {p.time_signature}   chord ")
        line.append(p.chord_at(position_s) or "–", "bold yellow")
    return line


def now_playing(now: NowPlaying, position_s: float, paused: bool, width: int) -> Panel:
    inner = max(20, width - 4)
    time = f" {clock(position_s)} / {clock(now.duration_s)}"
    bar = Table.grid()
    bar.add_row(ProgressBar(total=max(now.duration_s, 1e-3), completed=min(position_s, now.duration_s),
                            width=max(10, inner - len(time))), time)
    parts: list[RenderableType] = [facts(now, position_s), bar]
    if now.piece is not None and now.piece.tracks:
        parts.append(track_view(now.piece, position_s, inner))
    title = "paused" if paused else "now playing"
    return Panel(Group(*parts), title=title, title_align="left", border_style="magenta", width=width)


def typing_line(typed: str) -> Text:
    return Text.assemble(("you> ", "bold"), typed, ("▌", "blink"))
