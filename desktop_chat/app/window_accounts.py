"""The accounts of one window: an `AccountSession` each, the one shown, and the
rail's rows (ui/account_list_model.py) that follow their states and unread
totals.

`ChatSession` (session.py) makes the sessions and wires the window to the
shown one; this keeps the list, its order (the account store's), and the
switch: only the shown account answers the window (`AccountSession.active`),
and an account not on screen counts what comes as unread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from desktop_chat.accounts.account import Account
from desktop_chat.app.account_session import AccountSession
from desktop_chat.app.accounts_link import AccountsLink
from desktop_chat.ui.account_list_model import AccountListModel, AccountRow
from desktop_chat.ui.main_window import MainWindow


class WindowAccounts(QObject):
    # An account joined the window / left it (its AccountSession).
    session_added = Signal(object)
    session_removed = Signal(object)
    # Another account is shown (its AccountSession).
    shown_changed = Signal(object)

    def __init__(
        self,
        accounts: AccountsLink,
        window: MainWindow,
        make: Callable[[Account, str], AccountSession],
    ) -> None:
        super().__init__()
        self.accounts = accounts
        self.window = window
        self._make = make
        self.rows = AccountListModel(self)
        self.sessions: list[AccountSession] = []
        self.shown: AccountSession | None = None
        self._closing: set[asyncio.Future[None]] = set()

    def session_of(self, account: str) -> AccountSession | None:
        for session in self.sessions:
            if session.account.id == account:
                return session
        return None

    def add(self, account: Account, name: str) -> AccountSession:
        """An account's session in the window (the first one is shown)."""
        session = self._make(account, name)
        self.sessions.append(session)
        b, counts = session.bridge, session.conversations.list_model
        b.status_changed.connect(lambda _status, s=session: self._update(s))
        for signal in (counts.dataChanged, counts.rowsInserted, counts.rowsRemoved):
            signal.connect(lambda *_a, s=session: self.rows.update(s.account.id, unread=s.unread()))
        if self.shown is None:
            self.shown = session
            session.set_active(True)
            self.window.show_account("", session.conversations.list_model)
            c = session.conversations
            self.window.show_conversation(c.current, c.current_model)
        self.session_added.emit(session)
        return session

    def _update(self, session: AccountSession) -> None:
        """The facts of an account's row that change as it connects: its state,
        the profile it speaks, whether this window hosts its server."""
        self.rows.update(
            session.account.id,
            state=session.status.state,
            profile=session.client.profile.name,
            hosting=bool(session.bridge.hosting),
        )

    def refresh(self) -> None:
        """The rail's rows anew, in the accounts' order."""
        order = {a.id: a.position for a in self.accounts.accounts()}
        self.sessions.sort(key=lambda s: order.get(s.account.id, len(order)))
        self.rows.set_accounts(
            [
                AccountRow(
                    s.account.id,
                    s.client.name,
                    s.account.url or (s.target.url.url if s.target else ""),
                    s.status.state,
                    s.unread(),
                    s.client.profile.name,
                    bool(s.bridge.hosting),
                )
                for s in self.sessions
                if s.account.id
            ]
        )
        if self.shown is not None:
            self.window.select_account(self.shown.account.id)

    def show(self, account: str) -> AccountSession | None:
        """Show another account's conversations; the input, search and presence
        are its from now on. Returns it (None if it is shown already or unknown)."""
        session = self.session_of(account)
        old = self.shown
        if session is None or session is old or old is None:
            return None
        old.keeping.save_draft()
        old.set_active(False)
        old.conversations.set_seen(False)  # not on screen: what comes is unread
        self.shown = session
        session.set_active(True)
        self.window.show_account(account, session.conversations.list_model)
        c = session.conversations
        self.window.show_conversation(c.current, c.current_model)
        c.set_seen(self.window.seen())
        session.keeping.load_draft()
        session.presence.show_for(c.current)
        return session

    def announce_shown(self) -> None:
        self.shown_changed.emit(self.shown)

    def remove(self, account: str) -> AccountSession | None:
        """Forget an account: disconnected, no longer in the window nor at the next
        start (its history stays on disk). The last account stays. Returns the
        account shown instead, if the removed one was shown."""
        session = self.session_of(account)
        listed = [s for s in self.sessions if s.account.id]
        if session is None or len(listed) < 2:
            return None
        instead = None
        if session is self.shown:
            instead = self.show(next(s for s in listed if s is not session).account.id)
        self.sessions.remove(session)
        self.accounts.remove(session.account)
        self.refresh()
        self.session_removed.emit(session)
        closing = asyncio.ensure_future(session.close())
        self._closing.add(closing)
        closing.add_done_callback(self._closing.discard)
        closing.add_done_callback(lambda _f: session.dispose())
        return instead

    def move(self, account: str, offset: int) -> None:
        session = self.session_of(account)
        if session is not None:
            self.accounts.move(session.account, offset)
            self.refresh()
