"""The window's account: found or made in the account store, reported when it changes.

A window holds one account at a time today: its identity (the slot it
claimed, client/identity.py) on the server it is connected to. The account
is made the first time that identity connects to a server and found again
on every later start, so its id, and what is kept under it (the local
history, unread counts, the conversation shown), lasts across restarts.
"""

from __future__ import annotations

import logging
import sqlite3

from PySide6.QtCore import QObject, Signal

from desktop_chat.accounts.account import Account
from desktop_chat.accounts.store import AccountStore
from desktop_chat.client.history import History
from desktop_chat.protocol.urls import ServerTarget

log = logging.getLogger(__name__)


class AccountsLink(QObject):
    # An account was added, changed or removed: (Account, "added" | "changed" | "removed").
    account_reported = Signal(object, str)

    def __init__(self, store: AccountStore, history: History, owner: str) -> None:
        super().__init__()
        self.store = store
        self.history = history
        self.owner = owner  # this window's identity (client key)
        self.current: Account | None = None

    def accounts(self) -> list[Account]:
        """This window's accounts, in order."""
        return self.store.accounts(self.owner)

    def report_all(self) -> None:
        for account in self.accounts():
            self.account_reported.emit(account, "added")

    def for_target(self, target: ServerTarget, name: str, profile: str) -> Account:
        """This window's account on a server: found again, or made the first time.

        The first account made for a server takes the lines an earlier version
        kept for it without saying whose (`History.adopt`, the policy is there).
        """
        account = self.store.for_server(self.owner, target.key)
        if account is None:
            account = self.store.add(
                self.owner, target.key, target.url.url, target.path, name=name, profile=profile
            )
            self._adopt_legacy(account, name)
            self.account_reported.emit(account, "added")
        elif account.name != name or (profile and account.profile != profile):
            account = Account(
                account.id, account.owner, account.server, account.url, account.path,
                name, profile or account.profile, account.position,
            )
            self.store.update(account)
            self.account_reported.emit(account, "changed")
        self.current = account
        return account

    def _adopt_legacy(self, account: Account, name: str) -> None:
        try:
            if account.server not in self.history.legacy_servers():
                return
            kept = self.history.adopt(account.server, account.id, name)
        except sqlite3.Error:
            log.warning("cannot take over the earlier history", exc_info=True)
            return
        log.info("account %s took over %d kept lines of %s", account.id, kept, account.server)
