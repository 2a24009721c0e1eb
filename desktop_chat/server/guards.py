"""HTTP-level guards of desktop-chat-server (issue #22): which `Host` it
answers to, and long-polling bodies read whole (or refused at once when too long).

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

import asyncio
import ipaddress
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from aiohttp import web
from engineio import exceptions as eio_exceptions

from desktop_chat.protocol import engineio_reach

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


def names_this_machine(name: str) -> bool:
    """A name no one else can point at this machine: a loopback address
    (127.0.0.0/8, ::1), 0.0.0.0 (which Linux routes here), or a name under
    `.localhost` (RFC 6761: resolved locally, never by DNS)."""
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


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

    def allows(self, header: str | None) -> bool:
        """Whether a request with this `Host` header is answered (a refused
        name is logged once); server/lean_websocket.py asks it too."""
        names = self.names
        # No Host at all: not a browser (every browser sends one), so not rebinding.
        if names is None or header is None or host_name(header) in names:
            return True
        if names >= LOOPBACK_NAMES and names_this_machine(host_name(header)):
            return True
        name = host_name(header)[:100]
        if name not in self._said and len(self._said) < 100:
            self._said.add(name)
            log.warning("refused requests for host %r (not an allowed host name)", name)
        return False

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if self.allows(request.headers.get("Host")):
            return await handler(request)
        return web.json_response(
            {
                "error": "this server does not answer to that host name "
                "(its operator can allow it with --allowed-host)",
                "code": "bad-host",
            },
            status=MISDIRECTED,
        )


# ---- who is connecting --------------------------------------------------------


def client_address(request: object, trusted_proxies: frozenset[str]) -> str:
    """The address a connection comes from: the TCP peer's, or, when the
    peer is a proxy the operator named (`--trusted-proxy`), the address that
    proxy saw (the last `X-Forwarded-For` entry not itself a trusted proxy).
    Anyone else's `X-Forwarded-For` is ignored: it is whatever they wrote."""
    peer = str(getattr(request, "remote", "") or "")
    if peer not in trusted_proxies:
        return peer
    headers = getattr(request, "headers", {})
    forwarded = [part.strip() for part in str(headers.get("X-Forwarded-For", "")).split(",")]
    for hop in reversed(forwarded):
        if hop and hop not in trusted_proxies:
            return hop[:64]
    return peer


class AddressCount:
    """Open connections per address, against `max_connections_per_address`."""

    def __init__(self, most: int) -> None:
        self.most = most
        self._open: dict[str, int] = {}

    def take(self, address: str) -> bool:
        count = self._open.get(address, 0)
        if self.most and count >= self.most:
            return False
        self._open[address] = count + 1
        return True

    def release(self, address: str) -> None:
        count = self._open.get(address, 0) - 1
        if count > 0:
            self._open[address] = count
        else:
            self._open.pop(address, None)

    def __getitem__(self, address: str) -> int:
        return self._open.get(address, 0)


# ---- long-polling bodies ------------------------------------------------------

BODY_TIMEOUT = 30.0  # seconds for a long-polling POST body to arrive whole


class WholeBody:
    """engine.io's view of a long-polling POST body, read to its end.

    python-engineio's aiohttp driver reads a POST with
    `request.content.read(CONTENT_LENGTH)`, which returns what has arrived
    so far: a 200 kB message was cut and never arrived ("Unterminated
    string"), though the server announces 1 MB as acceptable (issue #22;
    docs/interop.md, finding on python-engineio). engine.io has checked the
    length against its limit before it reads. A body that stops half way or
    takes longer than `timeout` ends that session as a transport error.
    """

    def __init__(self, content: Any, timeout: float) -> None:
        self._content = content
        self._timeout = timeout

    async def read(self, count: int = -1) -> bytes:
        try:
            if count < 0:
                return bytes(await asyncio.wait_for(self._content.read(), self._timeout))
            return bytes(await asyncio.wait_for(self._content.readexactly(count), self._timeout))
        except (asyncio.IncompleteReadError, TimeoutError) as exc:
            raise eio_exceptions.EngineIOError("the request body did not arrive whole") from exc


TOO_LARGE = 413


def refuse_oversized_posts(eio: Any, path: str) -> Any:
    """An aiohttp middleware answering a long-polling POST longer than
    engine.io takes with 413 at once, its session closed, the connection too.

    engine.io refuses such a POST by disconnecting the session and waiting
    for its CLOSE packet to be polled; a client with no GET pending (found
    by bench.soak: a 7 MB POST from a client that never polls) waited 300 s
    for an answer that never came, its connection held open meanwhile.
    """
    prefix = "/" + path.strip("/")

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        size = request.content_length
        if (
            request.method != "POST"
            or size is None
            or size <= eio.max_http_buffer_size
            or not request.path.startswith(prefix)
        ):
            return await handler(request)
        socket = eio.sockets.get(request.query.get("sid", ""))
        if socket is not None:  # its CLOSE is queued; nothing waits for a GET to take it
            await socket.close(wait=False, reason=eio.reason.TRANSPORT_ERROR)
            eio.sockets.pop(socket.sid, None)
        response = web.json_response(
            {
                "error": f"the request is {size} bytes; this server takes at most "
                f"{eio.max_http_buffer_size - 1}",
                "code": "too-large",
            },
            status=TOO_LARGE,
        )
        response.force_close()
        return response

    return middleware


def read_bodies_whole(eio: Any, timeout: float = BODY_TIMEOUT) -> None:
    """Wrap engine.io's request translation so that POST bodies are read whole."""

    def whole(translate: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        def translate_whole(*args: Any, **kwargs: Any) -> dict[str, Any]:
            environ: dict[str, Any] = translate(*args, **kwargs)
            if environ.get("REQUEST_METHOD") == "POST":
                environ["wsgi.input"] = WholeBody(environ["wsgi.input"], timeout)
            return environ

        return translate_whole

    engineio_reach.wrap_driver(eio, "translate_request", whole)
