"""Process-wide settings of the Socket.IO stack, made by one explicit call.

python-engineio decodes at most 16 packets from one long-polling HTTP body
and treats more as an error: the client drops its connection when a busy
room fills one response, and the server rejects a client's POST that
batches its queued messages (socket.io-client does). The limit is a class
attribute, the library's documented knob, so it holds for the whole
process; the HTTP body stays bounded by the server's max_http_buffer_size.

`configure_engineio()` is called once at start by whatever runs a client or
a server (the app's `run`, `desktop-chat-server`'s `main`, the test and
bench harnesses): importing a module changes nothing.
"""

from __future__ import annotations

import engineio.payload

from desktop_chat.protocol.reaches import check_reaches

MAX_DECODE_PACKETS = 100_000


def configure_engineio() -> None:
    """Let one long-polling body carry many packets (idempotent), after checking
    that the libraries whose internals the code uses are as it expects
    (protocol/reaches.py: a library that moved fails here, at start)."""
    check_reaches()
    payload = engineio.payload.Payload
    payload.max_decode_packets = max(payload.max_decode_packets, MAX_DECODE_PACKETS)
