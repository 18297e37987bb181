"""The address `maestro serve` listens on, checked, and the serving loop on the `wyoming` package's server classes.
Wyoming has no authentication: a client can play music on this machine and hear what it transcribes, so only
loopback (or a Unix socket) is served unless the user says otherwise, and then one warning line says what that means."""
from __future__ import annotations

import asyncio
import ipaddress
import signal
from functools import partial
from urllib.parse import urlparse

from assistant.errors import UserError
from assistant.serve.events import Limits


def check_address(uri: str, allow_remote: bool) -> str | None:
    """None when `uri` is a loopback or Unix address; the warning to print when it is another address and
    allow_remote is set. Raises UserError for a malformed URI, or another address without allow_remote."""
    from assistant.config import valid_uri

    if not valid_uri(uri):
        raise UserError(f"--uri must be tcp://host:port or unix:///path, not {uri!r}")
    parsed = urlparse(uri)
    if parsed.scheme == "unix" or _loopback(parsed.hostname or ""):
        return None
    if not allow_remote:
        raise UserError(f"{uri} is reachable from other machines; add --allow-remote to serve it there")
    return (f"serving on {parsed.hostname}:{parsed.port}: any machine that reaches it can play music here and have "
            "its speech transcribed (Wyoming has no authentication)")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


async def serve(uri: str, host, limits: Limits, ready) -> None:
    """Serve until SIGTERM or SIGINT; `ready()` is called once the address is bound."""
    from wyoming.server import AsyncServer

    from assistant.serve.connection import Connection
    from assistant.serve.info import describe

    info = describe(host.config.asr_model, host.voice_name)
    server = AsyncServer.from_uri(uri)
    try:
        await server.start(partial(Connection, host=host, limits=limits, info=info))
    except OSError as exc:
        raise UserError(f"cannot listen on {uri}: {exc.strerror or exc}") from None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    ready()
    try:
        await stop.wait()
    finally:
        await server.stop()
