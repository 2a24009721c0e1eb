"""Accounts and private rooms of desktop-chat-server (issue #24).

Without `--accounts` anyone who reaches the server may call themselves
anything and join any room; the shared `--token` only narrows "anyone".
With `--accounts` a connection signs in (`auth.token`, or `auth.user` with
`auth.password`) and is then known by its account: the name others see is
the account's, its send rate and replay budget follow the account, and a
private room takes only its members.

Where it is kept: the server's own store, so that an admin command
(`desktop-chat-server users …`, `rooms …`, server/admin.py) and every
server process agree. On SQLite, tables of the message database (schema
version 4, server/history.py); with `--redis`, two hashes under the prefix.
Tokens are kept only as their sha256 (a token is 256 random bits, so a
plain hash cannot be walked back); passwords as argon2 hashes.

How a change reaches connections already open: every change bumps one
counter (`acl_version` on SQLite, `<prefix>:acl-version` on Redis), and
each process reads it once a second (`Access.keep_watching`). When it
moved, the process reloads the whole list (a team's accounts and rooms: a
few kilobytes) and holds every open connection to it (`ChatServer.enforce`):
a connection whose token was replaced, whose password changed or whose
account went is told `signed-out` and disconnected; one in a private room
it is no longer a member of is taken out of it (`room-removed`). So a
removal or revocation takes effect within about a second, on every process,
and what the hot path (a message, its fan-out) checks is what it checked
before: the connection's own fields, never the store.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import secrets
import sqlite3
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from desktop_chat.protocol.limits import Limits
from desktop_chat.server.defaults import MAX_NAME_CHARS
from desktop_chat.server.meters import Meters

log = logging.getLogger(__name__)

WATCH_SECONDS = 1.0  # how often each process looks at the change counter
TOKEN_BYTES = 32  # 256 random bits

# Sign-in refusals: the `code` of connect_error's data (docs/protocol.md).
SIGNIN_REQUIRED = "signin-required"
BAD_CREDENTIALS = "bad-credentials"
SIGNIN_RATE = "signin-rate"
REVOKED = "revoked"
NO_ACCOUNT = "no-account"
NOT_A_MEMBER = "not-a-member"


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def name_problem(name: object) -> str | None:
    """Why `name` cannot be an account's (None: it can). Names are what others
    see next to messages: no spaces at the ends, nothing unprintable."""
    if not isinstance(name, str) or not name or name != name.strip():
        return "a name is a non-empty string without spaces at its ends"
    if len(name) > MAX_NAME_CHARS:
        return f"names are at most {MAX_NAME_CHARS} characters"
    if not name.isprintable():
        return "a name holds no control characters"
    return None


class AccountError(Exception):
    """An admin request or socket event that cannot be done: a code and words."""

    def __init__(self, code: str, words: str) -> None:
        super().__init__(words)
        self.code = code
        self.words = words


@dataclass(frozen=True, slots=True)
class Account:
    name: str
    token: str  # sha256 of the sign-in token
    old_token: str = ""  # sha256 of the token it replaced: a sign-in with it is told "revoked"
    password: str = ""  # argon2 hash, "" when none was set
    created: float = 0.0

    def as_json(self) -> str:
        return json.dumps([self.token, self.old_token, self.password, self.created])

    @classmethod
    def from_json(cls, name: str, text: str | bytes) -> Account:
        token, old, password, created = json.loads(text)
        return cls(name, str(token), str(old), str(password), float(created))


@dataclass(frozen=True, slots=True)
class Acl:
    """Everything the server knows of accounts and private rooms, at one version."""

    version: int = 0
    accounts: Mapping[str, Account] = field(default_factory=dict)
    private: Mapping[str, frozenset[str]] = field(default_factory=dict)
    by_token: Mapping[str, str] = field(default_factory=dict)
    by_old_token: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(
        cls, version: int, accounts: Mapping[str, Account], private: Mapping[str, frozenset[str]]
    ) -> Acl:
        return cls(
            version,
            dict(accounts),
            dict(private),
            {a.token: a.name for a in accounts.values()},
            {a.old_token: a.name for a in accounts.values() if a.old_token},
        )

    def may_enter(self, account: str | None, room: str) -> bool:
        """Whether `account` (None: a connection without one) may be in `room`."""
        members = self.private.get(room)
        return members is None or (account is not None and account in members)


def added_rooms(old: Acl, new: Acl, account: str) -> list[str]:
    """The private rooms `account` is a member of in `new` and was not in `old`."""
    return sorted(
        room
        for room, members in new.private.items()
        if account in members and account not in old.private.get(room, frozenset())
    )


def removed_rooms(old: Acl, new: Acl, account: str) -> list[str]:
    """The private rooms `account` was a member of in `old` and is not in `new`."""
    return sorted(
        room
        for room, members in old.private.items()
        if account in members and account not in new.private.get(room, frozenset())
    )


class AccountStore(Protocol):
    """Where accounts and private rooms are kept; every write bumps the version."""

    async def version(self) -> int: ...

    async def load(self) -> Acl: ...

    async def put_account(self, account: Account | None, name: str) -> None:
        """Write `account` under `name` (None: remove it, and it from every room)."""
        ...

    async def put_room(self, room: str, members: frozenset[str] | None) -> None:
        """Make `room` private with these members (None: public again)."""
        ...


# ---- SQLite: tables of the message database (server/history.py, version 4) -----

# The tables are server/history.py's (ACCOUNTS_SCHEMA, version 4).
# A private room without members yet is kept as a row with member ''.


class SqliteAccounts:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    async def version(self) -> int:
        return int(self.db.execute("SELECT n FROM acl_version").fetchone()[0])

    async def load(self) -> Acl:
        db = self.db
        db.execute("BEGIN")
        try:
            version = int(db.execute("SELECT n FROM acl_version").fetchone()[0])
            accounts = {
                row[0]: Account(*row)
                for row in db.execute(
                    "SELECT name, token, old_token, password, created FROM accounts"
                )
            }
            private: dict[str, set[str]] = {}
            for room, member in db.execute("SELECT room, member FROM private_rooms"):
                members = private.setdefault(room, set())
                if member:
                    members.add(member)
        finally:
            db.execute("COMMIT")
        return Acl.of(version, accounts, {r: frozenset(m) for r, m in private.items()})

    def _write(self, statements: list[tuple[str, tuple[object, ...]]]) -> None:
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            for sql, params in statements:
                db.execute(sql, params)
            db.execute("UPDATE acl_version SET n = n + 1")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    async def put_account(self, account: Account | None, name: str) -> None:
        if account is None:
            self._write(
                [
                    ("DELETE FROM accounts WHERE name = ?", (name,)),
                    ("DELETE FROM private_rooms WHERE member = ?", (name,)),
                ]
            )
            return
        self._write(
            [
                (
                    "INSERT OR REPLACE INTO accounts (name, token, old_token, password, created)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (name, account.token, account.old_token, account.password, account.created),
                )
            ]
        )

    async def put_room(self, room: str, members: frozenset[str] | None) -> None:
        statements: list[tuple[str, tuple[object, ...]]] = [
            ("DELETE FROM private_rooms WHERE room = ?", (room,))
        ]
        if members is not None:
            statements += [
                ("INSERT INTO private_rooms (room, member) VALUES (?, ?)", (room, member))
                for member in sorted(members) or [""]
            ]
        self._write(statements)


# ---- Redis: two hashes and a counter under the prefix ------------------------


class RedisAccounts:
    """`<prefix>:accounts` (name -> JSON), `<prefix>:private` (room -> JSON list of
    members), `<prefix>:acl-version`; each write and its bump in one MULTI."""

    def __init__(self, redis: Any, prefix: str) -> None:
        self.redis = redis
        self.accounts_key = f"{prefix}:accounts"
        self.private_key = f"{prefix}:private"
        self.version_key = f"{prefix}:acl-version"

    async def version(self) -> int:
        return int(await self.redis.get(self.version_key) or 0)

    async def load(self) -> Acl:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.get(self.version_key)
            pipe.hgetall(self.accounts_key)
            pipe.hgetall(self.private_key)
            version, accounts, private = await pipe.execute()
        return Acl.of(
            int(version or 0),
            {k.decode(): Account.from_json(k.decode(), v) for k, v in (accounts or {}).items()},
            {k.decode(): frozenset(json.loads(v)) for k, v in (private or {}).items()},
        )

    async def put_account(self, account: Account | None, name: str) -> None:
        if account is not None:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.hset(self.accounts_key, name, account.as_json())
                pipe.incr(self.version_key)
                await pipe.execute()
            return
        # Removed from every room too, in the same transaction (WATCH: an admin
        # command elsewhere may change a room meanwhile).
        from redis.exceptions import WatchError

        while True:
            async with self.redis.pipeline(transaction=True) as pipe:
                try:
                    await pipe.watch(self.private_key)
                    rooms = await pipe.hgetall(self.private_key)
                    pipe.multi()
                    pipe.hdel(self.accounts_key, name)
                    for room, members in (rooms or {}).items():
                        held = json.loads(members)
                        if name in held:
                            held.remove(name)
                            pipe.hset(self.private_key, room, json.dumps(sorted(held)))
                    pipe.incr(self.version_key)
                    await pipe.execute()
                    return
                except WatchError:
                    continue

    async def put_room(self, room: str, members: frozenset[str] | None) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            if members is None:
                pipe.hdel(self.private_key, room)
            else:
                pipe.hset(self.private_key, room, json.dumps(sorted(members)))
            pipe.incr(self.version_key)
            await pipe.execute()


# ---- what admins and members may do: one place for both ways in ----------------


class Admin:
    """The rules of every change, whoever asks (the command line, a socket event)."""

    def __init__(self, store: AccountStore) -> None:
        self.store = store

    async def add_account(self, name: str) -> str:
        """Create `name`; its sign-in token (shown once, kept only as a hash)."""
        if (problem := name_problem(name)) is not None:
            raise AccountError("bad-request", problem)
        if name in (await self.store.load()).accounts:
            raise AccountError("exists", f"there already is an account {name!r}")
        token = new_token()
        await self.store.put_account(Account(name, token_hash(token), created=time.time()), name)
        return token

    async def _account(self, name: str) -> Account:
        account = (await self.store.load()).accounts.get(name)
        if account is None:
            raise AccountError(NO_ACCOUNT, f"there is no account {name!r}")
        return account

    async def remove_account(self, name: str) -> None:
        await self._account(name)
        await self.store.put_account(None, name)

    async def replace_token(self, name: str) -> str:
        """A new token for `name`; the old one stops working (on every process)."""
        account = await self._account(name)
        token = new_token()
        await self.store.put_account(
            Account(name, token_hash(token), account.token, account.password, account.created),
            name,
        )
        return token

    async def set_password(self, name: str, hashed: str) -> None:
        account = await self._account(name)
        await self.store.put_account(
            Account(name, account.token, account.old_token, hashed, account.created), name
        )

    async def add_room(self, room: str, members: list[str]) -> None:
        most = Limits().max_room_chars
        if not room.strip() or len(room) > most:
            raise AccountError("bad-request", f"a room name is 1 to {most} characters")
        acl = await self.store.load()
        if room in acl.private:
            raise AccountError("exists", f"the room {room!r} is already private")
        unknown = [m for m in members if m not in acl.accounts]
        if unknown:
            raise AccountError(NO_ACCOUNT, f"no such account: {', '.join(map(repr, unknown))}")
        await self.store.put_room(room, frozenset(members))

    async def _room(self, room: str) -> tuple[Acl, frozenset[str]]:
        acl = await self.store.load()
        members = acl.private.get(room)
        if members is None:
            raise AccountError("no-room", f"there is no private room {room!r}")
        return acl, members

    async def add_member(self, room: str, name: str) -> frozenset[str]:
        acl, members = await self._room(room)
        if name not in acl.accounts:
            raise AccountError(NO_ACCOUNT, f"there is no account {name!r}")
        members = members | {name}
        await self.store.put_room(room, members)
        return members

    async def remove_member(self, room: str, name: str) -> frozenset[str]:
        _acl, members = await self._room(room)
        if name not in members:
            raise AccountError(NOT_A_MEMBER, f"{name!r} is not a member of {room!r}")
        members = members - {name}
        await self.store.put_room(room, members)
        return members


# ---- signing in --------------------------------------------------------------


class SignInRefused(Exception):
    def __init__(self, code: str, words: str) -> None:
        super().__init__(words)
        self.code = code
        self.words = words


@dataclass(frozen=True, slots=True)
class SignedIn:
    account: str
    # What it signed in with, to tell when that is revoked: ("token", its
    # hash) or ("password", the account's argon2 hash at the time).
    way: str
    credential: str


def _hasher() -> Any:
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2 hash of `password` (slow on purpose: call it off the event loop)."""
    return str(_hasher().hash(password))


