"""python-socketio's AsyncClient without a task, a `wait_for` and a JSON decoder per packet.

Under a flood (issue #23) the window's thread spent more on asyncio than on
the chat: python-engineio's client waits for each websocket packet in an
`asyncio.wait_for` (a task, a future, a timer, three turns of the loop),
hands each message to python-socketio in a task of its own
(`_trigger_event(..., run_async=True)`), every handle of which goes through
the window loop's Python `call_soon`; and python-engineio's `json.loads`
makes a new `JSONDecoder` at every call (it passes `parse_int`). Here, once
the app has taken the connection (`LeanClient.go_lean`):

- an event packet (no ack asked, no binary attachments) whose handler is a
  plain function is decoded and handed to the handler at once, in the read
  loop, in the order it came; anything else (connect, disconnect, acks,
  binary, a coroutine handler, an ack to send) takes the library's own path.
  While a packet of the library's path is still being handled, the next ones
  take it too, so nothing overtakes a packet received before it;
- the websocket is read without a `wait_for` per packet (`_Silence`: one
  timer for a server gone quiet), and the loop turns every `TURN_SECONDS`
  while a burst already read is handed on;
- a packet's JSON is read by one decoder made once, with python-engineio's
  own guard on the length of an integer.

A handler's exception is logged and the connection goes on, as it does in
the library's task. The internals used are listed and checked at start in
protocol/engineio_reach.py. Measured in docs/performance.md ("The socket
layer under a flood").
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import logging
from typing import Any

import aiohttp
import engineio
import socketio
from engineio import base_client as eio_base_client
from engineio import json as engineio_json
from engineio import packet as eio_packet
from socketio import packet as sio_packet

log = logging.getLogger(__name__)

TURN_SECONDS = 0.002  # the read loop lets the event loop turn at least this often


class _Json:
    """The `json` a packet class reads with: python-engineio's rules, one decoder."""

    _decoder = json.JSONDecoder(parse_int=engineio_json._safe_int)
    loads = _decoder.decode
    dumps = staticmethod(json.dumps)


class LeanPacket(sio_packet.Packet):
    """python-socketio's packet, read by `_Json` (this class only: not the library's)."""

    json = _Json


class _LeanEngineClient(engineio.AsyncClient):
    """Hands a message packet to `fast_message` first (once set: `LeanClient.go_lean`);
    the library's path if it declines."""

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
        if task is not None and self.fast_message is not None:
            self._slow += 1
            task.add_done_callback(self._slow_done)

    def _slow_done(self, _task: Any) -> None:
        self._slow -= 1

    async def _read_loop_websocket(self) -> None:
        """python-engineio's read loop, without a `wait_for` per packet.

        The library waits for each packet with `asyncio.wait_for` (a task, a
        future, a timer and three turns of the loop a packet, most of what
        is left of python-engineio's cost under a flood). Here a packet
        already read off the socket is taken at once, and one timer checks
        at the deadline whether anything came since (`_Silence`): the
        server that says nothing for `ping_interval + ping_timeout` seconds
        is given up on, as before. The rest is the library's loop as written.
        """
        silence = _Silence(self.ping_interval + self.ping_timeout)
        try:
            while self.state == "connected" and self.write_loop_task:
                try:
                    p = await silence.receive(self.ws, lean=self.fast_message is not None)
                    if not isinstance(p.data, str | bytes):
                        self.logger.warning(
                            "Server sent %s packet data %s, aborting",
                            "close"
                            if p.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSING)
                            else str(p.type),
                            str(p.data),
                        )
                        await self.queue.put(None)
                        break  # the connection is broken
                    data = p.data
                except TimeoutError:
                    self.logger.warning("Server has stopped communicating, aborting")
                    await self.queue.put(None)
                    break
                except aiohttp.client_exceptions.ServerDisconnectedError:
                    self.logger.info("Read loop: WebSocket connection was closed, aborting")
                    await self.queue.put(None)
                    break
                except Exception as e:
                    self.logger.info('Unexpected error receiving packet: "%s", aborting', str(e))
                    await self.queue.put(None)
                    break
                try:
                    pkt = eio_packet.Packet(encoded_packet=data)
                except Exception as e:
                    self.logger.info('Unexpected error decoding packet: "%s", aborting', str(e))
                    await self.queue.put(None)
                    break
                await self._receive_packet(pkt)
        finally:
            silence.stop()
        if self.write_loop_task:
            self.logger.info("Waiting for write loop task to end")
            await self.write_loop_task
        if self.state == "connected":
            await self._trigger_event("disconnect", self.reason.TRANSPORT_ERROR, run_async=False)
            with contextlib.suppress(ValueError):
                eio_base_client.connected_clients.remove(self)
            await self._reset()
        self.logger.info("Exiting read loop task")


class _Silence:
    """How long the server has said nothing, checked by one timer, not per packet.

    `receive` notes each packet's time; the timer, due `limit` seconds after
    the last packet, cancels the waiting receive if nothing came since (else
    it is set again for the new deadline), and the receive then raises
    TimeoutError, as `wait_for` did. It never cancels anything but a receive."""

    def __init__(self, limit: float) -> None:
        self.limit = limit
        self._loop = asyncio.get_running_loop()
        self._task = asyncio.current_task()
        self._last = self._turned = self._loop.time()
        self._waiting = False
        self._expired = False
        self._timer: asyncio.TimerHandle | None = self._loop.call_at(
            self._last + limit, self._check
        )

    async def receive(self, ws: Any, lean: bool) -> Any:
        if not lean:  # the library's way, until the connection is handed over
            message = await asyncio.wait_for(ws.receive(), self.limit)
            self._last = self._turned = self._loop.time()
            return message
        self._waiting = True
        try:
            message = await ws.receive()
        except asyncio.CancelledError:
            if not self._expired:
                raise
            assert self._task is not None
            self._task.uncancel()
            raise TimeoutError from None
        finally:
            self._waiting = False
        now = self._last = self._loop.time()
        if now - self._turned >= TURN_SECONDS:
            # Packets already read are taken without a turn of the loop: one
            # is given now and then, so that Qt paints and takes input
            # (app/loop.py's slices) while a flood is read.
            self._turned = now
            await asyncio.sleep(0)
        return message

    def _check(self) -> None:
        self._timer = None
        now = self._loop.time()
        if now - self._last >= self.limit and self._waiting and self._task is not None:
            self._expired = True
            self._task.cancel()
            return
        due = self._last + self.limit if now - self._last < self.limit else now + 0.1
        self._timer = self._loop.call_at(due, self._check)

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


class LeanClient(socketio.AsyncClient):
    """`socketio.AsyncClient` whose plain event handlers run without a task per event."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("serializer", LeanPacket)
        super().__init__(*args, **kwargs)

    def go_lean(self) -> None:
        """From now on, events without a task each and packets without a
        `wait_for` each. Until then (while connecting) the library's own way,
        turn for turn: what the app does once `connect()` has returned (its
        status, presence, sender) is done before the events that follow the
        connect are handled, as it always was."""
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
