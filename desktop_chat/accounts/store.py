"""The accounts of this user, kept in the client's database (`client.db`).

One row per account. A window's identity (its slot's client key, see
client/identity.py) owns the accounts it made; the account for a server is
made the first time that identity connects there and found again on every
later start, so that its id, and all that is keyed by it, lasts.
"""

from __future__ import annotations

import sqlite3
import uuid

from desktop_chat.accounts.account import Account, new_account_id

_COLUMNS = "id, owner, key, server, url, path, name, profile, position, signin"


def _account(row: tuple[object, ...]) -> Account:
    id_, owner, key, server, url, path, name, profile, position, signin = row
    return Account(
        str(id_),
        str(owner),
        str(key),
        str(server),
        str(url),
        str(path),
        str(name),
        str(profile),
        int(position),  # type: ignore[call-overload]
        str(signin),
    )


class AccountStore:
    """Reads and writes on the thread that made it (the window's); a few rows."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def accounts(self, owner: str | None = None) -> list[Account]:
        """The accounts listed in the window (of one identity), in the window's order."""
        if owner is None:
            rows = self.db.execute(
                f"SELECT {_COLUMNS} FROM accounts WHERE listed ORDER BY position, rowid"
            ).fetchall()
        else:
            rows = self.db.execute(
                f"SELECT {_COLUMNS} FROM accounts WHERE owner = ? AND listed"
                " ORDER BY position, rowid",
                (owner,),
            ).fetchall()
        return [_account(row) for row in rows]

    def set_listed(self, account_id: str, listed: bool) -> None:
        """Whether an account is in the window: one whose address was changed in the
        window is kept (its history with it) but no longer listed, until that
        address is used again."""
        with self.db:
            self.db.execute(
                "UPDATE accounts SET listed = ? WHERE id = ?", (int(listed), account_id)
            )

    def get(self, account_id: str) -> Account | None:
        row = self.db.execute(
            f"SELECT {_COLUMNS} FROM accounts WHERE id = ?", (account_id,)
        ).fetchone()
        return None if row is None else _account(row)

    def for_server(self, owner: str, server: str) -> Account | None:
        """The first account of this identity on this server, listed or not."""
        row = self.db.execute(
            f"SELECT {_COLUMNS} FROM accounts WHERE owner = ? AND server = ?"
            " ORDER BY position, rowid LIMIT 1",
            (owner, server),
        ).fetchone()
        return None if row is None else _account(row)

    def for_key(self, key: str, server: str) -> Account | None:
        """The account that speaks with this client key to this server."""
        row = self.db.execute(
            f"SELECT {_COLUMNS} FROM accounts WHERE key = ? AND server = ?", (key, server)
        ).fetchone()
        return None if row is None else _account(row)

    def add(
        self,
        owner: str,
        server: str,
        url: str,
        path: str,
        name: str = "",
        profile: str = "",
        key: str | None = None,
        account_id: str | None = None,
    ) -> Account:
        """A new account (the same server may have several, under other names).

        The identity's first account on a server speaks with the identity's own
        client key, which is what the outbox, offsets and drafts of a version
        before accounts are kept under; another one on the same server gets a
        key of its own, so that the server tells the two apart (unless `key`).
        """
        position = int(
            self.db.execute(
                "SELECT coalesce(max(position), -1) + 1 FROM accounts WHERE owner = ?", (owner,)
            ).fetchone()[0]
        )
        if key is None:
            taken = self.for_key(owner, server) is not None
            key = uuid.uuid4().hex if taken else owner
        account = Account(
            account_id or new_account_id(),
            owner,
            key,
            server,
            url,
            path,
            name,
            profile,
            position,
        )
        with self.db:
            self.db.execute(
                f"INSERT INTO accounts ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (account.id, owner, key, server, url, path, name, profile, position, ""),
            )
        return account

    def move(self, account_id: str, offset: int) -> None:
        """Move an account up (-1) or down (+1) among its identity's accounts."""
        account = self.get(account_id)
        if account is None:
            return
        order = [a.id for a in self.accounts(account.owner)]
        at = order.index(account_id)
        to = max(0, min(len(order) - 1, at + offset))
        order.insert(to, order.pop(at))
        with self.db:
            self.db.executemany(
                "UPDATE accounts SET position = ? WHERE id = ?",
                [(n, id_) for n, id_ in enumerate(order)],
            )

    def update(self, account: Account) -> None:
        with self.db:
            self.db.execute(
                "UPDATE accounts SET server = ?, url = ?, path = ?, name = ?, profile = ?,"
                " position = ?, signin = ? WHERE id = ?",
                (
                    account.server,
                    account.url,
                    account.path,
                    account.name,
                    account.profile,
                    account.position,
                    account.signin,
                    account.id,
                ),
            )

    def remove(self, account_id: str) -> None:
        with self.db:
            self.db.execute("DELETE FROM accounts WHERE id = ?", (account_id,))
