"""The accounts of this user, kept in the client's database (`client.db`).

One row per account. A window's identity (its slot's client key, see
client/identity.py) owns the accounts it made; the account for a server is
made the first time that identity connects there and found again on every
later start, so that its id, and all that is keyed by it, lasts.
"""

from __future__ import annotations

import sqlite3

from desktop_chat.accounts.account import Account, new_account_id

_COLUMNS = "id, owner, server, url, path, name, profile, position"


def _account(row: tuple[object, ...]) -> Account:
    id_, owner, server, url, path, name, profile, position = row
    return Account(
        str(id_), str(owner), str(server), str(url), str(path), str(name), str(profile),
        int(position),  # type: ignore[call-overload]
    )


class AccountStore:
    """Reads and writes on the thread that made it (the window's); a few rows."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def accounts(self, owner: str | None = None) -> list[Account]:
        """Every account (of one identity), in the window's order."""
        if owner is None:
            rows = self.db.execute(
                f"SELECT {_COLUMNS} FROM accounts ORDER BY position, rowid"
            ).fetchall()
        else:
            rows = self.db.execute(
                f"SELECT {_COLUMNS} FROM accounts WHERE owner = ? ORDER BY position, rowid",
                (owner,),
            ).fetchall()
        return [_account(row) for row in rows]

    def get(self, account_id: str) -> Account | None:
        row = self.db.execute(
            f"SELECT {_COLUMNS} FROM accounts WHERE id = ?", (account_id,)
        ).fetchone()
        return None if row is None else _account(row)

    def for_server(self, owner: str, server: str) -> Account | None:
        """The first account of this identity on this server, if there is one."""
        row = self.db.execute(
            f"SELECT {_COLUMNS} FROM accounts WHERE owner = ? AND server = ?"
            " ORDER BY position, rowid LIMIT 1",
            (owner, server),
        ).fetchone()
        return None if row is None else _account(row)

    def add(
        self, owner: str, server: str, url: str, path: str, name: str = "", profile: str = ""
    ) -> Account:
        """A new account (the same server may have several, under other names)."""
        position = int(self.db.execute(
            "SELECT coalesce(max(position), -1) + 1 FROM accounts WHERE owner = ?", (owner,)
        ).fetchone()[0])
        account = Account(new_account_id(), owner, server, url, path, name, profile, position)
        with self.db:
            self.db.execute(
                f"INSERT INTO accounts ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (account.id, owner, server, url, path, name, profile, position),
            )
        return account

    def update(self, account: Account) -> None:
        with self.db:
            self.db.execute(
                "UPDATE accounts SET server = ?, url = ?, path = ?, name = ?, profile = ?,"
                " position = ? WHERE id = ?",
                (account.server, account.url, account.path, account.name, account.profile,
                 account.position, account.id),
            )

    def remove(self, account_id: str) -> None:
        with self.db:
            self.db.execute("DELETE FROM accounts WHERE id = ?", (account_id,))
