"""Test-only remote control of a running window, off unless asked for.

With DESKTOP_CHAT_AUTOMATION=1 in its environment, `desktop-chat` reads
commands from stdin and reports what its window shows on stdout, one JSON
object per line (UTF-8) each way. It exists for tests that drive the app as
a separate process, such as the PyInstaller bundle's smoke test, where there
is no display to click on and no Python to import. It acts only through the
window's own widgets and reports only what reaches the window's model, so it
exercises the same paths a person does. Output is ASCII-only JSON (non-ASCII
text is escaped), so it survives any locale; input is read as UTF-8.

Accounts: an account id A is an opaque string that stays the same across
restarts. Commands that act in a conversation take an optional "account": A
(default: the account shown), and show that account first, as choosing it in
the sidebar's rail does.

Commands (stdin):

    {"cmd": "add-account", "url": U, "name": N, "profile": P}
                                            add an account, as Add account… does (name and
                                            profile optional); reported by an "account" event
    {"cmd": "remove-account", "account": A} forget an account (the last one stays)
    {"cmd": "accounts"}                     one "account" event for each account, in order
    {"cmd": "send", "text": T, "room": R}   show the conversation of room R (default "":
                                            everyone), type T into the message box, and
                                            press Send
    {"cmd": "join", "room": R}              type R into the join field and press +
    {"cmd": "show", "room": R, "account": A}
                                            show the conversation of room R (of account A),
                                            as choosing it in the sidebar does
    {"cmd": "type", "text": T}              put T into the message box (a draft), unsent
    {"cmd": "input"}                        report what the message box holds ("input")
    {"cmd": "search", "text": T, "all": B}  search the conversation shown (all of them
                                            when B) for T; answered by a "results" event
    {"cmd": "reply", "id": I, "text": T}    answer line I: Reply in its menu, type T, Send
    {"cmd": "edit", "id": I, "text": T}     edit our line I: Edit in its menu, T, Enter
    {"cmd": "delete", "id": I}              Delete in the menu of our line I
    {"cmd": "react", "id": I, "emoji": E}   react to line I with E (again: taken back)
    {"cmd": "attach", "paths": [P, ...], "caption": T, "room": R}
                                            show the conversation of room R, type T, and
                                            attach the files P as the paperclip's dialog
                                            does (one message per file, T the first's
                                            caption); a refusal is an "error" event
    {"cmd": "download", "id": I, "folder": F}
                                            Download (F absent: the Downloads folder) or
                                            Save as… into F, of line I's file
    {"cmd": "export", "room": R, "path": P, "format": "jsonl" | "html"}
                                            Chat → Export… of the conversation of room R;
                                            answered by "exported" {path, count} or "error"
    {"cmd": "close"}                        close the window, as its close button does
    more commands registered in `handlers` (desktop_automation.py: the tray,
    notifications, settings)

Events (stdout): every status, message, delivery and shown event carries
"account": A, the account it is about.

    {"event": "account", "account": A, "url": U, "name": N, "state": S}
                                            at start for each account, and whenever one
                                            is added, removed or changed; S is one of
                                            added, removed, changed
    {"event": "status", "state": S, "url": U, "sid": I, "transport": T, "error": E,
     "window_visible": B, "hosting": H}     every connection change; S is one of
                                            offline, connecting, connected, reconnecting;
                                            H true while this window hosts the server
    {"event": "message", "id": I, "kind": K, "text": T, "room": R, "sender": N,
     "state": S, "conversation": C,         every line added to any conversation (C its
     "restored": B, "reply_to": J,          room key, "" = everyone), history restored at
     "edited": B, "edited_at": F,           start included (B true); K is own, other or
     "deleted": B, "reactions": {E: [N]}}   system; S null unless own. J: the id of the
                                            line answered (as this window reports it) or
                                            null; a deleted line's text is ""; reactions:
                                            emoji -> who reacted, in order
    {"event": "update", ...}                a line shown before changed (edited, deleted,
                                            reacted to): the same fields as "message"
                                            "message" and "update" also carry "attachment":
                                            {"name", "size", "type", "file"} or null
    {"event": "transfer", "id": I, "upload": B, "done": N, "total": N, "state": S,
     "code": C}                             a line's file went further up (B) or down; S is
                                            running, done, failed or cancelled
    {"event": "downloaded", "id": I, "path": P}
                                            a download finished, saved as P

Ids: every id in commands and events is the one this window reported the
line by: for our own lines the id they were sent with, for others' the
server's (the client keeps the server's id of its own lines to translate).
    {"event": "shown", "room": R}           the conversation shown changed
    {"event": "input", "text": T, "room": R}
                                            the message box's text, and the conversation
    {"event": "results", "texts": [T, ...], "rooms": [R, ...], "accounts": [A, ...],
     "ids": [I, ...]}                       what a search found, newest first
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

import asyncio
import contextlib
import json
import os
import sys
from collections.abc import Callable, Mapping
from typing import Any, TextIO

from PySide6.QtCore import QObject, QSocketNotifier

from desktop_chat.accounts.account import Account
from desktop_chat.app.account_session import AccountSession
from desktop_chat.app.exporting import FORMATS
from desktop_chat.app.session import ChatSession
from desktop_chat.client.status import Status
from desktop_chat.protocol.messages import (
    DeliveryUpdate,
    Kind,
    Message,
    TransferState,
    TransferUpdate,
)
from desktop_chat.ui.file_card import DOWNLOAD
from desktop_chat.ui.main_window import MainWindow

ENV = "DESKTOP_CHAT_AUTOMATION"


def enabled(environ: Mapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    return env.get(ENV) == "1"


class Automation(QObject):
    def __init__(
        self,
        session: ChatSession,
        stdin_fd: int | None = None,
        stdout: TextIO | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.window: MainWindow = session.window
        self._out = stdout if stdout is not None else sys.stdout
        self._fd = sys.stdin.fileno() if stdin_fd is None else stdin_fd
        self._buffer = b""
        # More commands: name -> handler of the whole command object.
        self.handlers: dict[str, Callable[[dict[str, Any]], None]] = {}
        self._attached: list[tuple[Any, Callable[..., None]]] = []
        for account in session.sessions:
            self._attach(account)
        self._on(session.session_added, self._attach)
        self._on(session.accounts.account_reported, self._account)
        self._on(session.shown_changed, lambda s: self._shown(s, s.conversations.current))
        self._notifier = QSocketNotifier(self._fd, QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._readable)

    def _on(self, signal: Any, slot: Callable[..., None]) -> None:
        signal.connect(slot)
        self._attached.append((signal, slot))

    def _attach(self, account: AccountSession) -> None:
        """Report what reaches this account's conversations and connection."""
        c, b = account.conversations, account.bridge
        self._on(c.lines_added, lambda room, lines: self._lines_added(account, room, lines))
        self._on(
            c.lines_restored,
            lambda room, lines: self._lines_added(account, room, lines, restored=True),
        )
        self._on(c.current_changed, lambda room: self._shown(account, room))
        self._on(
            c.line_changed, lambda room, _change, line: self._line_changed(account, room, line)
        )
        self._on(b.delivery_changed, lambda update: self._delivery(account, update))
        self._on(b.status_changed, lambda status: self._status(account, status))
        self._on(b.transfer_changed, lambda update: self._transfer(account, update))

    def stop(self) -> None:
        """Stop reading and reporting, before the window goes away."""
        self._notifier.setEnabled(False)
        for signal, slot in self._attached:
            with contextlib.suppress(RuntimeError, TypeError):
                signal.disconnect(slot)
        self._attached.clear()

    # ---- events -----------------------------------------------------------

    def report(self, event: dict[str, object]) -> None:
        """Report one event on stdout (one JSON line)."""
        self._emit(event)

    def _emit(self, event: dict[str, object]) -> None:
        self._out.write(json.dumps(event) + "\n")
        self._out.flush()

    def _account(self, account: Account, state: str) -> None:
        self._emit(
            {
                "event": "account",
                "account": account.id,
                "url": account.url,
                "name": account.name,
                "state": state,
            }
        )

    def report_accounts(self) -> None:
        for account in self.session.accounts.accounts():
            self._account(account, "added")

    def _status(self, account: AccountSession, status: Status) -> None:
        self._emit(
            {
                "event": "status",
                "account": account.id,
                "hosting": self.session.hosted.hosts_for(account),
                "state": status.state.value,
                "url": status.url,
                "sid": status.sid,
                "transport": status.transport,
                "error": account.bridge.texts.notice(status.error) if status.error else "",
                "window_visible": self.window.isVisible(),
            }
        )

    def _lines_added(
        self,
        account: AccountSession,
        conversation: str,
        messages: list[Message],
        restored: bool = False,
    ) -> None:
        for message in messages:
            self._emit(self._line(account, conversation, message, restored))

    def _line_changed(self, account: AccountSession, room: str, line: Message | None) -> None:
        if line is not None:
            self._emit({**self._line(account, room, line), "event": "update"})

    @staticmethod
    def _line(
        account: AccountSession, conversation: str, message: Message, restored: bool = False
    ) -> dict[str, object]:
        reply_to = None
        if message.reply_to:
            model = account.conversations.model(conversation)
            answered = model.get(message.reply_to) if model is not None else None
            reply_to = answered.id if answered is not None else message.reply_to
        return {
            "event": "message",
            "account": account.id,
            "id": message.id,
            "kind": message.kind.value,
            "text": message.text,
            "room": message.room,
            "sender": message.sender,
            "state": message.state.value if message.state else None,
            "conversation": conversation,
            "restored": restored,
            "reply_to": reply_to,
            "edited": bool(message.edited_at),
            "edited_at": message.edited_at or None,
            "deleted": message.deleted,
            "reactions": message.reactions or {},
            "attachment": None
            if message.attachment is None
            else {
                "name": message.attachment.name,
                "size": message.attachment.size,
                "type": message.attachment.type,
                "file": message.attachment.file,
            },
        }

    def _find_line(self, message_id: object) -> tuple[str, Message] | None:
        """The line of the account shown that this window reported as `message_id`."""
        if not isinstance(message_id, str):
            return None
        for room, model in self.session.shown.conversations.models():
            line = model.get(message_id)
            if line is not None:
                return room, line
        return None

    def _shown(self, account: AccountSession, room: str) -> None:
        if account is self.session.shown:
            self._emit({"event": "shown", "account": account.id, "room": room})

    def _transfer(self, account: AccountSession, update: TransferUpdate) -> None:
        self._emit(
            {
                "event": "transfer",
                "account": account.id,
                "id": update.id,
                "upload": update.upload,
                "done": update.done,
                "total": update.total,
                "state": update.state.value,
                "code": update.code,
            }
        )
        if update.state is TransferState.DONE and not update.upload and update.path:
            self._emit(
                {"event": "downloaded", "account": account.id, "id": update.id, "path": update.path}
            )

    def _delivery(self, account: AccountSession, update: DeliveryUpdate) -> None:
        self._emit(
            {
                "event": "delivery",
                "account": account.id,
                "id": update.id,
                "state": update.state.value,
                "error": update.error,
            }
        )

    # ---- commands ---------------------------------------------------------

    def _export(self, room: str, path: str, fmt: object) -> None:
        """Export as Chat → Export… does; answered when the file is written."""
        if fmt not in FORMATS:
            self._emit({"event": "error", "cmd": "export", "message": f"no format {fmt!r}"})
            return
        task = self.session.export(room, path, str(fmt))

        def done(task: asyncio.Task[int]) -> None:
            if task.cancelled():
                return
            error = task.exception()
            if error is not None:
                self._emit({"event": "error", "cmd": "export", "path": path, "message": str(error)})
            else:
                self._emit(
                    {"event": "exported", "path": path, "count": task.result(), "room": room}
                )

        task.add_done_callback(done)

    def _change_command(self, cmd: str, command: dict[str, Any]) -> None:
        """Reply, edit, delete or react through the window, as its menu does."""
        found = self._find_line(command.get("id"))
        text, emoji = command.get("text"), command.get("emoji")
        if found is None:
            self._emit(
                {"event": "error", "cmd": cmd, "id": command.get("id"), "message": "no such line"}
            )
            return
        room, line = found
        w = self.window
        w.select_room(room)
        if cmd == "reply" and isinstance(text, str):
            w.lines.start_reply(line)
            w.message_input.setPlainText(text)
            w.send_button.click()
        elif cmd == "edit" and isinstance(text, str) and w.lines.start_edit(line):
            w.message_input.setPlainText(text)
            w.send_button.click()
        elif cmd == "delete" and line.kind is Kind.OWN:
            w.lines.delete_requested.emit(line)
        elif cmd == "react" and isinstance(emoji, str) and emoji:
            w.lines.react_requested.emit(line, emoji)
        else:
            self._emit(
                {"event": "error", "cmd": cmd, "id": line.id, "message": f"cannot {cmd} this line"}
            )

    def _attach_files(self, paths: list[object], caption: object, room: str) -> None:
        """Attach as the paperclip's dialog does, the caption typed first."""
        w = self.window
        w.select_room(room)
        w.message_input.setPlainText(caption if isinstance(caption, str) else "")
        if not w.files.attach([str(p) for p in paths if isinstance(p, str)]):
            self._emit(
                {
                    "event": "error",
                    "cmd": "attach",
                    "message": w.files.note.text() or "not attached",
                }
            )

    def _download(self, command: dict[str, Any]) -> None:
        """Download (or Save as… into "folder") a line's file, as its button does."""
        found = self._find_line(command.get("id"))
        if found is None or found[1].attachment is None:
            self._emit(
                {
                    "event": "error",
                    "cmd": "download",
                    "id": command.get("id"),
                    "message": "no such file",
                }
            )
            return
        folder = command.get("folder")
        if isinstance(folder, str) and folder:
            self.window.files.download(found[1], folder)
        else:
            self.window.files.act(found[1], DOWNLOAD)

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
        account = command.get("account")
        if isinstance(account, str) and cmd not in ("remove-account", "accounts"):
            if self.session.session_of(account) is None:
                self._emit({"event": "error", "message": f"no account {account!r}"})
                return
            self.session.show_account(account)
        if cmd == "add-account" and isinstance(command.get("url"), str):
            name, profile = command.get("name", ""), command.get("profile", "")
            added = self.session.add_account(
                command["url"],
                name if isinstance(name, str) else "",
                profile if isinstance(profile, str) else "",
            )
            if added is None:
                problem = self.window.add_account_dialog.problem.text()
                self._emit({"event": "error", "message": problem or "not added"})
        elif cmd == "remove-account" and isinstance(account, str):
            self.session.remove_account(account)
        elif cmd == "accounts":
            self.report_accounts()
        elif cmd == "send" and isinstance(text, str) and isinstance(room, str):
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
            # Searched on a worker thread: the results are said when shown.
            panel = self.window.search_panel

            def report() -> None:
                panel.results_shown.disconnect(report)
                hits = panel.model.hits()
                self._emit(
                    {
                        "event": "results",
                        "texts": [hit.message.text for hit in hits],
                        "rooms": [hit.room for hit in hits],
                        "accounts": [hit.account for hit in hits],
                        "ids": [hit.message.id for hit in hits],
                    }
                )

            panel.results_shown.connect(report)
            self.window.search(text, command.get("all") is True)

        elif cmd == "export" and isinstance(room, str) and isinstance(command.get("path"), str):
            self._export(room, command["path"], command.get("format", "jsonl"))
        elif cmd == "attach" and isinstance(command.get("paths"), list) and isinstance(room, str):
            self._attach_files(command["paths"], command.get("caption", ""), room)
        elif cmd == "download":
            self._download(command)
        elif cmd in ("reply", "edit", "delete", "react"):
            self._change_command(cmd, command)
        elif cmd == "join" and isinstance(room, str):
            self.window.room_input.setText(room)
            self.window.join_button.click()
        elif cmd == "close":
            self.window.close()
        elif isinstance(cmd, str) and cmd in self.handlers:
            self.handlers[cmd](command)
        else:
            self._emit({"event": "error", "message": f"unknown command: {command!r}"})
