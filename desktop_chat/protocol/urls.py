"""Server addresses as the user types them, checked before any socket opens."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from enum import Enum
from urllib.parse import urlsplit, urlunsplit

DEFAULT_URL = "http://localhost:3000"
DEFAULT_PATH = "/socket.io"


class UrlProblem(Enum):
    """What is wrong with an address, for a window to say in its language."""

    EMPTY = "empty"
    SPACES = "spaces"
    MALFORMED = "malformed"  # detail: the URL parser's text
    SCHEME = "scheme"  # detail: the scheme given
    NO_HOST = "no-host"
    CREDENTIALS = "credentials"
    HAS_PATH = "has-path"  # detail: the path given
    PORT_ZERO = "port-zero"
    EMPTY_PATH = "empty-path"  # the Socket.IO path


class InvalidServerUrl(ValueError):
    """The address cannot name a Socket.IO server. `problem` says why, with the
    address as typed and a `detail`, for the window to word
    (ui/notice_text.py); the message is the same in English, for a command line."""

    def __init__(
        self, message: str, problem: UrlProblem, address: str = "", detail: str = ""
    ) -> None:
        super().__init__(message)
        self.problem = problem
        self.address = address
        self.detail = detail


@dataclass(frozen=True, slots=True)
class ServerUrl:
    url: str  # scheme://host[:port] plus any query, without the Engine.IO path
    host: str
    port: int
    scheme: str

    @property
    def is_loopback(self) -> bool:
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False


@dataclass(frozen=True, slots=True)
class ServerTarget:
    """A server as a client reaches it: its address and its Socket.IO path.

    The one place the path travels with the address: the same URL with
    another path is another server (its own outbox, its own offsets).
    """

    url: ServerUrl
    path: str = DEFAULT_PATH

    @property
    def key(self) -> str:
        """Names the server in what is kept on disk (outbox, offsets, settings)."""
        return f"{self.url.url}{self.path}"


def parse_server_url(text: str) -> ServerUrl:
    """Normalise what the user typed into an http(s) URL, or say what is wrong.

    `localhost:3000` gains `http://`; `ws://` and `wss://` are read as the
    http(s) address they upgrade from, since Socket.IO starts over HTTP.
    """
    raw = text.strip()
    if not raw:
        raise InvalidServerUrl("The server address is empty.", UrlProblem.EMPTY)
    if any(ch.isspace() for ch in raw):
        raise InvalidServerUrl(
            f"The server address {raw!r} contains spaces.", UrlProblem.SPACES, raw
        )
    if "://" not in raw:
        raw = "http://" + raw
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as exc:
        raise InvalidServerUrl(
            f"The server address {text.strip()!r} is malformed: {exc}.",
            UrlProblem.MALFORMED,
            text.strip(),
            str(exc),
        ) from None
    scheme = {"ws": "http", "wss": "https"}.get(parts.scheme.lower(), parts.scheme.lower())
    if scheme not in ("http", "https"):
        raise InvalidServerUrl(
            f"The server address {text.strip()!r} uses {parts.scheme!r}; "
            "only http://, https://, ws:// and wss:// are supported.",
            UrlProblem.SCHEME,
            text.strip(),
            parts.scheme,
        )
    host = parts.hostname or ""
    if not host:
        raise InvalidServerUrl(
            f"The server address {text.strip()!r} names no host.", UrlProblem.NO_HOST, text.strip()
        )
    if parts.username or parts.password:
        raise InvalidServerUrl(
            "The server address must not contain a user name or password.",
            UrlProblem.CREDENTIALS,
        )
    if parts.path not in ("", "/"):
        raise InvalidServerUrl(
            f"The server address {text.strip()!r} has a path ({parts.path!r}); "
            "give the Socket.IO path separately (--path), e.g. /chat/socket.io.",
            UrlProblem.HAS_PATH,
            text.strip(),
            parts.path,
        )
    if port is None:
        port = 443 if scheme == "https" else 80
    if port == 0:
        raise InvalidServerUrl(
            f"The server address {text.strip()!r} has port 0.", UrlProblem.PORT_ZERO, text.strip()
        )
    netloc = parts.netloc.rsplit("@", 1)[-1]
    url = urlunsplit((scheme, netloc, "", parts.query, ""))
    return ServerUrl(url=url, host=host, port=port, scheme=scheme)


def normalize_path(path: str) -> str:
    """The Engine.IO path with one leading slash, as both server kinds expect it."""
    cleaned = path.strip().strip("/")
    if not cleaned:
        raise InvalidServerUrl("The Socket.IO path is empty.", UrlProblem.EMPTY_PATH)
    return "/" + cleaned
