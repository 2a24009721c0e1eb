"""Test-only remote control of a running window, off unless asked for.

With DESKTOP_CHAT_AUTOMATION=1 in its environment, `desktop-chat` reads
commands from stdin and reports what its window shows on stdout, one JSON
object per line (UTF-8) each way. It exists for tests that drive the app as
a separate process, such as the PyInstaller bundle's smoke test, where there
is no display to click on and no Python to import. It acts only through the
window's own widgets and reports only what reaches the window's model, so it
exercises the same paths a person does. Output is ASCII-only JSON (non-ASCII
text is escaped), so it survives any locale; input is read as UTF-8.

Commands (stdin):

    {"cmd": "send", "text": T, "room": R}   type T into the message box, R (default "")
                                            into the room box, and press Send
    {"cmd": "join", "room": R}              type R into the room box and press Join
    {"cmd": "close"}                        close the window, as its close button does
    more commands registered in `handlers` (desktop_automation.py: the tray,
    notifications, settings)

Events (stdout):

    {"event": "status", "state": S, "url": U, "sid": I, "transport": T, "error": E,
     "window_visible": B}                   every connection change; S is one of
                                            offline, connecting, connected, reconnecting
    {"event": "message", "id": I, "kind": K, "text": T, "room": R, "sender": N,
     "state": S}                            every line added to the conversation; K is
                                            own, other or system; S null unless own
    {"event": "delivery", "id": I, "state": S, "error": E}
                                            one of our messages changed state
    {"event": "error", "message": M}        a command that could not be understood
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping
from typing import Any, TextIO

from PySide6.QtCore import QModelIndex, QObject, QSocketNotifier

from desktop_chat.client.status import Status
from desktop_chat.protocol.messages import Message
from desktop_chat.ui.bridge import ClientBridge
from desktop_chat.ui.main_window import MainWindow
from desktop_chat.ui.message_model import MessageModel, Role

ENV = "DESKTOP_CHAT_AUTOMATION"


def enabled(environ: Mapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    return env.get(ENV) == "1"


class Automation(QObject):
    def __init__(
        self,
        window: MainWindow,
        model: MessageModel,
        bridge: ClientBridge,
        stdin_fd: int | None = None,
        stdout: TextIO | None = None,
    ) -> None:
        super().__init__()
        self.window = window
        self.model = model
        self.bridge = bridge
        self._out = stdout if stdout is not None else sys.stdout
        self._fd = sys.stdin.fileno() if stdin_fd is None else stdin_fd
        self._buffer = b""
        # More commands: name -> handler of the whole command object.
        self.handlers: dict[str, Callable[[dict[str, Any]], None]] = {}
        model.rowsInserted.connect(self._rows_inserted)
        model.dataChanged.connect(self._data_changed)
        bridge.status_changed.connect(self._status)
        self._notifier = QSocketNotifier(self._fd, QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._readable)

    def stop(self) -> None:
        """Stop reading and reporting, before the window goes away."""
        self._notifier.setEnabled(False)
        self.model.rowsInserted.disconnect(self._rows_inserted)
        self.model.dataChanged.disconnect(self._data_changed)
        self.bridge.status_changed.disconnect(self._status)

    # ---- events -----------------------------------------------------------

    def report(self, event: dict[str, object]) -> None:
        """Report one event on stdout (one JSON line)."""
        self._emit(event)

    def _emit(self, event: dict[str, object]) -> None:
        self._out.write(json.dumps(event) + "\n")
        self._out.flush()

    def _status(self, status: Status) -> None:
        self._emit(
            {
                "event": "status",
                "state": status.state.value,
                "url": status.url,
                "sid": status.sid,
                "transport": status.transport,
                "error": status.error,
                "window_visible": self.window.isVisible(),
            }
        )

    def _rows_inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        for row in range(first, last + 1):
            message = self.model.message_at(row)
            self._emit(
                {
                    "event": "message",
                    "id": message.id,
                    "kind": message.kind.value,
                    "text": message.text,
                    "room": message.room,
                    "sender": message.sender,
                    "state": message.state.value if message.state else None,
                }
            )

    def _data_changed(self, top: QModelIndex, bottom: QModelIndex, _roles: object = None) -> None:
        for row in range(top.row(), bottom.row() + 1):
            message = self.model.index(row).data(Role.MESSAGE)
            if not isinstance(message, Message):
                continue
            if message.state is not None:
                self._emit(
                    {
                        "event": "delivery",
                        "id": message.id,
                        "state": message.state.value,
                        "error": message.error,
                    }
                )

    # ---- commands ---------------------------------------------------------

    def _readable(self) -> None:
        try:
            chunk = os.read(self._fd, 65536)
        except BlockingIOError:
            return
        if not chunk:  # EOF: nothing more will come
            self._notifier.setEnabled(False)
            return
        self._buffer += chunk
        *lines, self._buffer = self._buffer.split(b"\n")
        for line in lines:
            if line.strip():
                self._command(line)

    def _command(self, line: bytes) -> None:
        try:
            command = json.loads(line)
        except ValueError as exc:
            self._emit({"event": "error", "message": f"not JSON: {exc}"})
            return
        if not isinstance(command, dict):
            self._emit({"event": "error", "message": "a command is a JSON object"})
            return
        cmd, room = command.get("cmd"), command.get("room", "")
        if cmd == "send" and isinstance(command.get("text"), str) and isinstance(room, str):
            self.window.room_input.setText(room)
            self.window.message_input.setPlainText(command["text"])
            self.window.send_button.click()
        elif cmd == "join" and isinstance(room, str):
            self.window.room_input.setText(room)
            self.window.join_button.click()
        elif cmd == "close":
            self.window.close()
        elif isinstance(cmd, str) and cmd in self.handlers:
            self.handlers[cmd](command)
        else:
            self._emit({"event": "error", "message": f"unknown command: {command!r}"})
