"""Hostile clients against message events (edits, deletions, reactions): each
refused with its code, nothing relayed, the server unharmed; and a deleted
text gone from the bytes of the server's SQLite files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop_chat.protocol.limits import Limits
from desktop_chat.server.chat_server import ChatServer
from tests.helpers import run_checked, until
from tests.server.test_message_events import Client


async def started(
    limits: Limits | None = None, db: Path | str = ":memory:"
) -> tuple[ChatServer, str]:
    server = ChatServer(limits=limits, db=db)
    port = await server.start("127.0.0.1", 0)
    return server, f"http://127.0.0.1:{port}"


def test_changing_someone_elses_message_or_a_room_one_is_not_in_is_refused() -> None:
    async def scenario() -> None:
        server, url = await started()
        owner, other, outsider = Client("owner"), Client("other"), Client("outsider")
        try:
            for c in (owner, other, outsider):
                await c.connect(url)
            for c in (owner, other):
                assert await c.sio.call("join-room", "r", timeout=5) == "Joined r"
            sent = await owner.send("mine", "r", id="m1")
            lobby = await owner.send("for all", id="m2")
            target = sent["id"]

            edit = {"type": "edit", "target": target, "text": "pwned", "id": "x1"}
            delete = {"type": "delete", "target": target, "id": "x2"}
            react = {"type": "react", "target": target, "emoji": "💩", "id": "x3"}
            assert (await other.event(edit))["code"] == "not-yours"
            assert (await other.event(delete))["code"] == "not-yours"
            # Naming the owner's opts.id finds only the sender's own messages.
            own = {"type": "delete", "target_own": "m1", "id": "x4"}
            assert (await other.event(own))["code"] == "no-such-message"
            for ev in (edit, delete, react):
                answer = await outsider.event(ev)
                assert answer["code"] == "not-in-room" and answer["error"], answer
            # The no-room channel is everyone's: anyone may react there.
            ok = await outsider.event(
                {"type": "react", "target": lobby["id"], "emoji": "👍", "id": "x5"}
            )
            assert ok["on"] is True
            unknown = {"type": "react", "target": "0" * 32, "emoji": "👍", "id": "x6"}
            assert (await other.event(unknown))["code"] == "no-such-message"

            # Nothing of the refused ones reached anybody: only the outsider's react.
            marker = await other.send("marker", "r")
            await until(lambda: any(m[1]["id"] == marker["id"] for m in owner.messages()))
            assert [e["id"] for e in owner.events()] == [ok["id"]]
            assert [e["id"] for e in other.events()] == [ok["id"]]
        finally:
            for c in (owner, other, outsider):
                await c.sio.disconnect()
            await server.stop()

    run_checked(scenario())


class Keyless(Client):
    """A client that gives no auth.client (the tutorial's page, a browser), or
    gives whatever key an attacker chooses."""

    def __init__(self, name: str, auth_client: object = None) -> None:
        super().__init__(name)
        self.auth_client = auth_client

    async def connect(self, url: str, offset: int | None = None) -> None:
        auth: dict[str, Any] = {"name": self.name}
        if self.auth_client is not None:
            auth["client"] = self.auth_client
        self.info.clear()
        await self.sio.connect(url, auth=auth, transports=["websocket"])
        await until(lambda: bool(self.info), 10, f"{self.name}'s server-info")


def test_a_keyless_clients_public_sid_is_no_key_to_its_messages() -> None:
    """A client without auth.client is known by a key no client can give:
    its sid is public (meta.from.sid), so an attacker who connects with it,
    or with the server's own spelling of it, changes none of its messages,
    resolves none of its opts.ids and shares none of its de-duplication."""

    async def scenario() -> None:
        server, url = await started()
        victim, watcher = Keyless("victim"), Client("watcher")
        attackers: list[Keyless] = []
        try:
            await victim.connect(url)
            await watcher.connect(url)
            sent = await victim.send("victim's words", id="v1")
            await until(lambda: len(watcher.messages()) == 1)
            sid = watcher.messages()[0][1]["from"]["sid"]
            assert sid and sid == victim.sio.get_sid()
            for i, key in enumerate([sid, "~" + sid, "~", "~~" + sid]):
                attacker = Keyless(f"attacker{i}", auth_client=key)
                attackers.append(attacker)
                await attacker.connect(url)
                edit = {"type": "edit", "target": sent["id"], "text": "pwned", "id": "x1"}
                delete = {"type": "delete", "target": sent["id"], "id": "x2"}
                assert (await attacker.event(edit))["code"] == "not-yours", key
                assert (await attacker.event(delete))["code"] == "not-yours", key
                own = {"type": "delete", "target_own": "v1", "id": "x3"}
                assert (await attacker.event(own))["code"] == "no-such-message", key
                # Its opts.ids are not the victim's: neither resolved nor de-duplicated.
                reply = await attacker.send("re", reply_to_own="v1")
                same_id = await attacker.send("mine", id="v1")
                assert same_id["id"] != sent["id"], key
                mine = same_id["id"]
                await until(lambda m=mine: any(x[1]["id"] == m for x in watcher.messages()))
                relayed = {m[1]["id"]: m[1] for m in watcher.messages()}
                assert "reply_to" not in relayed[reply["id"]], key
            # The victim's message is untouched, and no event reached anybody.
            assert victim.events() == [] and watcher.events() == []
            edit = {"type": "edit", "target_own": "v1", "text": "mine still", "id": "e1"}
            assert (await victim.event(edit))["target"] == sent["id"]
        finally:
            for c in (victim, watcher, *attackers):
                await c.sio.disconnect()
            await server.stop()

    run_checked(scenario())


def test_malformed_and_oversized_events_are_refused_without_harm() -> None:
    async def scenario() -> None:
        server, url = await started(Limits(max_message_bytes=100, max_violations=1000))
        a, b = Client("a"), Client("b")
        try:
            await a.connect(url)
            await b.connect(url)
            target = (await a.send("hello", id="m1"))["id"]

            def react(emoji: Any, eid: str) -> dict[str, Any]:
                return {"type": "react", "target": target, "emoji": emoji, "id": eid}

            cases: list[tuple[Any, str]] = [
                (None, "bad-request"),
                ("edit", "bad-request"),
                ([1, 2], "bad-request"),
                ({}, "bad-request"),
                ({"type": "explode", "target": target, "id": "y"}, "bad-request"),
                ({"type": "delete", "target": target}, "bad-request"),  # no id
                ({"type": "delete", "id": "y"}, "bad-request"),  # no target
                (
                    {"type": "delete", "target": target, "target_own": "m1", "id": "y"},
                    "bad-request",
                ),
                ({"type": "delete", "target": 5, "id": "y"}, "bad-request"),
                ({"type": "delete", "target": "t" * 65, "id": "y"}, "bad-request"),
                ({"type": "delete", "target": target, "id": {"no": 1}}, "bad-request"),
                ({"type": "delete", "target": target, "id": "i" * 129}, "bad-request"),
                ({"type": "edit", "target": target, "id": "y"}, "bad-request"),  # no text
                ({"type": "edit", "target": target, "text": 7, "id": "y"}, "bad-request"),
                ({"type": "edit", "target": target, "text": "  ", "id": "y"}, "bad-request"),
                ({"type": "edit", "target": target, "text": "é" * 51, "id": "y"}, "too-long"),
                (react(None, "y"), "bad-emoji"),
                (react(5, "y"), "bad-emoji"),
                (react("", "y"), "bad-emoji"),
                (react("👍\x00", "y"), "bad-emoji"),
                (react("\x1b[31m", "y"), "bad-emoji"),
                (react("\u202e👍", "y"), "bad-emoji"),  # right-to-left override
                (react("\u2066x", "y"), "bad-emoji"),
                (react("a b", "y"), "bad-emoji"),
                (react("👍\n", "y"), "bad-emoji"),
                (react("x" * 100, "y"), "bad-emoji"),
                (react("\ud800", "y"), "bad-emoji"),  # a lone surrogate
                (react("😀" * 17, "y"), "bad-emoji"),  # 17 code points, 68 bytes
            ]
            for ev, code in cases:
                answer = await b.sio.call("message-event", ev, timeout=5)
                assert isinstance(answer, dict) and answer.get("code") == code, (ev, answer)
                assert answer["error"]
            # No arguments at all, and extra ones.
            assert (await b.sio.call("message-event", timeout=5))["code"] == "bad-request"
            # An emoji built with a zero-width joiner and a variation selector is fine.
            family = await b.event(react("👨\u200d👩\u200d👧", "ok1"))
            heart = await b.event(react("❤\ufe0f", "ok2"))
            assert family["on"] is True and heart["on"] is True
            edit = {"type": "edit", "target": target, "text": "é" * 50, "id": "ok3"}
            assert "offset" in await a.event(edit)
            await until(lambda: len(b.events()) == 1)
            assert b.events()[0]["text"] == "é" * 50
            assert [e["emoji"] for e in a.events()] == ["👨\u200d👩\u200d👧", "❤\ufe0f"]
            assert a.sio.connected and b.sio.connected
        finally:
            await a.sio.disconnect()
            await b.sio.disconnect()
            await server.stop()

    run_checked(scenario())


def test_twenty_emoji_per_person_and_message_then_refused() -> None:
    async def scenario() -> None:
        server, url = await started(Limits(rate=1000, burst=1000))
        a, b = Client("a"), Client("b")
        try:
            await a.connect(url)
            await b.connect(url)
            target = (await a.send("react to me", id="m1"))["id"]
            emoji = [chr(0x1F600 + i) for i in range(21)]
            for i, e in enumerate(emoji[:20]):
                answer = await b.event(
                    {"type": "react", "target": target, "emoji": e, "id": f"r{i}"}
                )
                assert answer["on"] is True, answer
            extra = {"type": "react", "target": target, "emoji": emoji[20], "id": "r20"}
            assert (await b.event(extra))["code"] == "too-many-reactions"
            # Taking one back makes room; someone else has 20 of their own.
            off = await b.event({"type": "react", "target": target, "emoji": emoji[0], "id": "off"})
            assert off["on"] is False
            assert (await b.event({**extra, "id": "r21"}))["on"] is True
            assert (await a.event({**extra, "id": "a1"}))["reactors"] == ["b", "a"]
        finally:
            await a.sio.disconnect()
            await b.sio.disconnect()
            await server.stop()

    run_checked(scenario())


def test_events_and_messages_share_one_rate_bucket() -> None:
    async def scenario() -> None:
        server, url = await started(Limits(rate=1, burst=10, max_violations=1000))
        a = Client("a")
        try:
            await a.connect(url)
            target = (await a.send("one", id="m1"))["id"]  # one token
            for i in range(4):
                await a.send(f"more {i}")  # five
            answers = [
                await a.event(
                    {"type": "react", "target": target, "emoji": chr(0x1F600 + i), "id": f"r{i}"}
                )
                for i in range(8)
            ]
            assert [("on" in x) for x in answers] == [True] * 5 + [False] * 3
            assert {x.get("code") for x in answers[5:]} == {"rate"}
            refused = await a.send("and a message")
            assert "slow down" in refused["error"]
        finally:
            await a.sio.disconnect()
            await server.stop()

    run_checked(scenario())


def test_events_of_a_deleted_message_are_refused() -> None:
    async def scenario() -> None:
        server, url = await started()
        a, b = Client("a"), Client("b")
        try:
            await a.connect(url)
            await b.connect(url)
            target = (await a.send("soon gone", id="m1"))["id"]
            await a.event({"type": "delete", "target": target, "id": "d1"})
            for ev in [
                {"type": "edit", "target": target, "text": "back", "id": "e1"},
                {"type": "delete", "target": target, "id": "d2"},
                {"type": "react", "target": target, "emoji": "👍", "id": "r1"},
                {"type": "edit", "target_own": "m1", "text": "back", "id": "e2"},
            ]:
                who = b if ev["type"] == "react" else a
                assert (await who.event(ev))["code"] == "no-such-message", ev
            # A resend of the original message does not bring it back.
            again = await a.send("soon gone", id="m1")
            assert again["id"] == target
            marker = await a.send("marker")
            await until(lambda: any(m[1]["id"] == marker["id"] for m in b.messages()))
            assert [m[0] for m in b.messages()] == ["soon gone", "marker"]
            assert [e["type"] for e in b.events()] == ["delete"]
        finally:
            await a.sio.disconnect()
            await b.sio.disconnect()
            await server.stop()

    run_checked(scenario())


def _files(db: Path) -> bytes:
    return b"".join(
        path.read_bytes() for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")) if path.exists()
    )


def test_a_deleted_text_is_gone_from_the_database_files(tmp_path: Path) -> None:
    async def scenario() -> None:
        db = tmp_path / "server.db"
        server, url = await started(db=db)
        a, b = Client("a"), Client("b")
        marker = "zq-unique-marker-4b1d"
        try:
            await a.connect(url)
            await b.connect(url)
            # Long texts: a shorter row written over a long one would otherwise
            # happen to cover the marker even without secure_delete.
            padding = " and so on" * 60
            target = (await a.send(f"{marker} first{padding}", id="m1"))["id"]
            await a.event(
                {"type": "edit", "target": target, "text": f"{marker} edited{padding}", "id": "e1"}
            )
            await b.event({"type": "react", "target": target, "emoji": "🔥", "id": "r1"})
            await a.send("unrelated neighbour")
            # Both versions are in the files before (the check can see them).
            assert marker.encode() in _files(db)
            assert f"{marker} edited".encode() in _files(db)
            await a.event({"type": "delete", "target_own": "m1", "id": "d1"})
            files = _files(db)
            assert marker.encode() not in files
            assert b"unrelated neighbour" in files
        finally:
            await a.sio.disconnect()
            await b.sio.disconnect()
            await server.stop()
        assert marker.encode() not in _files(db)

    run_checked(scenario())
