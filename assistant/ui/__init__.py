"""The terminal UI. On a terminal: a live `rich` screen (assistant.ui.live); otherwise, or with `--plain`, plain
lines (assistant.ui.plain). Both take the same events from the conversation: busy, partial, heard, understood,
reply, warn, playing, and both hand it the lines the user types."""
from __future__ import annotations

import sys


def open_ui(plain: bool = False):
    if plain or not (sys.stdout.isatty() and sys.stdin.isatty()):
        from assistant.ui.plain import PlainUI

        return PlainUI()
    from assistant.ui.live import LiveUI

    return LiveUI()
