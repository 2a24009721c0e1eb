"""Desktop notifications: org.freedesktop.Notifications on the session bus.

Why jeepney and not QtDBus: PySide6-Essentials ships QtDBus, but from
Python it can only send a Python int as a D-Bus int32 (`i`), and the
daemon's `Notify` takes `replaces_id` as uint32 (`u`); a daemon checks the
signature and refuses the call ("does not match expected type
(susssasa{sv}i)"), and QtDBus' typed paths fail on the hints' a{sv} that
daemons do not annotate. jeepney (pure Python, no dependencies, MIT) writes
the message with the exact signature and runs on our asyncio loop.

The daemon is optional: without a session bus or a notification daemon
`start()` returns False and `show()` does nothing, and the app goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from jeepney import DBusAddress, HeaderFields, MatchRule, MessageType, message_bus, new_method_call
from jeepney.io.asyncio import DBusRouter, Proxy, open_dbus_router

log = logging.getLogger(__name__)

SERVICE = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
_ADDRESS = DBusAddress(PATH, bus_name=SERVICE, interface=SERVICE)
EXPIRE_DEFAULT = -1


class DesktopNotifications:
    """Sends notifications and reports clicks on them (the "default" action)
    and their closing, each by the daemon's notification id."""

    def __init__(
        self,
        app_name: str,
        on_action: Callable[[int, str], None],
        on_closed: Callable[[int], None],
        icon: str = "",
    ) -> None:
        self.app_name = app_name
        self.icon = icon
        self._on_action = on_action
        self._on_closed = on_closed
        self._opener: open_dbus_router | None = None
        self._router: DBusRouter | None = None
        self._listener: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.server: tuple[str, ...] = ()  # the daemon's name, vendor, version, spec

    @property
    def available(self) -> bool:
        return self._router is not None

    async def start(self) -> bool:
        """Connect to the session bus and the daemon; False when either is missing."""
        opener = open_dbus_router()
        try:
            router = await opener.__aenter__()
        except Exception as exc:  # no bus, no address, refused auth: all mean "none"
            log.info("no session bus for notifications: %s", exc)
            return False
        try:
            reply = await asyncio.wait_for(
                router.send_and_get_reply(new_method_call(_ADDRESS, "GetServerInformation")), 5
            )
            if reply.header.message_type is MessageType.error:
                raise RuntimeError(str(reply.body))
            self.server = tuple(str(part) for part in reply.body)
            bus = Proxy(message_bus, router)
            queue: asyncio.Queue[Any] = asyncio.Queue()
            for member in ("ActionInvoked", "NotificationClosed"):
                rule = MatchRule(type="signal", interface=SERVICE, member=member, path=PATH)
                await bus.AddMatch(rule)
                router.filter(rule, queue=queue)
        except Exception as exc:  # no daemon (an error reply), or the bus went away
            log.info("no notification daemon: %s", exc)
            with contextlib.suppress(Exception):
                await opener.__aexit__(None, None, None)
            return False
        self._opener, self._router = opener, router
        self._listener = asyncio.ensure_future(self._listen(queue))
        return True

    async def _listen(self, queue: asyncio.Queue[Any]) -> None:
        while True:
            message = await queue.get()
            member = message.header.fields.get(HeaderFields.member)
            body: Any = message.body
            try:
                if member == "ActionInvoked":
                    self._on_action(int(body[0]), str(body[1]))
                elif member == "NotificationClosed":
                    self._on_closed(int(body[0]))
            except Exception:  # a bug in a handler must not stop the listener
                log.exception("notification signal handler failed")

    def show(
        self,
        summary: str,
        body: str,
        replaces_id: int,
        on_shown: Callable[[int], None],
        action_label: str = "",
    ) -> None:
        """Ask the daemon to show (or replace) a notification; `on_shown` gets its id.

        `body` must already be escaped for the spec's markup subset.
        """
        if self._router is None:
            return
        call = new_method_call(
            _ADDRESS,
            "Notify",
            "susssasa{sv}i",
            (
                self.app_name,
                replaces_id,
                self.icon,
                summary,
                body,
                ["default", action_label or "Open"],
                {"desktop-entry": ("s", "desktop-chat")},
                EXPIRE_DEFAULT,
            ),
        )
        self._spawn(self._call(call, on_shown))

    def close_notification(self, notification_id: int) -> None:
        if self._router is not None and notification_id:
            call = new_method_call(_ADDRESS, "CloseNotification", "u", (notification_id,))
            self._spawn(self._call(call, None))

    async def _call(self, call: Any, on_reply: Callable[[int], None] | None) -> None:
        router = self._router
        if router is None:
            return
        try:
            reply = await asyncio.wait_for(router.send_and_get_reply(call), 10)
        except Exception as exc:  # the bus or the daemon went away (jeepney's RouterClosed)
            log.warning("notification not shown: %s", exc)
            reply = None
        if reply is not None and reply.header.message_type is MessageType.error:
            log.warning("notification refused: %s", reply.body)
            reply = None
        if on_reply is not None:
            on_reply(int(reply.body[0]) if reply is not None and reply.body else 0)

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        """Stop listening and let go of the bus (pending calls are cancelled)."""
        for task in [*self._tasks, *([self._listener] if self._listener else [])]:
            task.cancel()
        for task in [*self._tasks, *([self._listener] if self._listener else [])]:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._listener = None
        if self._opener is not None:
            opener, self._opener, self._router = self._opener, None, None
            with contextlib.suppress(Exception):  # a bus that is gone is closed enough
                await opener.__aexit__(None, None, None)