def _verify(hashed: str, password: str) -> bool:
    from argon2.exceptions import Argon2Error, InvalidHashError

    try:
        return bool(_hasher().verify(hashed, password))
    except (Argon2Error, InvalidHashError):
        return False


# Verified when the account has no password (or does not exist), so that the
# answer takes as long either way and does not tell which accounts exist.
_DUMMY: list[str] = []


class Access:
    """The server's copy of the accounts and rooms, sign-in, and the watch for changes."""

    def __init__(
        self,
        store: AccountStore,
        limits: Limits,
        changed: Callable[[Acl, Acl], Awaitable[None]],
        meters: Callable[[str, float, float], Meters],
    ) -> None:
        self.store = store
        self.acl = Acl()
        self.changed = changed
        # Sign-in attempts per address and per account; on Redis, counted by
        # every process together (a guesser spread over them gains nothing).
        self.address_meters = meters(
            "signin-address", limits.signin_address_rate, limits.signin_address_burst
        )
        self.account_meters = meters(
            "signin-account", limits.signin_account_rate, limits.signin_account_burst
        )
        self.verified = 0  # argon2 verifications done (each is ~50 ms of a core)
        self._watching: asyncio.Task[None] | None = None
        self._refreshing: asyncio.Lock = asyncio.Lock()

    async def start(self) -> None:
        self.acl = await self.store.load()
        self._watching = asyncio.ensure_future(self.keep_watching())

    async def stop(self) -> None:
        if self._watching is not None:
            self._watching.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watching

    async def refresh(self, force: bool = False) -> None:
        """Reload when the store's version moved, and hold open connections to it."""
        async with self._refreshing:
            if not force and await self.store.version() == self.acl.version:
                return
            old, self.acl = self.acl, await self.store.load()
            await self.changed(old, self.acl)

    async def refresh_quietly(self) -> None:
        """`refresh`, keeping the list held when the store cannot be read."""
        try:
            await self.refresh()
        except Exception as exc:  # Redis away: the list of a second ago holds
            log.warning("accounts: could not look for changes (%s)", exc)

    async def keep_watching(self) -> None:
        while True:
            await asyncio.sleep(WATCH_SECONDS)
            try:
                await self.refresh()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Redis away, the database locked: next second
                log.warning("accounts: could not look for changes (%s)", exc)

    async def sign_in(self, auth: Mapping[str, object], ip: str) -> SignedIn:
        token, user, password = auth.get("token"), auth.get("user"), auth.get("password")
        # The list as the store has it now (one small read per sign-in): a
        # token replaced a moment ago through another process is refused here
        # too, not a second later.
        await self.refresh_quietly()
        if isinstance(token, str) and token:
            return await self._by_token(token, ip)
        if isinstance(user, str) and user and isinstance(password, str):
            return await self._by_password(user, password, ip)
        raise SignInRefused(
            SIGNIN_REQUIRED, "this server needs you to sign in: a token, or a name and password"
        )

    async def _by_token(self, token: str, ip: str) -> SignedIn:
        digest = token_hash(token)
        name = self.acl.by_token.get(digest)
        if name is None and not await self.address_meters.take(ip):
            raise SignInRefused(SIGNIN_RATE, "too many sign-ins from your address; wait a minute")
        if name is None:
            if digest in self.acl.by_old_token:
                raise SignInRefused(REVOKED, "this sign-in token was replaced; ask for the new one")
            raise SignInRefused(BAD_CREDENTIALS, "this sign-in token is not one of this server's")
        stored = self.acl.accounts[name].token
        if not hmac.compare_digest(stored, digest):  # the form of it; found by this hash
            raise SignInRefused(BAD_CREDENTIALS, "this sign-in token is not one of this server's")
        return SignedIn(name, "token", digest)

    async def _by_password(self, user: str, password: str, ip: str) -> SignedIn:
        # The limits before any argon2 work: a guessed-password flood costs a
        # dict lookup per attempt once over them, not 50 ms of a core.
        if not await self.address_meters.take(ip) or not await self.account_meters.take(
            user[:MAX_NAME_CHARS]
        ):
            raise SignInRefused(
                SIGNIN_RATE, "too many sign-in attempts for this account or address; wait a minute"
            )
        account = self.acl.accounts.get(user)
        hashed = account.password if account is not None else ""
        if not _DUMMY:
            _DUMMY.append(await asyncio.to_thread(hash_password, secrets.token_hex(8)))
        self.verified += 1
        log.info("sign-in of %r by password from %s: checking", user[:40], ip)
        good = await asyncio.to_thread(_verify, hashed or _DUMMY[0], password)
        if not good or account is None or not hashed:
            raise SignInRefused(BAD_CREDENTIALS, "wrong name or password")
        return SignedIn(account.name, "password", hashed)

    def still_valid(self, signed: SignedIn) -> bool:
        """Whether a connection that signed in so may stay (on the current list)."""
        account = self.acl.accounts.get(signed.account)
        if account is None:
            return False
        current = account.token if signed.way == "token" else account.password
        return hmac.compare_digest(current, signed.credential)
