"""What answers at a server address: a Socket.IO server, something else, or nothing.

The window hosts the bundled server when nothing listens at the default
address (http://localhost:3000). When something does, it used to connect and
retry forever, even when what listens there is another web server (a
development server on port 3000 is common) that will never speak Socket.IO.
One HTTP GET of the Engine.IO handshake (`<path>/?EIO=4&transport=polling`)
tells: a Socket.IO server answers with an Engine.IO open packet (`0{"sid":
...}`), or, if it takes websocket only, with Engine.IO's own 400 error;
anything else is described in words (its HTTP status and `Server`
header), so the window can say what is there and offer to host elsewhere.

No Qt here (the app layer's Qt-free part), and one short request with a
timeout; a probe that gets no answer in time decides nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from dataclasses import dataclass
from enum import Enum

import aiohttp
from PySide6.QtCore import QCoreApplication

from desktop_chat.protocol.urls import ServerUrl
from desktop_chat.ui.tr import fill

PROBE_TIMEOUT = 2.0  # seconds for the whole request; a local server answers in milliseconds
_READ_LIMIT = 4096  # an Engine.IO open packet is ~150 bytes
translate = QCoreApplication.translate


class Answer(Enum):
    SOCKET_IO = "socket.io"  # an Engine.IO v4 open packet
    OTHER = "other"  # something answered, and it is not a Socket.IO server
    NONE = "none"  # nothing answered in time (or nothing listens): no conclusion


@dataclass(frozen=True, slots=True)
class ProbeResult:
    answer: Answer
    detail: str  # what answered, in words, e.g. "HTTP 404 from nginx/1.25"

    def describe(self, url: str) -> str:
        """In the window's language (the detail is the server's own words)."""
        if self.answer is Answer.OTHER:
            text = translate("PortProbe", "%1 is not a Socket.IO server (%2)")
        elif self.answer is Answer.SOCKET_IO:
            text = translate("PortProbe", "%1 is a Socket.IO server")
        else:
            text = translate("PortProbe", "no answer from %1 (%2)")
        return fill(text, url, self.detail)


def handshake_url(url: ServerUrl, path: str) -> str:
    base = url.url.split("?", 1)[0].rstrip("/")
    return f"{base}{path.rstrip('/')}/?EIO=4&transport=polling"


def _engineio_refusal(status: int, body: bytes) -> bool:
    """Whether this is an Engine.IO server refusing the polling handshake, as a
    websocket-only one does: Node's engine.io answers 400 with `{"code": 0,
    "message": "Transport unknown"}`, python-engineio 400 with `"Invalid transport"`."""
    if status != 400:
        return False
    try:
        answer = json.loads(body)
    except ValueError:
        return False
    if isinstance(answer, dict):
        return isinstance(answer.get("code"), int) and isinstance(answer.get("message"), str)
    return isinstance(answer, str) and "transport" in answer.lower()


def _engineio_sid(body: bytes) -> str | None:
    """The sid of an Engine.IO v4 open packet (`0` then JSON with `sid`), else None."""
    if not body.startswith(b"0{"):
        return None
    try:
        packet = json.loads(body[1:].split(b"\x1e", 1)[0])
    except ValueError:
        return None
    sid = packet.get("sid") if isinstance(packet, dict) else None
    return sid if isinstance(sid, str) and sid else None


async def probe(url: ServerUrl, path: str, timeout: float = PROBE_TIMEOUT) -> ProbeResult:
    """Ask `url` for an Engine.IO handshake on `path` and say what answered."""
    target = handshake_url(url, path)
    try:
        async with asyncio.timeout(timeout), aiohttp.ClientSession() as http:
            async with http.get(target, allow_redirects=False) as response:
                body = await response.content.read(_READ_LIMIT)
                server = response.headers.get("Server", "")
                status = response.status
            sid = _engineio_sid(body) if status == 200 else None
            if sid is not None:
                # Let the session go at once instead of at the server's ping timeout.
                with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                    async with http.post(f"{target}&sid={sid}", data=b"1"):
                        pass
    except TimeoutError:
        return ProbeResult(Answer.NONE, f"no answer within {timeout:g} s")
    except aiohttp.ClientConnectorError as exc:
        return ProbeResult(Answer.NONE, f"cannot connect: {exc.os_error.strerror or exc}")
    except (aiohttp.ClientError, ValueError) as exc:
        # It accepted the connection but did not answer in HTTP (or sent garbage).
        return ProbeResult(Answer.OTHER, f"it does not answer in HTTP: {type(exc).__name__}")
    if sid is not None:
        return ProbeResult(Answer.SOCKET_IO, f"Engine.IO session {sid}")
    if _engineio_refusal(status, body):
        return ProbeResult(Answer.SOCKET_IO, "an Engine.IO server that takes websocket only")
    what = f"HTTP {status}" + (f" from {server}" if server else "")
    return ProbeResult(Answer.OTHER, f"it answered {what} instead of an Engine.IO handshake")


def free_port(host: str = "127.0.0.1") -> int:
    """A port on `host` that nothing listens on right now (the OS picks it)."""
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])
