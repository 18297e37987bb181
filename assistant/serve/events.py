"""Wyoming events read within limits. The `wyoming` package reads whatever lengths a header announces; a server open
to a network must not, so a header line, its data and its payload each have a ceiling, and anything malformed or
over one is a BadEvent, which closes that connection only (its reason goes to the log in one line)."""
from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass

from wyoming.event import Event


@dataclass(frozen=True)
class Limits:
    line_bytes: int = 1 << 16
    """A header line: asyncio's stream limit, so a longer one fails before it is buffered whole."""
    data_bytes: int = 1 << 16
    """The JSON data after a header (a transcript's text and context)."""
    payload_bytes: int = 1 << 22
    """One event's binary payload: 4 MiB holds two minutes of 16 kHz speech in one chunk."""
    audio_s: float = 60.0
    """One utterance sent to be transcribed, once at 16 kHz mono."""
    text_chars: int = 2000
    """A transcript to act on, or a text to speak."""


class BadEvent(Exception):
    """Why the connection's input cannot be read as Wyoming events."""


def _length(header: dict, key: str, ceiling: int) -> int:
    value = header.get(key) or 0
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise BadEvent(f"a malformed {key} ({value!r})")
    if value > ceiling:
        raise BadEvent(f"an event whose {key} of {value:,} bytes is over the limit of {ceiling:,}")
    return value


def _json_object(raw: bytes, what: str) -> dict:
    try:
        value = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BadEvent(f"a {what} that is not JSON") from None
    if not isinstance(value, dict):
        raise BadEvent(f"a {what} that is not a JSON object")
    return value


async def read_event(reader: asyncio.StreamReader, limits: Limits) -> Event | None:
    """The next event; None when the peer closed the connection between events."""
    try:
        line = await reader.readuntil(b"\n")
    except asyncio.IncompleteReadError as exc:
        if exc.partial.strip():
            raise BadEvent("a header line cut off by the end of the connection") from None
        return None
    except asyncio.LimitOverrunError:
        raise BadEvent(f"a header line longer than {limits.line_bytes:,} bytes") from None
    header = _json_object(line, "header")
    kind = header.get("type")
    if not isinstance(kind, str) or not kind:
        raise BadEvent("a header without a type")
    data = header.get("data") or {}
    if not isinstance(data, dict):
        raise BadEvent("data that is not a JSON object")
    data_length = _length(header, "data_length", limits.data_bytes)
    payload_length = _length(header, "payload_length", limits.payload_bytes)
    try:
        if data_length:
            data = {**data, **_json_object(await reader.readexactly(data_length), "data block")}
        payload = await reader.readexactly(payload_length) if payload_length else None
    except asyncio.IncompleteReadError:
        raise BadEvent("an event cut off by the end of the connection") from None
    return Event(type=kind, data=data, payload=payload)
