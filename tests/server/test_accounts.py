"""Accounts and private rooms (issue #24), against a real desktop-chat-server
process on SQLite, changed by the real admin commands while it runs.

Each hostile case is a scenario over a list of server URLs (`Place`): here
one process, twice; tests/scale/test_accounts_redis.py runs the same
scenarios on two processes sharing one Redis, the clients of a case spread
over both. What is asserted is what the people involved would check: the
name others see, what arrives and what does not, the code a refused
sign-in carries, how soon a removal or a new token bites.
"""

from __future__ import annotations

import asyncio
import re
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import socketio

from desktop_chat.protocol.limits import Limits
from tests.helpers import run_checked, until
from tests.procs import Child, source_env

HOST = "127.0.0.1"
ROOM = "ops"
BITES_WITHIN = 2.0  # seconds: a removal or revocation stops delivery within this


@dataclass
class Place:
    """Where a scenario runs: the servers' URLs, the admin command's store
    option, and the servers' logs (to count argon2 checks)."""

    urls: list[str]
    store: list[str]
    logs: Callable[[], str]

    def url(self, i: int) -> str:
        return self.urls[i % len(self.urls)]

    async def admin(self, *args: str, stdin: str = "") -> str:
        """Run `desktop-chat-server ARGS --db/--redis …`; its standard output (it must succeed)."""
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "desktop_chat.server", *args, *self.store,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env=source_env(),
        )  # fmt: skip
        out, err = await asyncio.wait_for(proc.communicate(stdin.encode()), 60)
        assert proc.returncode == 0, f"{args}: {err.decode()}"
        return out.decode()

    async def account(self, name: str) -> str:
        """A new account; its token (the last line of `users add`)."""
        out = await self.admin("users", "add", name)
        token = out.strip().splitlines()[-1]
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token), out
        return token


