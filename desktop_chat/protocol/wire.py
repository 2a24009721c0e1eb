"""How big an event is on the wire, counted as python-socketio encodes it.

A server's size limit applies to the encoded engine.io packet, not to the
text: Socket.IO's JSON escapes everything outside ASCII, so a Hangul
syllable (3 bytes in UTF-8) takes 6 bytes (`\\uXXXX`), a control character
(1 byte) up to 6, a character outside the BMP (4 bytes) 12, a surrogate
pair of escapes. desktop-chat-server states the largest packet it takes as
`max_packet_bytes` in `server-info`; a client that checks this size before
sending can refuse a message in words instead of having its connection
closed by the server's engine.io.

The packet of `emit(event, args)` from a python-socketio client on the
default namespace is the engine.io type `4` (message), the Socket.IO type
`2` (event), the ack id's digits when a reply is asked for, then
`json.dumps([event, *args], separators=(",", ":"))`, which is ASCII.
tests/server/test_packet_size.py checks this against the packets a real
client sends.
"""

from __future__ import annotations

import json

# engine.io "message" + Socket.IO "event", one character each.
_PACKET_TYPES = 2


def encoded_packet_size(event: str, args: tuple[object, ...], ack_id: int | None = 0) -> int:
    """Bytes of the engine.io packet that `emit(event, args)` sends.

    `ack_id` is the id of the reply asked for (python-socketio counts them
    from 1 per connection and namespace), or None for an emit without one.
    The default, 0, counts one digit; pass the real id, or a large one for a
    bound, when the digits matter. Raises TypeError for arguments JSON
    cannot encode (python-socketio would send bytes as binary attachments,
    which this does not count).
    """
    body = json.dumps([event, *args], separators=(",", ":"))
    digits = 0 if ack_id is None else len(str(ack_id))
    return _PACKET_TYPES + digits + len(body)
