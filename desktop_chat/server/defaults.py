"""The server's defaults and the limits derived from them, apart from the server itself
(chat_server.py re-exports the names its callers import from it)."""

from __future__ import annotations

from pathlib import Path

import platformdirs

from desktop_chat.server.retention import Retention

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 3000
# Connections the kernel holds for the server to accept (listen(2)'s backlog,
# capped by net.core.somaxconn). aiohttp's default, 128, overflows when
# thousands of clients come back at once after a restart: the kernel drops
# their SYNs and each retries only after 1, 2, 4 ... s (a 15,000-client
# reconnect storm took minutes, mostly waiting). Node listens with 511.
LISTEN_BACKLOG = 4096
MAX_NAME_CHARS = 64
MAX_ID_CHARS = 128
MAX_CLIENT_KEY_CHARS = 128
# The client keys of connections that gave none: this prefix and their sid.
# The sid is public (meta.from.sid, presence, typing), so the key made from
# it must be one no client can give: a given key with this prefix is refused.
KEYLESS_PREFIX = "~"
# Framing and the other arguments of a send-message packet around its text:
# room and opts.id (at most 128 characters each, 6 bytes apiece escaped).
PACKET_SLACK = 64 * 1024
# Socket.IO's JSON escapes every character outside ASCII (and the controls):
# one UTF-8 byte of text takes at most 6 bytes on the wire (`\u0001`; a
# Hangul syllable, 3 bytes in UTF-8, is `\uXXXX`, 6).
WIRE_BYTES_PER_UTF8_BYTE = 6


def default_max_packet_bytes(max_message_bytes: int) -> int:
    """The smallest packet limit under which every message the server takes fits."""
    return max_message_bytes * WIRE_BYTES_PER_UTF8_BYTE + PACKET_SLACK


def client_key(given: object, sid: str) -> str:
    """The key a connection is known by: its `auth.client` when that is a
    valid one, else a key of its own that no client can choose."""
    if (
        isinstance(given, str)
        and 0 < len(given) <= MAX_CLIENT_KEY_CHARS
        and not given.startswith(KEYLESS_PREFIX)
    ):
        return given
    return KEYLESS_PREFIX + sid


def dedup_seconds(retention: Retention) -> float:
    """How long a sender's opts.id is remembered on Redis: as long as messages
    are kept by age, else 30 days (a resend comes within minutes, not months)."""
    return (retention.days or 30.0) * 86400


def default_db_path(port: int) -> Path:
    """One database per port, so two servers on one machine keep apart."""
    data = Path(platformdirs.user_data_dir("desktop-chat", appauthor=False))
    return data / f"server-{port}.db"
