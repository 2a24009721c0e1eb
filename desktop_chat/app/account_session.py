"""One account in the window: its client, bridge, conversations, history and presence.

A window holds one `AccountSession` per account (app/session.py). Each has
its own connection, status, outbox, catch-up, conversations and presence;
the window shows one of them at a time, and only that one answers the
window's intents (`active`): what the user types, searches or scrolls to
belongs to the account shown.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from desktop_chat.accounts.account import Account
from desktop_chat.app.accounts_link import AccountsLink
from desktop_chat.app.credentials import CredentialVault
from desktop_chat.app.file_link import FileLink
from desktop_chat.app.keeping import Keeping
from desktop_chat.app.presence_link import PresenceLink
from desktop_chat.app.signin_link import AccountRef, SigninLink
from desktop_chat.client.channels import ChannelStore
from desktop_chat.client.chat_client import Backoff, ChatClient, TlsOptions
from desktop_chat.client.drafts import DraftStore
from desktop_chat.client.history import History
from desktop_chat.client.outbox import Outbox
from desktop_chat.client.status import Status
from desktop_chat.protocol.messages import DeliveryUpdate, display_text
from desktop_chat.protocol.urls import ServerTarget
from desktop_chat.ui.bridge import ClientBridge
from desktop_chat.ui.conversations import Conversations
from desktop_chat.ui.main_window import MainWindow


@dataclass(slots=True)
class ClientOptions:
    """What every account of a window is made with (the command line's options)."""

    backoff: Backoff | None = None
    token: str | None = None
    send_token_over_http: bool = False
    tls: TlsOptions | None = None
    transports: list[str] | None = None


class AccountSession:
    def __init__(
        self,
        account: Account,
        name: str,
        database: sqlite3.Connection,
        history: History,
        window: MainWindow,
        options: ClientOptions,
        vault: CredentialVault,
        accounts: AccountsLink,
    ) -> None:
        self.account = account
        self._accounts = accounts
        self.window = window
        self.client = ChatClient(
            name,
            backoff=options.backoff,
            outbox=Outbox(database, account.key),
            channels=ChannelStore(database, account.key),
            client_id=account.key,
            token=options.token,
            send_token_over_http=options.send_token_over_http,
            tls=options.tls or TlsOptions(),
            transports=options.transports,
        )
        # Catch up from what the history kept with its lines (history.offsets).
        # (self.account, not `account`: the session's account is set anew once known.)
        self.client.offsets_kept = lambda server: (
            history.offsets(self.account.id)
            if self.account.id and server == self.account.server
            else {}
        )
        self.bridge = ClientBridge(self.client)
        self.conversations = Conversations(lambda: self.client.says_rooms)
        self.conversations.me = lambda: self.client.name
        # History and drafts of the conversations, on disk (app/keeping.py).
        self.keeping = Keeping(
            history,
            DraftStore(database, account.key),
            self.conversations,
            window,
            rooms=self.client.rooms_kept,
        )
        self.presence = PresenceLink(self.bridge, self.conversations, window)
        self.files = FileLink(self.bridge, self.conversations, window)
        self.status: Status = self.client.status
        self.status_text = ""  # the status line in detail (its tooltip)
        self.status_summary = ""  # and in words for people
        self.bridge.messages_added.connect(self.conversations.route)
        self.bridge.delivery_changed.connect(self._delivery)
        self.bridge.changed.connect(self.conversations.apply)
        # The window keeps what it drew of a line by id, for every conversation
        # it shows: a line changed in one not shown is drawn anew.
        self.conversations.line_changed.connect(
            lambda _room, change, line: window.line_changed(line.id if line else change.target)
        )
        self.bridge.join_refused.connect(self.conversations.remove)
        self.bridge.status_changed.connect(self._status)
        self.bridge.status_text_changed.connect(self._status_text)
        self.bridge.connected_to.connect(self._rooms_known)
        # Accounts (issue #24): signing in, private rooms, being taken out of one.
        self.signin = SigninLink(
            self.bridge, vault, window, AccountRef(lambda: self.account, self._signed_in)
        )
        self.bridge.room_removed.connect(self.conversations.remove)
        self.bridge.room_added.connect(self.conversations.add)
        self.bridge.room_answered.connect(
            lambda kind, room, code, _name: (
                self.join(room) if kind == "create" and not code else None
            )
        )
        self.bridge.private_rooms_changed.connect(
            lambda: self.conversations.list_model.set_private(self.client.private_rooms.rooms)
        )
        self.set_active(False)

    @property
    def id(self) -> str:
        return self.account.id

    @property
    def target(self) -> ServerTarget | None:
        return self.client.target

    def set_active(self, active: bool) -> None:
        """Shown in the window (answers its intents) or not."""
        self.keeping.active = active
        self.presence.active = active
        self.files.active = active

    def unread(self) -> int:
        return self.conversations.state.total()

    def _signed_in(self, name: str) -> None:
        """The account signs in as `name` (kept; its secret is in the keyring)."""
        if self.account.id:
            self.account = self._accounts.change(self.account, signin=name)

    def _status(self, status: Status) -> None:
        self.status = status

    def _status_text(self, summary: str, details: str) -> None:
        self.status_text = details
        self.status_summary = summary

    def _delivery(self, update: DeliveryUpdate) -> None:
        for _room, model in self.conversations.models():
            model.update_state(update)
        self.keeping.delivery(update)

    def _rooms_known(self, target: ServerTarget) -> None:
        """The rooms this account is in (rejoined from an earlier run) get their row."""
        for room in self.client.rooms:
            self.conversations.add(room)
        if self.client.rooms and not self.conversations.fallback_room:
            self.conversations.fallback_room = self.client.rooms[-1]

    def join(self, room: str) -> None:
        """Join from the sidebar: the room's conversation is shown, and on a server
        that does not name rooms, messages from others go there from now on."""
        room = room.strip()
        if not room:
            return
        self.conversations.show(room)
        if self.client.profile.rooms:
            self.conversations.fallback_room = room
        self.bridge.join(room)

    def leave(self, room: str) -> None:
        told = self.client.leave(room)
        self.conversations.remove(room)
        if told:
            return
        self.bridge.show_system(
            QCoreApplication.translate(
                "ChatSession",
                "This server has no way to leave a room: {room} is hidden here, and the "
                "window reconnected without it so that its messages stop.",
            ).format(room=f"#{display_text(room)}")
        )

    async def close(self) -> None:
        self.signin.close()
        self.keeping.close()
        await self.files.close()
        await self.client.close()
        self.bridge.detach()

    def dispose(self) -> None:
        """A removed account, closed: its Qt objects go, and with them every
        connection that held it (its own signals' and the window's)."""
        for part in (self.keeping, self.presence, self.files, self.conversations, self.bridge):
            part.deleteLater()
