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

    {"cmd": "send", "text": T, "room": R}   show the conversation of room R (default "":
                                            everyone), type T into the message box, and
                                            press Send
    {"cmd": "join", "room": R}              type R into the join field and press +
    {"cmd": "show", "room": R}              show the conversation of room R, as choosing
                                            it in the sidebar does
    {"cmd": "type", "text": T}              put T into the message box (a draft), unsent
    {"cmd": "input"}                        report what the message box holds ("input")
    {"cmd": "search", "text": T, "all": B}  search the conversation shown (all of them
                                            when B) for T; answered by a "results" event
    {"cmd": "close"}                        close the window, as its close button does
    more commands registered in `handlers` (desktop_automation.py: the tray,
    notifications, settings)

Events (stdout):

    {"event": "status", "state": S, "url": U, "sid": I, "transport": T, "error": E,
     "window_visible": B, "hosting": H}     every connection change; S is one of
                                            offline, connecting, connected, reconnecting;
                                            H true while this window hosts the server
    {"event": "message", "id": I, "kind": K, "text": T, "room": R, "sender": N,
     "state": S, "conversation": C,         every line added to any conversation (C its
     "restored": B}                         room key, "" = everyone), history restored at
                                            start included (B true); K is own, other or
                                            system; S null unless own
    {"event": "shown", "room": R}           the conversation shown changed
    {"event": "input", "text": T, "room": R}
                                            the message box's text, and the conversation
    {"event": "results", "texts": [T, ...], "rooms": [R, ...]}
                                            what a search found, newest first
    {"event": "delivery", "id": I, "state": S, "error": E}
                                            one of our messages changed state
    {"event": "error", "message": M}        a command that could not be understood

When the hosting window closes. A window that hosts the server (started
without --url, at a local http address) reports `"hosting": true` on every
status. When it closes ({"cmd": "close"}) or dies, the other windows of the
same user on that address report `reconnecting`; exactly one of them takes
the host lock (app/host_takeover.py), hosts on the same port with the same
message store, says so in a system line ("... so this window hosts it now
...") and reports `"hosting": true` from then on; then every window reports
`connected` again, sends what was pending (`delivery` events) and reports
what was said meanwhile as `message` events, each once.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping
from typing import Any, TextIO

from PySide6.QtCore import QObject, QSocketNotifier

from desktop_chat.client.status import Status
from desktop_chat.protocol.messages import DeliveryUpdate, Message
from desktop_chat.ui.bridge import ClientBridge
from desktop_chat.ui.conversations import Conversations
from desktop_chat.ui.main_window import MainWindow

ENV = "DESKTOP_CHAT_AUTOMATION"


def enabled(environ: Mapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    return env.get(ENV) == "1"


class Automation(QObject):
    def __init__(
        self,
        window: MainWindow,
        conversations: Conversations,
        bridge: ClientBridge,
        stdin_fd: int | None = None,
        stdout: TextIO | None = None,
    ) -> None:
        super().__init__()
        self.window = window
        self.conversations = conversations
        self.bridge = bridge
        self._out = stdout if stdout is not None else sys.stdout
        self._fd = sys.stdin.fileno() if stdin_fd is None else stdin_fd
        self._buffer = b""
        # More commands: name -> handler of the whole command object.
        self.handlers: dict[str, Callable[[dict[str, Any]], None]] = {}
        conversations.lines_added.connect(self._lines_added)
        conversations.lines_restored.connect(self._lines_restored)
        conversations.current_changed.connect(self._shown)
        bridge.delivery_changed.connect(self._delivery)
        bridge.status_changed.connect(self._status)
        self._notifier = QSocketNotifier(self._fd, QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._readable)

    def stop(self) -> None:
        """Stop reading and reporting, before the window goes away."""
        self._notifier.setEnabled(False)
        self.conversations.lines_added.disconnect(self._lines_added)
        self.conversations.lines_restored.disconnect(self._lines_restored)
        self.conversations.current_changed.disconnect(self._shown)
        self.bridge.delivery_changed.disconnect(self._delivery)
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
                "hosting": bool(self.bridge.hosting),
            }
        )

    def _lines_restored(self, conversation: str, messages: list[Message]) -> None:
        self._lines_added(conversation, messages, restored=True)

    def _lines_added(
        self, conversation: str, messages: list[Message], restored: bool = False
    ) -> None:
        for message in messages:
            self._emit(
                {
                    "event": "message",
                    "id": message.id,
                    "kind": message.kind.value,
                    "text": message.text,
                    "room": message.room,
                    "sender": message.sender,
                    "state": message.state.value if message.state else None,
                    "conversation": conversation,
                    "restored": restored,
                }
            )

    def _shown(self, room: str) -> None:
        self._emit({"event": "shown", "room": room})

    def _delivery(self, update: DeliveryUpdate) -> None:
        self._emit(
            {"event": "delivery", "id": update.id, "state": update.state.value,
             "error": update.error}
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
        text = command.get("text")
        if cmd == "send" and isinstance(text, str) and isinstance(room, str):
            self.window.select_room(room)
            self.window.message_input.setPlainText(text)
            self.window.send_button.click()
        elif cmd == "show" and isinstance(room, str):
            self.window.select_room(room)
        elif cmd == "type" and isinstance(text, str):
            self.window.message_input.setPlainText(text)
        elif cmd == "input":
            self._emit(
                {
                    "event": "input",
                    "text": self.window.message_input.toPlainText(),
                    "room": self.window.room(),
                }
            )
        elif cmd == "search" and isinstance(text, str):
            hits = self.window.search(text, command.get("all") is True)
            self._emit(
                {
                    "event": "results",
                    "texts": [hit.message.text for hit in hits],
                    "rooms": [hit.room for hit in hits],
                }
            )

        elif cmd == "join" and isinstance(room, str):
            self.window.room_input.setText(room)
            self.window.join_button.click()
        elif cmd == "close":
            self.window.close()
        elif isinstance(cmd, str) and cmd in self.handlers:
            self.handlers[cmd](command)
        else:
            self._emit({"event": "error", "message": f"unknown command: {command!r}"})

