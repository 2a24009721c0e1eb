"""The server a window hosts: started where nothing listens at a local default
address, given up when its window closes, taken over when the hosting window
closes (app/host_takeover.py), or started on a free port when the address is
taken by something that is not a chat server.

The server belongs to the window's first account (the one connected to the
local default address); `ChatSession` holds one `WindowHosting`.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from desktop_chat.app.host_takeover import HostLock, Takeover, host_lock_path
from desktop_chat.app.hosting import HostedServer, HostingError
from desktop_chat.app.port_probe import Answer, free_port, probe
from desktop_chat.client.status import Status
from desktop_chat.protocol.urls import (
    DEFAULT_PATH,
    ServerTarget,
    ServerUrl,
    parse_server_url,
)
from desktop_chat.server.chat_server import default_db_path
from desktop_chat.ui.main_window import MainWindow
from desktop_chat.ui.tr import fill

if TYPE_CHECKING:
    from desktop_chat.app.account_session import AccountSession
    from desktop_chat.app.session import Options

log = logging.getLogger(__name__)
translate = QCoreApplication.translate


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


class WindowHosting:
    def __init__(
        self, options: Options, account: Callable[[], AccountSession], window: MainWindow
    ) -> None:
        self._options = options
        self._account = account  # the account whose server may be hosted here
        self._window = window
        self.server: HostedServer | None = None
        self._host_lock: HostLock | None = None  # held while this window hosts (remembering)
        # Hosting again when the window that hosts closes (app/host_takeover.py).
        self._takeover: Takeover | None = None
        self._takeover_key = ""  # the server (address and path) it may take over
        self.closed = False
        self.path = DEFAULT_PATH  # the Socket.IO path this window uses, once started

    @property
    def hosting(self) -> bool:
        return self.server is not None

    def hosts_for(self, account: AccountSession) -> bool:
        """Whether this window hosts the server `account` is on."""
        return self.hosting and account is self._account()

    async def host_if_free(self, url: ServerUrl, path: str, *, taking_over: bool = False) -> None:
        """Start the bundled server when nothing listens at a local default address.

        The server runs on a thread of its own (app/hosting.py), so that its
        work never stalls this window. Whatever keeps it from starting, the
        window goes on to connect to `url`. A window that keeps its messages
        on disk hosts only while it holds the port's host lock
        (app/host_takeover.py): another window holding it hosts, or is
        closing and will let the next one host.
        """
        lock = self._lock_for(url.port)
        if lock is not None and not lock.try_acquire():
            log.info("not hosting on port %d: another window holds %s", url.port, lock.path)
            return
        try:
            await self._host_unless_listening(url, path, taking_over)
        finally:
            if lock is not None:
                if self.server is None:
                    lock.release()
                else:
                    self._host_lock = lock

    def _lock_for(self, port: int) -> HostLock | None:
        """The host lock of `port` for a window that keeps its messages on disk."""
        if not self._options.remember:
            return None
        if self._takeover is not None and self._takeover.port == port:
            return self._takeover.lock
        return HostLock(host_lock_path(default_db_path(port).parent, port))

    def watch_for_takeover(self, url: ServerUrl, path: str) -> None:
        """Host here again if the window hosting `url` closes (app/host_takeover.py)."""
        lock = HostLock(host_lock_path(default_db_path(url.port).parent, url.port))

        async def host() -> bool:
            await self.host_if_free(url, path, taking_over=True)
            return self.hosting

        self._takeover = Takeover(
            lock, url.port, host=host, reconnect=self._account().bridge.reconnect_now,
            listening=is_listening,
        )  # fmt: skip
        self._takeover_key = ServerTarget(url, path).key
        self._account().bridge.status_changed.connect(self._status)

    def _status(self, status: Status) -> None:
        """Only while connecting to the address it may host: after the user
        connected elsewhere, a lost connection there hosts nothing here."""
        target = self._account().client.target
        if self._takeover is None or self.closed or target is None:
            return
        if target.key == self._takeover_key:
            self._takeover.status(status.state)

    def _cannot_host(self, said: str, *values: object) -> None:
        """Say why this window could not host (once: no takeover tries until it
        has been connected again)."""
        self._hold_off_takeover()
        self._account().bridge.show_system(fill(said, *values))

    def _hold_off_takeover(self) -> None:
        """This window cannot host (said once): no takeover tries until it has
        been connected again."""
        if self._takeover is not None:
            self._takeover.hold_off()

    async def _host_unless_listening(self, url: ServerUrl, path: str, taking_over: bool) -> None:
        if await is_listening(url.host, url.port):
            return
        server = HostedServer(
            path, db=default_db_path(url.port) if self._options.remember else ":memory:"
        )
        try:
            await server.start("127.0.0.1", url.port)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                # Another window won the race for the port: join it instead.
                log.info("not hosting on port %d: %s", url.port, exc)
            else:
                self._cannot_host(
                    translate(
                        "ChatSession",
                        "Nothing was listening at %1, and this window could not host "
                        "the chat server on 127.0.0.1:%2: %3.",
                    ),
                    url.url,
                    url.port,
                    exc.strerror or exc,
                )
            return
        except HostingError as exc:
            self._cannot_host(
                translate(
                    "ChatSession",
                    "Nothing was listening at %1, and this window could not host "
                    "the chat server: %2",
                ),
                url.url,
                exc,
            )
            return
        self.server = server
        self._account().bridge.hosting = f"127.0.0.1:{server.port}"
        if taking_over:
            said = translate(
                "ChatSession",
                "The window that hosted the chat server at %1 closed, so this window "
                "hosts it now on 127.0.0.1:%2, with the same messages. Everyone "
                "reconnects to it.",
            )
        elif self._options.remember:
            said = translate(
                "ChatSession",
                "Nothing was listening at %1, so this window hosts the chat server "
                "on 127.0.0.1:%2. Others on this machine can join it; when this window "
                "closes, another of your windows on it takes it over.",
            )
        else:
            said = translate(
                "ChatSession",
                "Nothing was listening at %1, so this window hosts the chat server "
                "on 127.0.0.1:%2. Others on this machine can join it; "
                "it stops when this window closes.",
            )
        self._account().bridge.show_system(fill(said, url.url, server.port))
        if taking_over:
            self._account().bridge.refresh_status()  # the status line says so at once

    async def taken_by_another_server(self, url: ServerUrl, path: str) -> bool:
        """Whether the default address is held by a server that is not Socket.IO;
        if so, say what is there and offer to host elsewhere (host_elsewhere)."""
        found = await probe(url, path)
        if found.answer is not Answer.OTHER:
            return False  # a chat server, or no answer in time: connect as ever
        note = found.describe(url.url)
        log.info("%s", note)
        self._account().bridge.show_system(
            fill(
                translate(
                    "ChatSession",
                    "Not connecting: %1. Another program uses this address. Press "
                    "“Host on another port” to run the chat server in this window on a "
                    "free port, or enter the address of a chat server at the top.",
                ),
                note,
            )
        )
        self._window.show_status(
            fill(translate("ChatSession", "Not a Socket.IO server at %1 — not connected"), url.url)
        )
        self._window.offer_host_elsewhere(True)
        return True

    def host_elsewhere_requested(self) -> None:
        self._hosting_elsewhere = asyncio.ensure_future(self.host_elsewhere())

    async def host_elsewhere(self) -> None:
        """Host the bundled server on a free port of this machine and connect to it."""
        self._window.offer_host_elsewhere(False)
        for _ in range(3):  # a port found free may be taken before the server binds it
            if self.hosting:
                break
            port = free_port()
            await self.host_if_free(parse_server_url(f"http://127.0.0.1:{port}"), self.path)
        if self.server is None:
            self._account().bridge.show_system(
                translate("ChatSession", "Could not start the chat server on a free port.")
            )
            self._window.offer_host_elsewhere(True)
            return
        here = parse_server_url(f"http://127.0.0.1:{self.server.port}")
        self._window.show_address(here.url)
        self._account().bridge.connect_to(ServerTarget(here, self.path))

    async def stop_watching(self) -> None:
        """The window closes: never take over its own server."""
        self.closed = True
        if self._takeover is not None:
            await self._takeover.close()

    async def stop(self) -> None:
        """After the clients: stop the server (waiting for its thread, without
        blocking this loop), then let the next window host."""
        if self.server is not None:
            await self.server.stop()
            self.server = None
        if self._host_lock is not None:
            # Only now, with its store closed: the next window to host opens it.
            self._host_lock.release()
            self._host_lock = None
