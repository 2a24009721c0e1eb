"""HTTP-level guards of desktop-chat-server (issue #22): which `Host` it
answers to.

DNS rebinding: a page on attacker.example can point its own name at
127.0.0.1 after the browser loaded it. Its requests then reach a loopback
server with `Origin` and `Host` both `attacker.example:PORT`, which the
same-origin check of engine.io accepts (origin and host agree), and the page
could read the stored history. A server answers only to the names it is
known by: on loopback, the loopback names; elsewhere the names given with
`--allowed-host` (none given: any name, since the server cannot know which
names point at it; docs/security.md says to give them).
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Awaitable, Callable, Iterable

from aiohttp import web

log = logging.getLogger(__name__)

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
MISDIRECTED = 421  # RFC 9110: "not able to produce a response for this target"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def is_loopback(host: str) -> bool:
    """Whether a bind address (or host name) can only be reached from this machine."""
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_name(header: str) -> str:
    """The name in a `Host` header, without its port, lower case
    ("[::1]:3000" -> "::1", "Example.org.:80" -> "example.org")."""
    header = header.strip()
    if header.startswith("["):
        return header[1 : header.find("]")].lower() if "]" in header else header.lower()
    name = header.rsplit(":", 1)[0] if header.count(":") == 1 else header
    return name.lower().rstrip(".")


def allowed_names(bound: str, given: Iterable[str]) -> frozenset[str] | None:
    """The `Host` names a server bound to `bound` answers to; None: any.

    The bind address itself is always one; a loopback server adds the
    loopback names, so the one-command start needs no option.
    """
    names = {host_name(name) for name in given if name.strip()}
    if is_loopback(bound):
        names |= LOOPBACK_NAMES
    elif not names:
        return None
    names.add(host_name(bound) if not bound.count(":") > 1 else bound.lower())
    return frozenset(names)


class HostGuard:
    """An aiohttp middleware refusing requests for names the server is not."""

    def __init__(self) -> None:
        self.names: frozenset[str] | None = None  # set when the server knows where it listens
        self._said: set[str] = set()  # refused names already logged (one line each)

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        names = self.names
        header = request.headers.get("Host")
        # No Host at all: not a browser (every browser sends one), so not rebinding.
        if names is None or header is None or host_name(header) in names:
            return await handler(request)
        name = host_name(header)[:100]
        if name not in self._said and len(self._said) < 100:
            self._said.add(name)
            log.warning("refused requests for host %r (not an allowed host name)", name)
        return web.json_response(
            {
                "error": "this server does not answer to that host name "
                "(its operator can allow it with --allowed-host)",
                "code": "bad-host",
            },
            status=MISDIRECTED,
        )
