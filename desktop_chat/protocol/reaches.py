"""Where the code leans on a library's internals: one module per library
lists each reach and checks, at start, that the library is still as it was
written against (`check_reaches`, called by `configure_engineio` when an app,
a server, a test or a bench starts).

- protocol/engineio_reach.py: python-engineio (its driver table `_async`,
  the aiohttp driver's `_sock`, the client's `_send_packet` /
  `_receive_packet` / `_read_loop_websocket`, a socket's queue and state)
  and python-socketio's (its manager's books; the client's event lookup,
  client/lean_client.py);
- protocol/asyncio_reach.py: asyncio (the loop's `_ready` / `_scheduled`
  and its handles' `_run` / `_cancelled` / `_scheduled`, app/loop.py; an
  `asyncio.Queue`'s `_getters`, server/fanout.py);
- server/aiohttp_reach.py: aiohttp (frames written to a websocket's
  connection beside its `WebSocketWriter`, server/fanout.py); checked when
  the server's client manager is made.

A library that moved fails loudly (`LibraryMovedError`, naming the library,
the version installed and the versions the reach was checked on) rather
than misbehaving quietly in a busy room.
"""

from __future__ import annotations

from importlib import metadata


class LibraryMovedError(RuntimeError):
    """A library whose internals we use is not the one we checked them on."""


def _release(version: str) -> tuple[int, ...]:
    parts: list[int] = []
    for piece in version.split("."):
        digits = "".join(ch for ch in piece if ch.isdigit()) if piece[:1].isdigit() else ""
        if not digits:
            break
        parts.append(int(digits))
        if digits != piece:
            break
    return tuple(parts)


def installed(distribution: str) -> str:
    """The installed version of a distribution, "" when it is not installed."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return ""


def require_version(distribution: str, low: str, below: str, reach: str) -> None:
    """Fail unless `low <= version < below` (the range the reach was checked on)."""
    version = installed(distribution)
    if not version or not _release(low) <= _release(version) < _release(below):
        raise LibraryMovedError(
            f"{distribution} {version or '(not installed)'} is installed, but desktop-chat "
            f"uses its internals ({reach}) as they are in {distribution} >={low},<{below}; "
            f"install a version in that range (pyproject.toml)"
        )


def require(found: bool, distribution: str, what: str) -> None:
    """Fail when an internal the code uses is not where it was."""
    if not found:
        version = installed(distribution) or "(version unknown)"
        raise LibraryMovedError(
            f"{distribution} {version} has no {what}, which desktop-chat uses; "
            f"install a version in the range pyproject.toml gives"
        )


def check_reaches() -> None:
    """Every reach below the server's own (engine.io's, asyncio's)."""
    from desktop_chat.protocol import asyncio_reach, engineio_reach

    engineio_reach.check()
    asyncio_reach.check()
