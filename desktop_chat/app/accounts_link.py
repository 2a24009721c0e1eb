"""The window's account: found or made in the account store, reported when it changes.

A window holds one account at a time today: its identity (the slot it
claimed, client/identity.py) on the server it is connected to. The account
is made the first time that identity connects to a server and found again
on every later start, so its id, and what is kept under it (the local
history, unread counts, the conversation shown), lasts across restarts.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import sqlite3
from concurrent.futures import Future

from PySide6.QtCore import QObject, Signal

from desktop_chat.accounts.account import Account
from desktop_chat.accounts.store import AccountStore
from desktop_chat.client.history import History
from desktop_chat.protocol.urls import ServerTarget

log = logging.getLogger(__name__)


class AccountsLink(QObject):
    """The accounts of this window's identity: found, made, changed, removed,
    each change reported once (`account_reported`) to whoever shows them."""

    # (Account, "added" | "changed" | "removed")
    account_reported = Signal(object, str)

    def __init__(self, store: AccountStore, history: History, owner: str) -> None:
        super().__init__()
        self.store = store
        self.history = history
        self.owner = owner  # this window's identity (client key)
        self._adopting: dict[str, Future[int]] = {}  # account id -> its history adoption

    def accounts(self) -> list[Account]:
        """This window's accounts, in order."""
        return self.store.accounts(self.owner)

    def for_target(
        self, target: ServerTarget, name: str, profile: str, key: str | None = None
    ) -> Account:
        """The account on a server that speaks with `key` (default: this window's
        first account there): found again, or made the first time."""
        account = (
            self.store.for_key(key, target.key)
            if key is not None
            else self.store.for_server(self.owner, target.key)
        )
        if account is None:
            return self.add(target, name, profile, key)
        return account

    def add(self, target: ServerTarget, name: str, profile: str, key: str | None = None) -> Account:
        """A new account (the same server twice, under two names, is allowed).

        The first account made for a server takes the lines an earlier version
        kept for it without saying whose (`History.adopt`, the policy is there).
        """
        legacy = self._legacy(target.key)
        account = self.store.add(
            self.owner,
            target.key,
            target.url.url,
            target.path,
            name=name,
            profile=profile,
            key=key,
            account_id=target.key if legacy else None,
        )
        if legacy:
            # Its id is the server's key, under which the lines already are: they
            # are merged on the history's writer thread (`adopted` waits for it).
            self._adopting[account.id] = self.history.adopt(target.key, name)
        self.account_reported.emit(account, "added")
        return account

    def adopting(self, account: Account) -> bool:
        """Whether an account is still taking over an earlier version's lines."""
        return account.id in self._adopting

    async def adopted(self, account: Account) -> None:
        """Once an account's lines from an earlier version are its own (at once
        for any other account): what is restored of it must wait for that."""
        future = self._adopting.pop(account.id, None)
        if future is None:
            return
        try:
            kept = await asyncio.wrap_future(future)
        except sqlite3.Error:
            log.warning("cannot take over the earlier history", exc_info=True)
            return
        log.info("account %s took over %d kept lines", account.id, kept)

    def change(self, account: Account, **changes: str) -> Account:
        """Another name or profile for an account."""
        changed = dataclasses.replace(account, **changes)  # type: ignore[arg-type]
        if changed != account:
            self.store.update(changed)
            self.account_reported.emit(changed, "changed")
        return changed

    def remove(self, account: Account) -> None:
        self.store.remove(account.id)
        self.account_reported.emit(account, "removed")

    def move(self, account: Account, offset: int) -> None:
        self.store.move(account.id, offset)
        for moved in self.accounts():
            self.account_reported.emit(moved, "changed")

    def _legacy(self, server: str) -> bool:
        try:
            return server in self.history.legacy_servers()
        except sqlite3.Error:
            log.warning("cannot read the earlier history", exc_info=True)
            return False
