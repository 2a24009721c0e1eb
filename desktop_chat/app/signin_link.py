"""Signing one account in (issue #24): the form when its server asks, the
credentials from and to the keyring (app/credentials.py), the sign-in name
in the account store.

One per `AccountSession`. The client stops retrying when the server refuses
a sign-in (client/connection.py `held`); this shows the form with the
reason, hands what the user typed to the client, and once the server has
taken it (its `server-info` names the account) keeps it where the user
chose, off the Qt thread. A secret is never logged nor kept in the account
store, only the name it signs in with.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import QObject

from desktop_chat.accounts.account import Account
from desktop_chat.app.credentials import CredentialVault, Kept
from desktop_chat.client.notices import SigninNeeded
from desktop_chat.client.signin import SIGNIN_RATE, Credentials
from desktop_chat.client.status import Status
from desktop_chat.ui.bridge import ClientBridge
from desktop_chat.ui.main_window import MainWindow
from desktop_chat.ui.signin_dialog import SignInDialog

log = logging.getLogger(__name__)


class AccountRef:
    """How the link reads the session's account (set anew as it becomes known)
    and records the name it signed in with (through the one owner of accounts)."""

    def __init__(self, get: Callable[[], Account], signed_in: Callable[[str], None]) -> None:
        self.get = get
        self.signed_in = signed_in


class SigninLink(QObject):
    def __init__(
        self,
        bridge: ClientBridge,
        vault: CredentialVault,
        window: MainWindow,
        account: AccountRef,
    ) -> None:
        super().__init__(bridge)
        self.bridge = bridge
        self.client = bridge.client
        self.vault = vault
        self.window = window
        self._account = account
        self.dialog: SignInDialog | None = None
        # What the user typed, until the server takes it (then kept): the
        # credentials and whether a file may hold them.
        self._typed: tuple[Credentials, bool] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.kept = Kept.NOWHERE  # where the credentials in use were found or put
        bridge.status_changed.connect(self._status)
        bridge.info_received.connect(self._info)

    async def restore(self) -> None:
        """Before the account's first connection: what it signed in with last time,
        from the keyring (or the user's file). Only for an account that has
        signed in before: the others' start asks no keyring anything."""
        account = self._account.get()
        if not account.id or not account.signin or self.client.credentials is not None:
            return
        found, self.kept = await self.vault.load(account.id)
        if found is not None and self.client.credentials is None:
            self.client.credentials = found

    # ---- the form ----------------------------------------------------------------

    def _status(self, status: Status) -> None:
        held = self.client.held
        if held is not None and held.code != SIGNIN_RATE:
            self.ask(held.code)
        elif (
            isinstance(status.error, SigninNeeded)
            and status.error.code == SIGNIN_RATE
            and self.dialog is not None
            and self.dialog.isVisible()
        ):
            # Said in the form too; the client tries again on its own after a minute.
            self.dialog.ask(
                SIGNIN_RATE, status.url, self._account.get().signin, self.vault.keyring_works
            )

    def ask(self, code: str = "") -> None:
        """Show the form (again), saying why."""
        if self.dialog is None:
            self.dialog = SignInDialog(self.window)
            self.dialog.signin_requested.connect(self._typed_in)
        target = self.client.target
        server = target.url.url if target is not None else ""
        account = self._account.get()
        self.dialog.ask(code, server, account.signin, self.vault.keyring_works)
        if self.vault.keyring_works is None:
            self._spawn(self._probe())

    async def _probe(self) -> None:
        available = await self.vault.has_keyring()
        if self.dialog is not None:
            self.dialog.set_keyring(available)

    def _typed_in(self, user: str, password: str, token: str, file_ok: bool) -> None:
        credentials = Credentials(user, password, token)
        self._typed = (credentials, file_ok)
        self.bridge.sign_in(credentials)

    def sign_out(self) -> None:
        """Forget the credentials (keyring and file) and stop; the form is shown."""
        account = self._account.get()
        self._typed = None
        if account.id:
            self._spawn(self.vault.forget(account.id))
        self.bridge.sign_out()

    # ---- signed in -----------------------------------------------------------------

    def _info(self) -> None:
        """The server said who we are: what was typed worked; keep it."""
        name = self.client.account
        if not name or self._typed is None:
            return
        credentials, file_ok = self._typed
        self._typed = None
        if self.dialog is not None:
            self.dialog.signed_in()
        self._account.signed_in(name)
        account = self._account.get()
        if account.id:
            self._spawn(self._keep(account.id, credentials, file_ok))

    async def _keep(self, account: str, credentials: Credentials, file_ok: bool) -> None:
        self.kept = await self.vault.save(account, credentials, file_ok=file_ok)
        log.info("sign-in of account %s kept: %s", account, self.kept.value)
        self.bridge.show_system(SignInDialog.kept_text(self.kept.value, str(self.vault.path)))

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        if self.dialog is not None:
            self.dialog.deleteLater()
            self.dialog = None