class Person:
    """A python-socketio client as a window would be: keeps what it is sent."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.sio = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        self.info: dict[str, Any] = {}
        self.received: list[tuple[str, dict[str, Any]]] = []
        self.done: list[dict[str, Any]] = []
        self.removed: list[dict[str, Any]] = []
        self.added: list[dict[str, Any]] = []
        self.signed_out: list[dict[str, Any]] = []
        self.refused: list[Any] = []
        self.disconnected = asyncio.Event()
        self.sio.on("server-info", self.info.update)
        self.sio.on("receive-message", lambda text, meta: self.received.append((text, meta)))
        self.sio.on("replay-done", self.done.append)
        self.sio.on("room-removed", self.removed.append)
        self.sio.on("room-added", self.added.append)
        self.sio.on("signed-out", self.signed_out.append)
        self.sio.on("connect_error", self.refused.append)
        self.sio.on("disconnect", lambda *_: self.disconnected.set())

    async def connect(self, url: str, **auth: Any) -> None:
        await self.sio.connect(
            url, auth={"client": self.label, **auth}, transports=["websocket"], wait_timeout=10
        )
        await until(lambda: bool(self.info), 10, f"{self.label}'s server-info")

    async def refusal(self, url: str, **auth: Any) -> dict[str, Any]:
        """Connect, expecting a refusal: the data of its connect_error."""
        with pytest.raises(socketio.exceptions.ConnectionError):
            await self.sio.connect(
                url, auth={"client": self.label, **auth}, transports=["websocket"], wait_timeout=10
            )
        assert self.refused, "refused without a connect_error"
        data = self.refused.pop()
        assert isinstance(data, dict) and isinstance(data.get("message"), str), data
        return data

    async def call(self, event: str, *args: Any) -> Any:
        return await self.sio.call(event, args, timeout=10)

    def texts(self, room: str) -> list[str]:
        return [text for text, meta in self.received if meta["room"] == room]

    async def close(self) -> None:
        await self.sio.disconnect()


def code(refusal: dict[str, Any]) -> str:
    return str(refusal.get("data", {}).get("code"))


async def people(*labels: str) -> list[Person]:
    return [Person(label) for label in labels]


async def closing(persons: list[Person], work: Awaitable[None]) -> None:
    try:
        await work
    finally:
        for person in persons:
            await person.close()


# ---- the scenarios -------------------------------------------------------------


async def impersonation(place: Place) -> None:
    """bob cannot speak, nor rename himself, as alice; no sign-in, no entry."""
    alice_token, bob_token = await place.account("alice"), await place.account("bob")
    alice, bob, anon = await people("alice-w", "bob-w", "anon")

    async def work() -> None:
        refused = await anon.refusal(place.url(0), name="alice")
        assert code(refused) == "signin-required", refused
        refused = await anon.refusal(place.url(1), token="not-a-token-of-this-server")
        assert code(refused) == "bad-credentials", refused
        # bob's window says it is alice: the server knows better.
        await bob.connect(place.url(0), token=bob_token, name="alice")
        assert bob.info["accounts"] is True and bob.info["account"] == "bob"
        assert bob.info["rename"] is False
        await alice.connect(place.url(1), token=alice_token, name="alice")
        ack = await bob.call("send-message", "it is me, alice", "", {"id": "m1"})
        assert "offset" in ack, ack
        await until(lambda: bool(alice.texts("")), 10, "alice to get bob's line")
        text, meta = alice.received[-1]
        assert (text, meta["from"]["name"]) == ("it is me, alice", "bob")
        renamed = await bob.call("rename", "alice")
        assert renamed["code"] == "account-name", renamed
        await bob.call("send-message", "still me", "", {"id": "m2"})
        await until(lambda: len(alice.texts("")) == 2, 10, "bob's second line")
        assert alice.received[-1][1]["from"]["name"] == "bob"
        # Listed by the account's name (participants are this process's connections).
        parts = await bob.call("participants", "")
        assert {"name": "bob", "windows": 1} in parts["members"], parts
        assert {"name": "alice", "windows": 2} not in parts["members"], parts

    await closing([alice, bob, anon], work())


async def non_member_join_and_replay(place: Place) -> None:
    """bob, not a member of the private room, neither joins it nor is replayed
    it (join-room since, participants), while alice talks there."""
    alice_token, bob_token = await place.account("alice"), await place.account("bob")
    await place.admin("rooms", "add", ROOM, "--private", "--member", "alice")
    alice, bob = await people("alice-w", "bob-w")

    async def work() -> None:
        await alice.connect(place.url(0), token=alice_token)
        await bob.connect(place.url(1), token=bob_token, offset=0)
        assert await alice.call("join-room", ROOM) == f"Joined {ROOM}"
        for i in range(3):
            await alice.call("send-message", f"secret {i}", ROOM, {"id": f"s{i}"})
        joined = await bob.call("join-room", ROOM)
        assert joined["code"] == "not-a-member", joined
        replay = await bob.call("join-room", ROOM, {"since": 0})
        assert replay["code"] == "not-a-member", replay
        parts = await bob.call("participants", ROOM)
        assert parts["code"] == "not-a-member", parts
        invite = await bob.call("room-invite", {"room": ROOM, "name": "bob"})
        assert invite["code"] == "not-a-member", invite
        assert (await bob.call("private-rooms"))["rooms"] == []
        # Nor does he write into it without joining (the tutorial lets anyone
        # send to any room).
        posted = await bob.call("send-message", "let me in", ROOM, {"id": "in"})
        assert posted["code"] == "not-a-member", posted
        await bob.call("send-message", "from bob", "", {"id": "pb"})
        await until(lambda: "from bob" in alice.texts(""), 10, "alice to get bob's public line")
        assert alice.texts(ROOM) == []
        # A public line after the secrets: once bob has it, anything of the
        # room would have come before it.
        await alice.call("send-message", "public", "", {"id": "p"})
        await until(lambda: "public" in bob.texts(""), 10, "bob to get the public line")
        assert bob.texts(ROOM) == [] and all(d["room"] != ROOM for d in bob.done)
        assert alice.texts(ROOM) == []  # (her own lines are not sent back to her)

    await closing([alice, bob], work())


async def removed_member_still_connected(place: Place) -> None:
    """bob is taken out of the room while connected (with a file ticket in
    hand): within 2 s he is out, on whichever process, and nothing more of
    the room reaches him; carol, beside him, goes on receiving."""
    tokens = {name: await place.account(name) for name in ("alice", "bob", "carol")}
    await place.admin("rooms", "add", ROOM, "--private", "--member", "alice",
                      "--member", "bob", "--member", "carol")  # fmt: skip
    alice, bob, carol = await people("alice-w", "bob-w", "carol-w")

    async def work() -> None:
        await alice.connect(place.url(0), token=tokens["alice"])
        await bob.connect(place.url(1), token=tokens["bob"])
        await carol.connect(place.url(1), token=tokens["carol"])
        for person in (alice, bob, carol):
            assert await person.call("join-room", ROOM) == f"Joined {ROOM}"
        await alice.call("send-message", "before", ROOM, {"id": "b"})
        await until(lambda: bob.texts(ROOM) == ["before"], 10, "bob to get 'before'")
        ticket = await bob.call("files-ticket", ROOM)
        assert "ticket" in ticket, ticket
        found = await file_status(place.url(1), bob.info, ticket["ticket"])
        assert found == (404, "no-such-upload")  # the ticket is good; there is no such upload

        await place.admin("rooms", "remove-member", ROOM, "bob")
        removed_at = time.monotonic()
        await until(lambda: bool(bob.removed), BITES_WITHIN, "bob to be taken out within 2 s")
        assert bob.removed == [{"room": ROOM, "code": "not-a-member"}]
        assert time.monotonic() - removed_at <= BITES_WITHIN
        await alice.call("send-message", "after", ROOM, {"id": "a"})
        await until(lambda: carol.texts(ROOM) == ["before", "after"], 10, "carol's 'after'")
        assert bob.texts(ROOM) == ["before"]
        again = await bob.call("join-room", ROOM, {"since": 0})
        assert again["code"] == "not-a-member", again
        assert await file_status(place.url(1), bob.info, ticket["ticket"]) == (403, "not-in-room")
        parts = await carol.call("participants", ROOM)  # bob's process
        assert "carol" in {m["name"] for m in parts["members"]}, parts
        assert "bob" not in {m["name"] for m in parts["members"]}, parts

    await closing([alice, bob, carol], work())


async def file_status(url: str, info: dict[str, Any], ticket: str) -> tuple[int, str]:
    """What the files route answers this ticket for an upload nobody began."""
    path = info["files"]["path"]
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{url}{path}/uploads/{'0' * 32}", headers={"X-Files-Ticket": ticket}) as response,
    ):
        body = await response.json()
        return response.status, str(body.get("code"))


async def revoked_token(place: Place) -> None:
    """A new token for bob signs out the window using the old one within 2 s,
    on whichever process; the old token is then refused as `revoked`, the
    new one signs in. Removing the account signs it out too."""
    old = await place.account("bob")
    alice_token = await place.account("alice")
    bob, alice, again = await people("bob-w", "alice-w", "bob-again")

    async def work() -> None:
        await alice.connect(place.url(0), token=alice_token)
        await bob.connect(place.url(1), token=old)
        out = await place.admin("users", "token", "bob")
        revoked_at = time.monotonic()
        new = out.strip().splitlines()[-1]
        await asyncio.wait_for(bob.disconnected.wait(), BITES_WITHIN)
        assert time.monotonic() - revoked_at <= BITES_WITHIN
        assert bob.signed_out == [{"code": "revoked"}]
        refused = await again.refusal(place.url(0), token=old)
        assert code(refused) == "revoked", refused
        await again.connect(place.url(0), token=new)
        assert again.info["account"] == "bob"
        # Still connected, alice's line reaches the new window, not the old one.
        await alice.call("send-message", "hello bob", "", {"id": "h"})
        await until(lambda: "hello bob" in again.texts(""), 10, "the new window's line")
        assert "hello bob" not in bob.texts("")
        await place.admin("users", "remove", "bob")
        await asyncio.wait_for(again.disconnected.wait(), BITES_WITHIN)
        after = Person("bob-third")
        refused = await after.refusal(place.url(1), token=new)
        assert code(refused) == "bad-credentials", refused

    await closing([bob, alice, again], work())


async def password_flood(place: Place) -> None:
    """Guessed passwords for carol, from one address over every process: past
    the limits they are refused as `signin-rate` without a password check
    (argon2) being done; the right password within the limits signs in."""
    await place.account("carol")
    await place.admin("users", "password", "carol", "--password-file", "-",
                      stdin="correct horse\n")  # fmt: skip
    limits = Limits()
    first = Person("carol-w")
    await first.connect(place.url(0), user="carol", password="correct horse")
    assert first.info["account"] == "carol"
    await first.close()
    wrong_codes: list[str] = []
    for i in range(40):
        guess = Person(f"guess-{i}")
        wrong_codes.append(
            code(await guess.refusal(place.url(i), user="carol", password=f"guess {i}"))
        )
    # One account's attempts, counted by every process together (on Redis the
    # meters are shared): the first sign-in took one, the rest of the burst
    # goes to guesses, wherever they land.
    checked_at_most = limits.signin_account_burst - 1
    assert set(wrong_codes) == {"bad-credentials", "signin-rate"}, wrong_codes
    assert wrong_codes.count("bad-credentials") <= checked_at_most, wrong_codes
    assert wrong_codes[-10:] == ["signin-rate"] * 10
    # The servers' own count of password checks: the good one and the few let through.
    checks = len(re.findall(r"sign-in of 'carol' by password", place.logs()))
    assert checks == 1 + wrong_codes.count("bad-credentials"), checks
    # Limited now even with the right password (the limit is the account's).
    late = Person("carol-late")
    assert (
        code(await late.refusal(place.url(0), user="carol", password="correct horse"))
        == "signin-rate"
    )


async def private_room_from_the_window(place: Place) -> None:
    """room-create and room-invite, the events the window will use: the
    creator is a member, invitees join, others do not; a public room in use
    cannot be taken private."""
    tokens = {name: await place.account(name) for name in ("alice", "bob", "eve")}
    alice, bob, eve = await people("alice-w", "bob-w", "eve-w")

    async def work() -> None:
        await alice.connect(place.url(0), token=tokens["alice"])
        await bob.connect(place.url(1), token=tokens["bob"])
        await eve.connect(place.url(1), token=tokens["eve"])
        assert await eve.call("join-room", "lobby") == "Joined lobby"
        await eve.call("send-message", "anyone here?", "lobby", {"id": "q"})
        taken = await alice.call("room-create", {"room": "lobby", "private": True})
        assert taken["code"] == "room-in-use", taken
        made = await alice.call("room-create", {"room": "plans", "private": True, "members": []})
        assert made == {"room": "plans", "private": True, "members": ["alice"]}
        invited = await alice.call("room-invite", {"room": "plans", "name": "bob"})
        assert invited == {"room": "plans", "members": ["alice", "bob"]}
        # bob is told (on whichever process he is), and eve is not.
        await until(lambda: bob.added == [{"room": "plans"}], BITES_WITHIN, "bob's room-added")
        assert alice.added == [{"room": "plans"}]  # her other windows join too

        # bob is on the other process: in within a second.
        async def bob_joins() -> bool:
            answer = await bob.call("join-room", "plans")
            return bool(answer == "Joined plans")

        deadline = time.monotonic() + BITES_WITHIN
        while not await bob_joins():
            assert time.monotonic() < deadline, "bob could not join within 2 s of the invite"
            await asyncio.sleep(0.1)
        assert (await eve.call("join-room", "plans"))["code"] == "not-a-member"
        assert await alice.call("join-room", "plans") == "Joined plans"
        await alice.call("send-message", "the plan", "plans", {"id": "x"})
        await until(lambda: bob.texts("plans") == ["the plan"], 10, "bob to read the plan")
        listed = (await bob.call("private-rooms"))["rooms"]
        assert listed == [{"room": "plans", "members": ["alice", "bob"]}]
        assert eve.texts("plans") == [] and eve.added == []

    await closing([alice, bob, eve], work())


SCENARIOS = [
    impersonation,
    non_member_join_and_replay,
    removed_member_still_connected,
    revoked_token,
    password_flood,
    private_room_from_the_window,
]


# ---- one process on SQLite -------------------------------------------------------


class SqliteServer:
    def __init__(self, db: Path, *extra: str) -> None:
        argv = [sys.executable, "-m", "desktop_chat.server", "--host", HOST, "--port", "0",
                "--db", str(db), *extra]  # fmt: skip
        self.child = Child("server", argv, env=source_env(PYTHONUNBUFFERED="1"), stdin=False)
        listening = self.child.wait_line(rf"listening on http://{HOST}:(\d+)", "listen", 20)
        self.url = f"http://{HOST}:{listening[1]}"


@pytest.fixture
def one_process(tmp_path: Path) -> Iterator[Place]:
    db = tmp_path / "server.db"
    server = SqliteServer(db, "--accounts")
    try:
        yield Place([server.url], ["--db", str(db)], lambda: server.child.text("stderr"))
    finally:
        server.child.reap()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
def test_accounts_on_one_process(
    one_process: Place, scenario: Callable[[Place], Awaitable[None]]
) -> None:
    run_checked(scenario(one_process))


def test_the_admin_commands_take_the_store_before_or_after_and_print_the_token_last(
    tmp_path: Path,
) -> None:
    db = tmp_path / "s.db"
    place = Place([], ["--db", str(db)], lambda: "")

    async def scenario() -> None:
        token = await place.account("alice")
        before = Place([], [], lambda: "")
        out = await before.admin("--db", str(db), "users", "list")
        assert out.splitlines() == ["alice\ttoken"]
        await place.admin("users", "password", "alice", "--password-file", "-", stdin="pw\n")
        assert (await place.admin("users", "list")).splitlines() == ["alice\ttoken, password"]
        await place.admin("rooms", "add", "ops", "--private", "--member", "alice")
        assert (await place.admin("rooms", "list")).splitlines() == ["ops\tprivate\talice"]
        # A mistake is said in words, with a failing exit status, and changes nothing.
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "desktop_chat.server", "rooms", "add-member", "ops", "nobody",
            "--db", str(db), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            env=source_env(),
        )  # fmt: skip
        out, err = await proc.communicate()
        assert (proc.returncode, out) == (1, b"")
        assert err.decode() == "desktop-chat-server: there is no account 'nobody'\n"
        assert (await place.admin("rooms", "list")).splitlines() == ["ops\tprivate\talice"]
        # Tokens are kept as hashes only: the token is nowhere in the files.
        for path in tmp_path.iterdir():
            assert token.encode() not in path.read_bytes(), path
        assert b"$argon2" in b"".join(p.read_bytes() for p in tmp_path.iterdir())

    run_checked(scenario())


def test_without_accounts_nothing_changes_for_an_open_server(tmp_path: Path) -> None:
    """The one-command start: no sign-in, any name, server-info as before; a
    private room made by an admin is still closed to everyone there."""
    db = tmp_path / "server.db"
    server = SqliteServer(db)
    place = Place([server.url], ["--db", str(db)], lambda: "")

    async def scenario() -> None:
        await place.account("alice")
        await place.admin("rooms", "add", ROOM, "--private", "--member", "alice")
        guest = Person("guest")
        try:
            await guest.connect(server.url, name="anyone")
            assert "accounts" not in guest.info and guest.info["rename"] is True
            assert await guest.call("join-room", "open") == "Joined open"
            joined = await guest.call("join-room", ROOM)
            assert joined["code"] == "not-a-member", joined
            assert await guest.call("rename", "someone") == "You are now called someone"
        finally:
            await guest.close()

    try:
        run_checked(scenario())
    finally:
        server.child.reap()


def test_the_send_rate_is_the_accounts_across_its_windows_and_reconnects(tmp_path: Path) -> None:
    """alice cannot get a fresh burst by opening another window (another
    client key) or reconnecting; bob's meter is his own."""
    db = tmp_path / "server.db"
    server = SqliteServer(db, "--accounts", "--rate", "0.01", "--burst", "3")
    place = Place([server.url], ["--db", str(db)], lambda: "")

    async def scenario() -> None:
        alice_token, bob_token = await place.account("alice"), await place.account("bob")
        first, second, bob = await people("alice-1", "alice-2", "bob-w")

        async def work() -> None:
            await first.connect(server.url, token=alice_token)
            for i in range(3):
                assert "offset" in await first.call("send-message", f"m{i}", "", {"id": f"m{i}"})
            await first.close()
            await second.connect(server.url, token=alice_token)  # another window, reconnected
            refused = await second.call("send-message", "one more", "", {"id": "x"})
            assert refused["error"].startswith("slow down"), refused
            await bob.connect(server.url, token=bob_token)
            assert "offset" in await bob.call("send-message", "mine", "", {"id": "b"})

        await closing([first, second, bob], work())

    try:
        run_checked(scenario())
    finally:
        server.child.reap()
