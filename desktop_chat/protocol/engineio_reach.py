"""The internals of python-engineio that desktop-chat uses, in one place.

- `AsyncServer._async`, its table of drivers: server/guards.py wraps
  `translate_request` (POST bodies read whole), server/fanout.py wraps
  `websocket` (to learn each socket's websocket), server/lean_websocket.py
  wraps both (`handle_request` given a ready environ; a websocket it
  accepted served by its own connection, the handler's `__self__` the
  socket, and the socket dropped from `sockets` once closed, as
  `_handle_connect` does);
- the aiohttp driver's `WebSocket._sock`, aiohttp's `WebSocketResponse`
  (server/fanout.py);
- `AsyncClient._send_packet` / `_receive_packet`, wrapped per client as
  instance attributes by client/packet_tap.py (the inspector);
- `AsyncClient.ws`, aiohttp's client websocket, whose close code tells a
  link that broke from a server that closed it (client/connection.py);
- an `AsyncSocket`'s `queue`, `upgraded`, `upgrading`, `closing`, `closed`
  (server/fanout.py, read as attributes);
- server/lean_socket.py: `AsyncSocket._websocket_handler`, `schedule_ping`
  and `last_ping` (overridden: no task or timer per idle socket),
  `AsyncServer._trigger_event` and `create_queue` (overridden, to make each
  socket a LeanSocket as it connects), python-socketio's
  `AsyncServer._engineio_server_class`;
- server/fanout.py's DirectManager overrides python-socketio's
  `basic_enter_room`, `basic_leave_room` and `basic_disconnect` (a
  disconnect leaves only the client's rooms), and so keeps up the
  manager's `rooms`, `callbacks`, `pending_connect` and
  `pending_disconnect` as its own does;
- client/lean_client.py overrides `AsyncClient._receive_packet` (a message
  packet to python-socketio at once) and `_read_loop_websocket` (the
  library's loop without a `wait_for` per packet: it reads `ws`, `queue`,
  `state`, `write_loop_task`, `ping_interval`, `ping_timeout`, calls
  `_reset` and keeps `base_client.connected_clients`), calls
  `_trigger_event` with `run_async`, reads python-engineio's
  `json._safe_int`, and in
  python-socketio's `AsyncClient` overrides `_engineio_client_class`, reads
  `_binary_packet`, `packet_class`, `reserved_events` and calls
  `_get_event_handler(event, namespace, args)`.

`check()` fails at start when the installed python-engineio is outside the
range these were checked on or one of them is gone.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from desktop_chat.protocol.reaches import require, require_version

DISTRIBUTION = "python-engineio"
# The range pyproject.toml allows; tests/server and tests/client pass on it.
LOW, BELOW = "4.13", "4.16"
PACKET_HOOKS = ("_send_packet", "_receive_packet")
SOCKET_STATE = ("queue", "upgraded", "upgrading", "closing", "closed")


def check() -> None:
    require_version(DISTRIBUTION, LOW, BELOW, "its driver table, packet methods and sockets")
    import engineio
    from engineio.async_drivers import aiohttp as aiohttp_driver
    from engineio.async_socket import AsyncSocket

    server = engineio.AsyncServer(async_mode="aiohttp")
    table = getattr(server, "_async", None)
    require(
        isinstance(table, dict) and {"translate_request", "websocket"} <= table.keys(),
        DISTRIBUTION,
        "AsyncServer._async with translate_request and websocket drivers",
    )
    websocket = aiohttp_driver.WebSocket(None, server)
    require(hasattr(websocket, "_sock"), DISTRIBUTION, "aiohttp driver WebSocket._sock")
    for name in PACKET_HOOKS:
        require(callable(getattr(engineio.AsyncClient, name, None)), DISTRIBUTION,
                f"AsyncClient.{name}")  # fmt: skip
    require(hasattr(engineio.AsyncClient(), "ws"), DISTRIBUTION, "AsyncClient.ws")
    socket = AsyncSocket(server, "reach-check")
    for name in (*SOCKET_STATE, "last_ping", "_websocket_handler", "schedule_ping"):
        require(hasattr(socket, name), DISTRIBUTION, f"AsyncSocket.{name}")
    for name in ("_trigger_event", "create_queue", "_service_task", "sockets"):
        require(hasattr(server, name), DISTRIBUTION, f"AsyncServer.{name}")
    import socketio

    manager = socketio.AsyncManager()
    for name in ("basic_enter_room", "basic_leave_room", "basic_disconnect"):
        require(callable(getattr(manager, name, None)), "python-socketio", f"AsyncManager.{name}")
    manager.set_server(socketio.AsyncServer())
    manager.initialize()
    for name in ("rooms", "callbacks", "pending_connect", "pending_disconnect"):
        require(hasattr(manager, name), "python-socketio", f"AsyncManager.{name}")
    from engineio import base_client as eio_base_client
    from engineio import json as engineio_json

    for name in ("_read_loop_websocket", "_reset"):
        require(callable(getattr(engineio.AsyncClient, name, None)), DISTRIBUTION,
                f"AsyncClient.{name}")  # fmt: skip
    eio_client = engineio.AsyncClient(handle_sigint=False)
    for name in ("queue", "state", "write_loop_task", "ping_interval", "ping_timeout"):
        require(hasattr(eio_client, name), DISTRIBUTION, f"AsyncClient.{name}")
    require(
        isinstance(getattr(eio_base_client, "connected_clients", None), list),
        DISTRIBUTION,
        "base_client.connected_clients",
    )

    require(callable(getattr(engineio_json, "_safe_int", None)), DISTRIBUTION, "json._safe_int")
    require(callable(getattr(engineio.AsyncClient, "_trigger_event", None)), DISTRIBUTION,
            "AsyncClient._trigger_event")  # fmt: skip
    client = socketio.AsyncClient(handle_sigint=False)
    for name in ("_binary_packet", "packet_class", "reserved_events"):
        require(hasattr(client, name), "python-socketio", f"AsyncClient.{name}")
    for name in ("_engineio_client_class", "_get_event_handler"):
        require(callable(getattr(client, name, None)), "python-socketio", f"AsyncClient.{name}")
    params = list(inspect.signature(client._get_event_handler).parameters)
    require(
        params == ["event", "namespace", "args"],
        "python-socketio",
        "AsyncClient._get_event_handler(event, namespace, args)",
    )


def driver(eio: Any, name: str) -> Any:
    """One of an AsyncServer's drivers (None when it has none by that name)."""
    return (eio._async or {}).get(name)


