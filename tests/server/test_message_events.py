"""Replies, edits, deletions and reactions on desktop-chat-server, with raw
python-socketio clients (docs/protocol.md, "Message events")."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import socketio

from desktop_chat.protocol.messages import new_id
from desktop_chat.server.chat_server import ChatServer
from desktop_chat.server.history import Stored
from desktop_chat.server.store import SqliteStore, Store
from tests.helpers import run_checked, until


class Client:
    """A raw client that keeps messages and events in arrival order."""

    def __init__(self, name: str, key: str | None = None) -> None:
        self.name = name
        self.key = key or name
        self.sio = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        self.log: list[tuple[str, Any]] = []  # ("message", (text, meta)) or ("event", ev)
        self.done: list[dict[str, Any]] = []
        self.info: dict[str, Any] = {}
        self.sio.on("receive-message", lambda *args: self.log.append(("message", args)))
        self.sio.on("message-event", lambda ev: self.log.append(("event", ev)))
        self.sio.on("replay-done", self.done.append)
        self.sio.on("server-info", self.info.update)

    async def connect(self, url: str, offset: int | None = None) -> None:
        auth: dict[str, Any] = {"name": self.name, "client": self.key}
        if offset is not None:
            auth["offset"] = offset
        self.info.clear()
        await self.sio.connect(url, auth=auth, transports=["websocket"])
        await until(lambda: bool(self.info), 10, f"{self.name}'s server-info")

    async def send(self, text: str, room: str = "", **opts: Any) -> Any:
        return await self.sio.call("send-message", (text, room, opts), timeout=5)

    async def event(self, ev: Any) -> Any:
        return await self.sio.call("message-event", ev, timeout=5)

    def events(self) -> list[dict[str, Any]]:
        return [item for kind, item in self.log if kind == "event"]

    def messages(self) -> list[tuple[str, dict[str, Any]]]:
        return [item for kind, item in self.log if kind == "message"]

    def offsets(self) -> list[int]:
        return [
            item[1]["offset"] if kind == "message" else item["offset"] for kind, item in self.log
        ]


@asynccontextmanager
async def serving(db: Path | str = ":memory:") -> AsyncIterator[str]:
    server = ChatServer(db=db)
    port = await server.start("127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await server.stop()


@asynccontextmanager
async def clients(url: str, *names: str) -> AsyncIterator[list[Client]]:
    made = [Client(name) for name in names]
    try:
        for client in made:
            await client.connect(url)
        yield made
    finally:
        for client in made:
            if client.sio.connected:
                await client.sio.disconnect()


def test_server_info_says_events() -> None:
    async def scenario() -> None:
        async with serving() as url, clients(url, "a") as (a,):
            assert a.info["events"] is True

    run_checked(scenario())


def test_a_reply_carries_reply_to_and_format_live_and_replayed() -> None:
    async def scenario() -> None:
        async with serving() as url, clients(url, "a", "b") as (a, b):
            first = await a.send("question", id="q1")
            by_id = await b.send("answer", reply_to=first["id"], format="markdown")
            own = await a.send("and another thing", id="q2", reply_to_own="q1")
            plain = await a.send("plain", format="html")  # not markdown: dropped
            await until(lambda: len(b.messages()) == 3 and len(a.messages()) == 1)
            answer = a.messages()[0][1]
            assert answer["reply_to"] == first["id"] and answer["format"] == "markdown"
            assert answer["id"] == by_id["id"]
            live_own, live_plain = b.messages()[1][1], b.messages()[2][1]
            assert live_own["reply_to"] == first["id"] and "format" not in live_own
            assert "reply_to" not in live_plain and "format" not in live_plain
            assert live_plain["id"] == plain["id"]
            # A reply to a message the server never had is kept as given.
            ghost = await b.send("to nothing", reply_to="0" * 32)
            assert "error" not in ghost
            assert "error" in await b.send("x", reply_to="y" * 65)
            assert "error" in await b.send("x", reply_to=5)

            late = Client("late")
            await late.connect(url, offset=0)
            await until(lambda: len(late.done) == 1)
            metas = {meta["id"]: meta for _, meta in late.messages()}
            assert metas[by_id["id"]]["reply_to"] == first["id"]
            assert metas[by_id["id"]]["format"] == "markdown"
            assert metas[own["id"]]["reply_to"] == first["id"]
            assert "reply_to" not in metas[first["id"]]
            await late.sio.disconnect()

    run_checked(scenario())


def test_an_edit_reaches_the_others_live_and_a_replay_shows_the_final_text_in_order() -> None:
    async def scenario() -> None:
        async with serving() as url, clients(url, "a", "b") as (a, b):
            start = b.info["offset"]
            sent = await a.send("helo", id="m1")
            await until(lambda: len(b.messages()) == 1)
            ack = await a.event(
                {
                    "type": "edit",
                    "target_own": "m1",
                    "text": "hello",
                    "format": "markdown",
                    "id": "e1",
                }
            )
            assert set(ack) == {"id", "ts", "offset", "target"}
            assert ack["target"] == sent["id"] and ack["offset"] > sent["offset"]
            await until(lambda: len(b.events()) == 1)
            ev = b.events()[0]
            assert ev["type"] == "edit" and ev["target"] == sent["id"] and ev["room"] == ""
            assert ev["text"] == "hello" and ev["format"] == "markdown"
            assert ev["id"] == ack["id"] and ev["offset"] == ack["offset"]
            assert ev["from"]["name"] == "a" and ev["from"]["sid"] == a.sio.get_sid()
            assert a.events() == []  # not to the sender
            second = await a.event(
                {"type": "edit", "target": sent["id"], "text": "hello!", "id": "e2"}
            )
            between = await a.send("after", id="m2")

            # b comes back and replays from before the message.
            await b.sio.disconnect()
            b.log.clear()
            await b.connect(url, offset=start)
            await until(lambda: len(b.done) == 1)
            assert b.offsets() == sorted(b.offsets())
            assert b.offsets() == [
                sent["offset"],
                ack["offset"],
                second["offset"],
                between["offset"],
            ]
            # Applied in order, the edits leave the final text.
            texts = {}
            for kind, item in b.log:
                if kind == "message":
                    texts[item[1]["id"]] = item[0]
                elif item["type"] == "edit":
                    texts[item["target"]] = item["text"]
            assert texts[sent["id"]] == "hello!"
            replayed = b.events()
            assert replayed[0]["from"] == {"sid": "", "name": "a"}
            assert "format" not in replayed[1]
            # The sender's own replay leaves out its own events, as its own messages.
            a.log.clear()
            await a.sio.disconnect()
            await a.connect(url, offset=start)
            await until(lambda: len(a.done) == 1)
            assert a.log == []

    run_checked(scenario())


def test_a_delete_goes_live_and_a_replay_sends_the_delete_but_never_the_text() -> None:
    async def scenario() -> None:
        async with serving() as url, clients(url, "a", "b") as (a, b):
            start = b.info["offset"]
            assert await a.sio.call("join-room", "r", timeout=5) == "Joined r"
            assert await b.sio.call("join-room", "r", timeout=5) == "Joined r"
            sent = await a.send("regrettable", "r", id="m1")
            await a.event({"type": "edit", "target": sent["id"], "text": "worse", "id": "e1"})
            await b.event({"type": "react", "target": sent["id"], "emoji": "👍", "id": "r1"})
            kept = await a.send("fine", "r", id="m2")
            ack = await a.event({"type": "delete", "target_own": "m1", "id": "d1"})
            assert set(ack) == {"id", "ts", "offset", "target"} and ack["target"] == sent["id"]
            await until(lambda: len(b.events()) == 2)
            ev = b.events()[-1]
            assert ev["type"] == "delete" and ev["room"] == "r" and ev["target"] == sent["id"]
            assert "text" not in ev and ev["offset"] == ack["offset"]

            fresh = Client("fresh")
            await fresh.connect(url)
            assert await fresh.sio.call("join-room", ("r", {"since": start}), timeout=5)
            await until(lambda: len(fresh.done) == 1)
            assert fresh.offsets() == [kept["offset"], ack["offset"]]
            assert "regrettable" not in repr(fresh.log) and "worse" not in repr(fresh.log)
            assert fresh.events()[0]["type"] == "delete"
            await fresh.sio.disconnect()

    run_checked(scenario())


def test_reactions_toggle_with_reactors_in_the_order_they_reacted() -> None:
    async def scenario() -> None:
        async with serving() as url, clients(url, "a", "b", "c") as (a, b, c):
            sent = await a.send("lunch?", id="m1")

            async def react(who: Client, emoji: str, eid: str) -> Any:
                return await who.event(
                    {"type": "react", "target": sent["id"], "emoji": emoji, "id": eid}
                )

            first = await react(c, "🍜", "x1")
            assert first["on"] is True and first["reactors"] == ["c"]
            assert set(first) == {"id", "ts", "offset", "target", "on", "reactors"}
            assert (await react(b, "🍜", "x2"))["reactors"] == ["c", "b"]
            own = await a.event({"type": "react", "target_own": "m1", "emoji": "🍜", "id": "x3"})
            assert own["reactors"] == ["c", "b", "a"]
            off = await react(c, "🍜", "x4")
            assert off["on"] is False and off["reactors"] == ["b", "a"]
            back = await react(c, "🍜", "x5")
            assert back["on"] is True and back["reactors"] == ["b", "a", "c"]
            other = await react(b, "🍕", "x6")
            assert other["reactors"] == ["b"]
            await until(lambda: len(a.events()) == 5)
            live = a.events()
            assert [(e["emoji"], e["on"], e["from"]["name"]) for e in live] == [
                ("🍜", True, "c"),
                ("🍜", True, "b"),
                ("🍜", False, "c"),
                ("🍜", True, "c"),
                ("🍕", True, "b"),
            ]
            assert live[-2]["reactors"] == ["b", "a", "c"] and live[-2]["type"] == "react"

    run_checked(scenario())


def test_a_resent_event_id_is_applied_once_and_acked_as_the_first() -> None:
    async def scenario() -> None:
        async with serving() as url, clients(url, "a", "b") as (a, b):
            sent = await a.send("hi", id="m1")
            ev = {"type": "react", "target": sent["id"], "emoji": "👋", "id": "once"}
            first = await b.event(ev)
            again = await b.event(ev)  # applied twice, a toggle would take it back
            assert again == first and first["on"] is True
            edit = {"type": "edit", "target": sent["id"], "text": "hi all", "id": "e"}
            assert await a.event(edit) == await a.event(edit)
            # After a reconnect, too.
            await b.sio.disconnect()
            await b.connect(url)
            assert await b.event(ev) == first
            # A resent delete is acked as the first, though its target is gone now.
            gone = await a.send("gone", id="m2")
            delete = {"type": "delete", "target_own": "m2", "id": "d"}
            assert await a.event(delete) == await a.event(delete)
            assert (await a.event({**delete, "id": "d-new"}))["code"] == "no-such-message"
            marker = await a.send("marker")
            await until(lambda: any(m[1]["id"] == marker["id"] for m in b.messages()))
            late = Client("late")
            await late.connect(url, offset=0)
            await until(lambda: len(late.done) == 1)
            assert [e["type"] for e in late.events()] == ["react", "edit", "delete"]
            assert gone["id"] not in [m[1]["id"] for m in late.messages()]
            await late.sio.disconnect()

    run_checked(scenario())


def test_the_tutorials_plain_clients_are_unaffected() -> None:
    async def scenario() -> None:
        async with serving() as url:
            plain = socketio.AsyncClient(reconnection=False, handle_sigint=False)
            said: list[Any] = []
            plain.on("receive-message", lambda *args: said.append(args[0]))
            await plain.connect(url, transports=["websocket"])  # no auth, no opts
            async with clients(url, "a") as (a,):
                await plain.emit("send-message", ("hello from the tutorial", ""))
                await until(lambda: len(a.messages()) == 1)
                meta = a.messages()[0][1]
                assert a.messages()[0][0] == "hello from the tutorial"
                assert "reply_to" not in meta and "format" not in meta
                sent = await a.send("hi tutorial", id="m1")
                await a.event({"type": "edit", "target": sent["id"], "text": "hi!", "id": "e"})
                await a.send("still here")
                await until(lambda: said == ["hi tutorial", "still here"])
            await plain.disconnect()

    run_checked(scenario())


async def trims_events_with_messages(store: Store) -> None:
    """Retention counts events as messages and takes a trimmed message's
    index and reactions with it (shared with tests/scale for Redis)."""
    first = (await store.add("m1", "r", "alice", "alice", "old", "sid")).stored
    react = Stored(
        0, new_id(), "r", "bob", "bob", "", 0.0, kind="react", target=first.id, emoji="👍"
    )
    assert (await store.add_event("r1", react, "sid")).stored.reactors == ("bob",)
    edit = Stored(0, new_id(), "r", "alice", "alice", "older", 0.0, kind="edit", target=first.id)
    await store.add_event("e1", edit, "sid")
    second = (await store.add("m2", "r", "alice", "alice", "new", "sid")).stored
    assert await store.target(first.id) is not None
    assert await store.trim(before_ts=None, keep=1, batch=100) == 3
    assert await store.target(first.id) is None
    assert await store.target(second.id) is not None
    page = await store.page("r", 0, await store.last_offset(), "nobody", 10)
    assert [s.id for s in page] == [second.id]
    assert await store.trimmed_through("r") == second.offset - 1


async def trims_a_messages_later_events_with_it(store: Store) -> None:
    """Retention that trims a message trims its edits, reactions and deletion
    with it, though they came after messages that are kept: an edit holds
    text, which must not outlive the message. Each store's wrapper then looks
    in the store itself for the edited text (shared with tests/scale)."""

    def event(kind: str, target: str, who: str, **fields: Any) -> Stored:
        return Stored(
            0,
            new_id(),
            "r",
            who,
            who,
            fields.pop("text", ""),
            0.0,
            kind=kind,
            target=target,
            **fields,
        )

    first = (await store.add("m1", "r", "alice", "alice", "old", "sid")).stored
    doomed = (await store.add("m2", "r", "alice", "alice", "doomed", "sid")).stored
    kept = (await store.add("m3", "r", "alice", "alice", "kept", "sid")).stored
    await store.add_event("e1", event("edit", first.id, "alice", text=EDITED), "sid")
    await store.add_event("r1", event("react", first.id, "bob", emoji="👍"), "sid")
    deleted = (await store.add_event("d1", event("delete", doomed.id, "alice"), "sid")).stored
    react = await store.add_event("r2", event("react", kept.id, "bob", emoji="🎉"), "sid")
    newest = (await store.add("m4", "r", "alice", "alice", "new", "sid")).stored
    # By age: the first two messages are older than the third.
    assert await store.trim(before_ts=kept.ts, keep=None, batch=100) >= 4
    assert await store.target(first.id) is None
    assert await store.target(doomed.id) is None
    page = await store.page("r", 0, await store.last_offset(), "nobody", 10)
    assert [s.id for s in page] == [kept.id, react.stored.id, newest.id]
    # A catch-up from before the events that went is told that some went.
    assert await store.trimmed_through("r") == deleted.offset
    # Nothing more goes the next time.
    assert await store.trim(before_ts=kept.ts, keep=None, batch=100) == 0


EDITED = "edited-secret-text-9c2e"


def test_retention_trims_a_messages_later_events_and_their_text() -> None:
    async def scenario() -> None:
        store = SqliteStore(":memory:")
        try:
            await trims_a_messages_later_events_with_it(store)
            rows = store.history._db.execute(
                "SELECT kind, text FROM messages ORDER BY offset"
            ).fetchall()
            assert [kind for kind, _ in rows] == ["message", "react", "message"]
            assert EDITED not in repr(rows)
        finally:
            await store.close()

    run_checked(scenario())


def test_a_trimmed_edits_text_is_gone_from_the_database_files(tmp_path: Path) -> None:
    async def scenario() -> None:
        db = tmp_path / "server.db"
        store = SqliteStore(db)

        def files() -> bytes:
            return b"".join(
                path.read_bytes()
                for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm"))
                if path.exists()
            )

        try:
            await trims_a_messages_later_events_with_it(store)
            # While the server runs, not only once it has closed the file.
            assert b"kept" in files() and EDITED.encode() not in files()
        finally:
            await store.close()
        assert EDITED.encode() not in files()

    run_checked(scenario())


def test_retention_trims_events_like_messages() -> None:
    async def scenario() -> None:
        store = SqliteStore(":memory:")
        try:
            await trims_events_with_messages(store)
        finally:
            await store.close()

    run_checked(scenario())


V2_SCHEMA = """
CREATE TABLE messages (
    offset INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, client_id TEXT NOT NULL,
    room TEXT NOT NULL, sender_client TEXT NOT NULL, sender_name TEXT NOT NULL,
    text TEXT NOT NULL, ts REAL NOT NULL, UNIQUE (sender_client, client_id)
);
CREATE INDEX messages_room ON messages (room, offset);
CREATE TABLE trimmed (room TEXT PRIMARY KEY, through INTEGER NOT NULL);
INSERT INTO messages (id, client_id, room, sender_client, sender_name, text, ts)
    VALUES ('0123456789abcdef0123456789abcdef', 'c1', 'r', 'alice', 'alice', 'from v2', 1.0);
PRAGMA user_version=2;
"""


def test_a_version_2_history_takes_events_of_its_old_messages(tmp_path: Path) -> None:
    path = tmp_path / "v2.db"
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.executescript(V2_SCHEMA)

    async def scenario() -> None:
        store = SqliteStore(path)
        try:
            assert store.history.moved_aside is None
            old = await store.target("0123456789abcdef0123456789abcdef")
            assert old is not None and old.sender_client == "alice" and not old.deleted
            react = Stored(
                0, new_id(), "r", "bob", "bob", "", 0.0, kind="react", target=old.id, emoji="👍"
            )
            added = await store.add_event("r1", react, "sid")
            assert added.stored.reactors == ("bob",) and added.stored.offset == 2
            page = await store.page("r", 0, 2, "nobody", 10)
            assert [(s.kind, s.text) for s in page] == [("message", "from v2"), ("react", "")]
        finally:
            await store.close()

    run_checked(scenario())
