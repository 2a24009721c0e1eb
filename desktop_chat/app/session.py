"""The composition root: Qt application, asyncio-on-Qt loop, wiring, one shutdown path.

`ChatSession` is one window with its client (and the server it hosts, if
any); `run()` is what the `desktop-chat` command does with it. Tests build
sessions in their own loop and drive them as a user would.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
from dataclasses import dataclass, field

from desktop_chat.app.hosting import HostedServer, HostingError
from desktop_chat.app.settings import Settings, default_name
from desktop_chat.client.chat_client import Backoff, ChatClient, MessageRefused, TlsOptions
from desktop_chat.client.outbox import Outbox, default_outbox_path
from desktop_chat.protocol.urls import (
    DEFAULT_PATH,
    DEFAULT_URL,
    InvalidServerUrl,
    ServerUrl,
    normalize_path,
    parse_server_url,
)
from desktop_chat.server.chat_server import default_db_path
from desktop_chat.ui.bridge import ClientBridge
from desktop_chat.ui.main_window import MainWindow
from desktop_chat.ui.message_model import MessageModel

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Options:
    url: str | None = None  # explicit: never host
    path: str = DEFAULT_PATH
    name: str = ""
    room: str = ""
    default_url: str = DEFAULT_URL  # what a first start without --url uses
    remember: bool = True  # settings, outbox and a hosted server's messages on disk
    token: str | None = None  # sent in auth; never logged
    tls: TlsOptions = field(default_factory=TlsOptions)
    # Engine.IO transports, e.g. ["polling"] where a proxy blocks websockets;
    # None is python-engineio's default (polling, then upgrade to websocket).
    transports: list[str] | None = None


async def is_listening(host: str, port: int, timeout: float = 1.0) -> bool:
    """Whether anything accepts TCP connections at host:port (every address it resolves to)."""
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    except (OSError, TimeoutError):
        return False
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return True


class ChatSession:
    def __init__(
        self, options: Options, settings: Settings | None = None, backoff: Backoff | None = None
    ) -> None:
        self.options = options
        self.settings = settings if settings is not None else Settings()
        name = options.name or self.settings.name or default_name()
        # Remembering sessions keep their outbox (and a hosted server its
        # messages) on disk; others, such as most tests, keep them in memory.
        outbox = Outbox(default_outbox_path()) if options.remember else Outbox()
        self.client = ChatClient(
            name,
            backoff=backoff,
            outbox=outbox,
            token=options.token,
            tls=options.tls,
            transports=options.transports,
        )
        self.bridge = ClientBridge(self.client)
        self.model = MessageModel()
        self.window = MainWindow(self.model)
        # The server this window hosts, on its own thread (app/hosting.py).
        self.server: HostedServer | None = None
        self._closed = False
        self._wire()

    def _wire(self) -> None:
        b, w = self.bridge, self.window
        b.messages_added.connect(self.model.append)
        b.delivery_changed.connect(self.model.update_state)
        b.status_text_changed.connect(self._show_status)
        b.connected_to.connect(self._remember)
        w.send_requested.connect(self._send)
        w.join_requested.connect(b.join)
        w.retry_requested.connect(b.retry)
        w.connect_requested.connect(b.connect_to_text)
        w.offline_toggled.connect(b.set_offline)
        w.reconnect_requested.connect(b.reconnect_now)
        b.retry_pending.connect(w.show_reconnect)

    def _send(self, text: str, room: str) -> None:
        try:
            self.bridge.send(text, room)
        except MessageRefused as exc:
            # Nothing the user typed is lost: the text goes back into the input.
            if not self.window.message_input.toPlainText():
                self.window.message_input.setPlainText(text)
            self.bridge.show_system(f"Not sent: {exc}")

    def _show_status(self, text: str) -> None:
        if self.client.tls.insecure:
            text = "⚠ INSECURE: TLS certificates are not checked · " + text
        self.window.show_status(text)

    def _remember(self, url: str) -> None:
        self.window.show_server(url)
        if self.options.remember and (self.settings.url, self.settings.path) != (
            url,
            self.bridge.path,
        ):
            self.settings.url = url
            self.settings.path = self.bridge.path
            self.settings.save()

    @property
    def hosting(self) -> bool:
        return self.server is not None

    async def start(self) -> None:
        """Show the window, decide where to connect (hosting if need be), connect."""
        opts = self.options
        self.window.setWindowTitle(f"desktop-chat — {self.client.name}")
        if opts.tls.insecure:
            self.window.setWindowTitle(self.window.windowTitle() + " — INSECURE (--insecure)")
            self.bridge.show_system(
                "Warning: --insecure is on. TLS certificates are not checked, so anyone "
                "between you and the server can read and change this conversation."
            )
        self.window.show()
        try:
            path = normalize_path(
                opts.path
                if opts.url or opts.path != DEFAULT_PATH
                else (self.settings.path or DEFAULT_PATH)
            )
        except InvalidServerUrl as exc:
            self.bridge.show_system(f"Cannot connect: {exc}")
            path = DEFAULT_PATH
        self.bridge.path = path
        text = opts.url if opts.url is not None else (self.settings.url or opts.default_url)
        self.window.server_url.setText(text)
        try:
            url = parse_server_url(text)
        except InvalidServerUrl as exc:
            self.bridge.show_system(f"Cannot connect: {exc}")
            self.window.show_status(f"Invalid server address: {exc}")
            return
        if opts.url is None and url.is_loopback and url.scheme == "http":
            await self._host_if_free(url, path)
        if opts.room:
            self.window.room_input.setText(opts.room.strip())
            self.bridge.join(opts.room)
        self.bridge.connect_to(url)

    async def _host_if_free(self, url: ServerUrl, path: str) -> None:
        """Start the bundled server when nothing listens at a local default address.

        The server runs on a thread of its own (app/hosting.py), so that its
        work never stalls this window. Whatever keeps it from starting, the
        window goes on to connect to `url`.
        """
        if await is_listening(url.host, url.port):
            return
        server = HostedServer(
            path, db=default_db_path(url.port) if self.options.remember else ":memory:"
        )
        try:
            await server.start("127.0.0.1", url.port)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                # Another window won the race for the port: join it instead.
                log.info("not hosting on port %d: %s", url.port, exc)
            else:
                self.bridge.show_system(
                    f"Nothing was listening at {url.url}, and this window could not host "
                    f"the chat server on 127.0.0.1:{url.port}: {exc.strerror or exc}."
                )
            return
        except HostingError as exc:
            self.bridge.show_system(
                f"Nothing was listening at {url.url}, and this window could not host "
                f"the chat server: {exc}"
            )
            return
        self.server = server
        self.bridge.hosting = f"127.0.0.1:{server.port}"
        self.bridge.show_system(
            f"Nothing was listening at {url.url}, so this window hosts the chat server "
            f"on 127.0.0.1:{server.port}. Others on this machine can join it; "
            "it stops when this window closes."
        )

    async def close(self) -> None:
        """The one shutdown path: disconnect, stop a hosted server, close the window.

        Idempotent: a second call (a test's teardown after the test closed it) does nothing.
        """
        if self._closed:
            return
        self._closed = True
        await self.client.close()
        self.client.outbox.close()
        self.bridge.detach()
        if self.server is not None:
            # Waits for the server's thread to end, without blocking this loop.
            await self.server.stop()
            self.server = None
        self.window.close()
        self.window.deleteLater()