def wrap_driver(eio: Any, name: str, wrap: Callable[[Any], Any]) -> None:
    """Replace an AsyncServer's driver `name` with `wrap(the old one)`, for this server only."""
    drivers = eio._async
    eio._async = {**drivers, name: wrap(drivers[name])}


def aiohttp_response(ws: Any) -> Any:
    """aiohttp's WebSocketResponse under the aiohttp driver's WebSocket."""
    return ws._sock


# aiohttp's code for a websocket that ended without a close frame: the link broke.
ABNORMAL_CLOSURE = 1006


def link_broke(eio: Any) -> bool:
    """Whether an AsyncClient's websocket ended with its link: closed with no
    close frame from the server and no close of ours (a cut, a proxy gone),
    rather than closed by the server (a close frame, e.g. 1009 for a message
    over its size, or engine.io's close packet, after which the client
    closes it itself). False over long-polling, where it cannot be told."""
    ws = getattr(eio, "ws", None)
    return ws is not None and bool(ws.closed) and ws.close_code in (None, ABNORMAL_CLOSURE)


def packet_hooks(eio: Any) -> tuple[Any, Any]:
    """An AsyncClient's (send, receive) packet methods, as they are now."""
    return eio._send_packet, eio._receive_packet


def set_packet_hooks(eio: Any, send: Any, receive: Any) -> None:
    """Wrap one client's packet methods (instance attributes over the class's)."""
    eio._send_packet, eio._receive_packet = send, receive


def unset_packet_hooks(eio: Any) -> None:
    """The class's own packet methods again."""
    for name in PACKET_HOOKS:
        eio.__dict__.pop(name, None)
