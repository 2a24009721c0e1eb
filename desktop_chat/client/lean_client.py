"""python-socketio's AsyncClient without a task and a JSON decoder per event.

Under a flood (issue #23) the window's thread spends more on asyncio than on
the chat: python-engineio hands every received message to python-socketio
in a task of its own (`_trigger_event(..., run_async=True)`: a coroutine, a
task, a handle through the loop's Python `call_soon`, a step), and
python-engineio's `json.loads` makes a new `JSONDecoder` at every call (it
passes `parse_int`). Here:

- an event packet (no ack asked, no binary attachments) whose handler is a
  plain function is decoded and handed to the handler at once, in the read
  loop, in the order it came; anything else (connect, disconnect, acks,
  binary, a coroutine handler, an ack to send) takes the library's own path.
  While a packet of the library's path is still being handled, the next ones
  take it too, so nothing overtakes a packet received before it;
- a packet's JSON is read by one decoder made once, with python-engineio's
  own guard on the length of an integer.

A handler's exception is logged and the connection goes on, as it does in
the library's task. The internals used (python-engineio's
`AsyncClient._receive_packet`, python-socketio's `_get_event_handler`,
`_binary_packet`, `_engineio_client_class`, `packet_class`) are listed and
checked at start in protocol/engineio_reach.py.
"""

from __future__ import annotations

import inspect
import json
import logging
from typing import Any

import engineio
import socketio
from engineio import json as engineio_json
from engineio import packet as eio_packet
from socketio import packet as sio_packet

log = logging.getLogger(__name__)


class _Json:
    """The `json` a packet class reads with: python-engineio's rules, one decoder."""

    _decoder = json.JSONDecoder(parse_int=engineio_json._safe_int)
    loads = _decoder.decode
    dumps = staticmethod(json.dumps)


class LeanPacket(sio_packet.Packet):
    """python-socketio's packet, read by `_Json` (this class only: not the library's)."""

    json = _Json


class _LeanEngineClient(engineio.AsyncClient):
    """Hands a message packet to `fast_message` first; the library's path if it declines."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fast_message: Any = None  # str -> bool, set by LeanClient
        self._slow = 0  # packets handed to the library's task path, not yet handled

    async def _receive_packet(self, pkt: Any) -> None:
        if (
            pkt.packet_type == eio_packet.MESSAGE
            and not self._slow
            and self.fast_message is not None
            and self.fast_message(pkt.data)
        ):
            return
        if pkt.packet_type != eio_packet.MESSAGE:
            await super()._receive_packet(pkt)
            return
        task = await self._trigger_event("message", pkt.data, run_async=True)
        if task is not None:
            self._slow += 1
            task.add_done_callback(self._slow_done)

    def _slow_done(self, _task: Any) -> None:
        self._slow -= 1


class LeanClient(socketio.AsyncClient):
    """`socketio.AsyncClient` whose plain event handlers run without a task per event."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("serializer", LeanPacket)
        super().__init__(*args, **kwargs)
        self.eio.fast_message = self._fast_message

    def _engineio_client_class(self) -> type[engineio.AsyncClient]:
        return _LeanEngineClient

    def _fast_message(self, data: object) -> bool:
        """Handle an event packet now; False to leave it to the library."""
        if (
            self._binary_packet is not None
            or not isinstance(data, str)
            or data[:1] != "2"  # an EVENT packet (not BINARY_EVENT, CONNECT, ACK...)
        ):
            return False
        try:
            pkt = self.packet_class(encoded_packet=data)
        except Exception:  # bad JSON, a 100-digit integer, too deep: refused
            return False  # by the library's path as before (and logged there)
        if pkt.id is not None or not isinstance(pkt.data, list) or not pkt.data:
            return False  # an ack to send, or a packet the library will refuse
        if pkt.data[0] in self.reserved_events:
            return False
        handler, args = self._get_event_handler(
            pkt.data[0], pkt.namespace or "/", tuple(pkt.data[1:])
        )
        if handler is None or inspect.iscoroutinefunction(handler):
            return False
        try:
            handler(*args)
        except Exception:
            log.exception("%s handler error", pkt.data[0])
        return True
