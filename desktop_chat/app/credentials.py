"""Where the window keeps what an account signs in with (issue #24).

In the desktop's keyring, through the `keyring` library (on Linux the Secret
Service: GNOME Keyring, KWallet), under the service "desktop-chat" and the
account's id. Never in the settings, client.db or a log: the account store
keeps only the name it signs in with (accounts/account.py `signin`).

Where no keyring answers (no Secret Service on the bus, a locked one that
cannot be opened, or none configured), the window says so and asks at each
start, unless the user chose "Remember on this computer in a file only I
can read": then `credentials.json` in the app's data folder, created with
mode 0600 (read and written only by its owner), holds them.

Every keyring call may block on D-Bus (or on a prompt), and the file is a
disk write: all of it runs on a worker thread (`asyncio.to_thread`), never on
the Qt thread, and a keyring that does not answer within KEYRING_WAIT
counts as none.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
from collections.abc import Callable
from enum import Enum
from pathlib import Path

import keyring
import keyring.backend
import keyring.errors

from desktop_chat.client.signin import Credentials

log = logging.getLogger(__name__)

SERVICE = "desktop-chat"
FILE_NAME = "credentials.json"
KEYRING_WAIT = 10.0  # seconds a keyring call may take before it counts as no keyring


class Kept(Enum):
    KEYRING = "keyring"
    FILE = "file"
    NOWHERE = "nowhere"


def _encode(credentials: Credentials) -> str:
    return json.dumps(
        {"user": credentials.user, "password": credentials.password, "token": credentials.token}
    )


def _decode(text: object) -> Credentials | None:
    try:
        data = json.loads(text) if isinstance(text, str) else text
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    fields = {k: data.get(k) for k in ("user", "password", "token")}
    if not all(isinstance(v, str) for v in fields.values()):
        return None
    found = Credentials(**fields)  # type: ignore[arg-type]
    return found if found.token or (found.user and found.password) else None


class CredentialVault:
    """The keyring, or the user's own file, for every account of the app."""

    def __init__(
        self,
        folder: Path,
        backend: Callable[[], keyring.backend.KeyringBackend] = keyring.get_keyring,
    ) -> None:
        self.path = folder / FILE_NAME
        self._backend = backend
        self.keyring_works: bool | None = None  # None: not asked yet

    # ---- the keyring (worker thread) -----------------------------------------

    async def _keyring(self, call: Callable[[keyring.backend.KeyringBackend], object]) -> object:
        """`call` on the keyring, on a worker thread; raises KeyringError when
        there is none, it fails or it does not answer in time."""

        def work() -> object:
            return call(self._backend())

        try:
            result = await asyncio.wait_for(asyncio.to_thread(work), KEYRING_WAIT)
        except TimeoutError as exc:
            self.keyring_works = False
            raise keyring.errors.KeyringError("the keyring did not answer") from exc
        except Exception as exc:  # NoKeyringError, a locked collection, D-Bus errors
            self.keyring_works = False
            log.info("no keyring: %s", type(exc).__name__)
            raise keyring.errors.KeyringError(type(exc).__name__) from exc
        self.keyring_works = True
        return result

    async def has_keyring(self) -> bool:
        """Whether a keyring answers (asked once; later calls update it)."""
        if self.keyring_works is None:
            with contextlib.suppress(keyring.errors.KeyringError):
                await self._keyring(lambda ring: ring.get_password(SERVICE, "-probe-"))
        return bool(self.keyring_works)

    # ---- what the window asks --------------------------------------------------

    async def load(self, account: str) -> tuple[Credentials | None, Kept]:
        """What `account` signs in with, and where it was found."""
        with contextlib.suppress(keyring.errors.KeyringError):
            found = _decode(await self._keyring(lambda ring: ring.get_password(SERVICE, account)))
            if found is not None:
                return found, Kept.KEYRING
        found = (await asyncio.to_thread(self._read_file)).get(account)
        if found is not None:
            return found, Kept.FILE
        return None, Kept.NOWHERE

    async def save(self, account: str, credentials: Credentials, *, file_ok: bool) -> Kept:
        """Keep them in the keyring; where none answers, in the 0600 file if the user
        said so (`file_ok`), else nowhere (asked again at the next start)."""
        secret = _encode(credentials)
        try:
            await self._keyring(lambda ring: ring.set_password(SERVICE, account, secret))
        except keyring.errors.KeyringError:
            if not file_ok:
                return Kept.NOWHERE
            await asyncio.to_thread(self._write_file, account, credentials)
            return Kept.FILE
        # Kept in the keyring: no copy stays in a file from before.
        await asyncio.to_thread(self._write_file, account, None)
        return Kept.KEYRING

    async def forget(self, account: str) -> None:
        with contextlib.suppress(keyring.errors.KeyringError):
            await self._keyring(lambda ring: _delete(ring, account))
        await asyncio.to_thread(self._write_file, account, None)

    # ---- the file (worker thread) ----------------------------------------------

    def _read_file(self) -> dict[str, Credentials]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict):
            return {}
        kept = {str(k): _decode(v) for k, v in data.items()}
        return {k: v for k, v in kept.items() if v is not None}

    def _write_file(self, account: str, credentials: Credentials | None) -> None:
        """Change one account's entry; the file is made 0600 before anything is
        written in it and replaced whole, so no other user ever reads a byte."""
        kept = self._read_file()
        if credentials is None:
            if account not in kept:
                return
            del kept[account]
        else:
            kept[account] = credentials
        if not kept:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({k: json.loads(_encode(v)) for k, v in kept.items()})
        temporary = self.path.with_name(FILE_NAME + ".new")
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, self.path)


def _delete(ring: keyring.backend.KeyringBackend, account: str) -> None:
    with contextlib.suppress(keyring.errors.PasswordDeleteError):
        ring.delete_password(SERVICE, account)
