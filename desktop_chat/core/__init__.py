"""The network core: plain asyncio, no Qt, so it is tested without a window."""

import engineio.payload

# python-engineio decodes at most 16 packets from one long-polling HTTP body
# and treats more as an error: the client drops its connection when a busy
# room fills one response, and the server rejects a client's POST that
# batches its queued messages (socket.io-client does). The limit is a class
# attribute, the library's documented knob; the HTTP body stays bounded by the
# server's max_http_buffer_size. Set here, once, for the client and the server.
engineio.payload.Payload.max_decode_packets = max(
    engineio.payload.Payload.max_decode_packets, 100_000
)
