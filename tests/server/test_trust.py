"""What one client's window says about its messages holds whatever other clients do:
ids others cannot take over, replays that are paged, paid for, complete and in order,
retention that says when part of a catch-up is gone. Real servers, real
python-socketio clients, 127.0.0.1 only."""

from __future__ import annotations

import itertools
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from desktop_chat.server.chat_server import ChatServer
from desktop_chat.server.history import History
from desktop_chat.server.replay import MESSAGE_OVERHEAD, ReplayLimits
from desktop_chat.server.retention import Retention
from tests.helpers import run_checked, until
from tests.server.test_server import Peer


class Client(Peer):
    """A peer that also keeps what `replay-done` said."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.done: list[dict[str, Any]] = []
        self.sio.on("replay-done", lambda info: self.done.append(info))

    async def join(self, port: int, key: str | None = None, offset: int | None = None) -> None:
        auth: dict[str, object] = {"name": self.name}
        if key is not None:
            auth["client"] = key
        if offset is not None:
            auth["offset"] = offset
        await self.sio.connect(f"http://127.0.0.1:{port}", auth=auth, transports=["websocket"])

    def offsets(self) -> list[int]:
        return [args[1]["offset"] for args in self.received]

    @property
    def sid(self) -> str:
        return str(self.sio.get_sid())


@asynccontextmanager
async def serving(server: ChatServer) -> AsyncIterator[int]:
    port = await server.start("127.0.0.1", 0)
    try:
        yield port
    finally:
        await server.stop()


def fill(history: History, count: int, room: str = "", start: int = 0) -> list[int]:
    """Messages from somebody long gone, as a catch-up finds them."""
    return [
        history.add(f"old-{i}", room, "gone", "gone", f"m{i:05d}", time.time()).offset
        for i in range(start, start + count)
    ]


# ---- 1. nobody can silence another by taking its ids ---------------------


def test_another_client_cannot_silence_a_message_by_sending_its_id_first() -> None:
    async def scenario() -> None:
        async with serving(ChatServer()) as port:
            victim, mallory, bob = Client("victim"), Client("mallory"), Client("bob")
            await victim.join(port, key="victim-key")
            await mallory.join(port, key="mallory-key")
            await bob.join(port)
            try:
                decoy = await mallory.sio.call("send-message", ("decoy", "", {"id": "v-1"}))
                real = await victim.sio.call("send-message", ("real", "", {"id": "v-1"}))
                await until(lambda: bob.texts() == ["decoy", "real"])
                meta = bob.received[1][1]
                # The ack speaks of the victim's own message, as the others got it.
                assert (real["id"], real["offset"]) == (meta["id"], meta["offset"])
                assert real["offset"] != decoy["offset"] and real["id"] != decoy["id"]
            finally:
                for c in (victim, mallory, bob):
                    await c.leave()

    run_checked(scenario())


def test_the_ids_others_see_are_the_servers_own_and_unpredictable() -> None:
    async def scenario() -> None:
        async with serving(ChatServer()) as port:
            alice, bob = Client("alice"), Client("bob")
            await alice.join(port, key="alice-key")
            await bob.join(port)
            try:
                for i in range(3):
                    await alice.sio.call("send-message", (f"t{i}", "", {"id": f"a-{i}"}))
                await until(lambda: len(bob.received) == 3)
                ids = [args[1]["id"] for args in bob.received]
                assert not {"a-0", "a-1", "a-2"} & set(ids)
                for one, two in itertools.pairwise(ids):
                    # Random ids share about 2 of 32 hex digits by place; a prefix
                    # and a counter would share 24 or more.
                    same = sum(x == y for x, y in zip(one, two, strict=True))
                    assert len(one) == 32 and same < 16, (one, two)
            finally:
                await alice.leave()
                await bob.leave()

    run_checked(scenario())


def test_a_resend_after_a_reconnect_is_relayed_once_and_acked_as_the_first() -> None:
    async def scenario() -> None:
        async with serving(ChatServer()) as port:
            alice, bob = Client("alice"), Client("bob")
            await alice.join(port, key="alice-key")
            await bob.join(port)
            try:
                first = await alice.sio.call("send-message", ("once", "", {"id": "m-1"}))
                await alice.leave()
                again = Client("alice")
                await again.join(port, key="alice-key")
                second = await again.sio.call("send-message", ("once", "", {"id": "m-1"}))
                await again.sio.call("send-message", ("marker", ""))
                await until(lambda: "marker" in bob.texts())
                assert bob.texts() == ["once", "marker"]
                assert first == second
                await again.leave()
            finally:
                await bob.leave()

    run_checked(scenario())


# ---- 2. replays: paged, complete, in order, paid for ---------------------


def test_a_long_absence_is_replayed_oldest_first_up_to_the_newest_then_replay_done() -> None:
    """More than the old one-shot replay's 10,000: the rest follow page by page."""

    async def scenario() -> None:
        server = ChatServer()
        offsets = fill(server.history, 10_250)
        async with serving(server) as port:
            late = Client("late")
            await late.join(port, key="late-key", offset=0)
            try:
                await until(lambda: late.done != [], timeout=60, what="replay-done")
                assert late.offsets() == offsets
                assert late.texts()[0] == "m00000" and late.texts()[-1] == "m10249"
                assert late.done == [
                    {"room": "", "since": 0, "offset": offsets[-1], "epoch": server.history.epoch}
                ]
            finally:
                await late.leave()

    run_checked(scenario())


def text_cost(text: str) -> int:
    return len(text) + MESSAGE_OVERHEAD


def test_the_replay_budget_outlives_a_reconnect_and_others_chat_meanwhile() -> None:
    async def scenario() -> None:
        limits = ReplayLimits(
            page_messages=50,
            client_burst=text_cost("m00000") * 75,  # a page and a half
            client_rate=1e-3,  # and next to nothing after that
            address_burst=1e9,
            address_rate=1e9,
        )
        server = ChatServer(replay_limits=limits)
        fill(server.history, 500)
        async with serving(server) as port:
            greedy, alice, bob = Client("greedy"), Client("alice"), Client("bob")
            await alice.join(port)
            await bob.join(port)
            await greedy.join(port, key="greedy-key", offset=0)
            try:
                sid = greedy.sid
                await until(lambda: (sid, "") in server.replays.waiting)
                # Two pages went out, the second one on credit; now it waits.
                await until(lambda: len(greedy.received) == 100)
                # Everyone else's messages are not held up meanwhile.
                await alice.sio.call("send-message", ("live", ""), timeout=5)
                await until(lambda: bob.texts() == ["live"], timeout=2)
                assert (sid, "") in server.replays.waiting
                assert len(greedy.received) == 100 and greedy.done == []

                # Coming back does not buy a fresh budget: nothing is sent.
                await greedy.leave()
                again = Client("greedy")
                await again.join(port, key="greedy-key", offset=0)
                await until(lambda: (again.sid, "") in server.replays.waiting)
                assert again.received == [] and again.done == []
                await again.leave()
            finally:
                await alice.leave()
                await bob.leave()

    run_checked(scenario())


@pytest.mark.parametrize("room", ["", "garden"])
def test_catching_up_while_others_talk_gets_everything_once_in_order(room: str) -> None:
    async def scenario() -> None:
        limits = ReplayLimits(
            page_messages=20,
            client_burst=text_cost("m00000") * 30,
            client_rate=text_cost("m00000") * 150,  # about 150 messages a second
        )
        server = ChatServer(replay_limits=limits)
        fill(server.history, 300, room)
        async with serving(server) as port:
            late, alice, bob = Client("late"), Client("alice"), Client("bob")
            await alice.join(port, key="alice-key")
            await bob.join(port)
            if room:
                await bob.sio.call("join-room", room, timeout=5)
                await late.join(port, key="late-key")
                joined = await late.sio.call("join-room", (room, {"since": 0}), timeout=5)
                assert joined == f"Joined {room}"
            else:
                await late.join(port, key="late-key", offset=0)
            try:
                for i in range(60):
                    await alice.sio.call("send-message", (f"live {i}", room), timeout=5)
                # The others had theirs at once, while the catch-up went on.
                await until(lambda: len(bob.received) == 60)
                assert late.done == []
                await until(lambda: late.done != [], timeout=20, what="replay-done")
                await alice.sio.call("send-message", ("after", room), timeout=5)
                await until(lambda: "after" in late.texts())
                offsets = late.offsets()
                assert offsets == sorted(set(offsets))  # in order, each once
                expected = [f"m{i:05d}" for i in range(300)]
                assert late.texts() == [*expected, *(f"live {i}" for i in range(60)), "after"]
                assert {args[1]["room"] for args in late.received} == {room}
                assert late.done[0]["room"] == room and "trimmed" not in late.done[0]
            finally:
                for c in (late, alice, bob):
                    await c.leave()

    run_checked(scenario())


def test_a_message_stored_while_the_last_page_waited_for_the_lock_arrives_once() -> None:
    """The last page is read before the relay lock is taken (server/replay.py):
    a message stored and relayed live meanwhile, before the client was
    subscribed, must still reach it, once, in its place."""

    async def scenario() -> None:
        limits = ReplayLimits(
            page_messages=20,
            client_burst=text_cost("m00000") * 10,  # the first page puts it in debt
            client_rate=text_cost("m00000") * 20,  # for about half a second
        )
        server = ChatServer(replay_limits=limits)
        fill(server.history, 30)
        async with serving(server) as port:
            late = Client("late")
            await late.join(port, key="late-key", offset=0)
            try:
                await until(lambda: (late.sid, "") in server.replays.waiting, what="the debt")
                async with server.replays.lock:
                    await until(lambda: len(late.received) == 20, what="the first page")
                    # Its wait ends; it reads how far live relaying has got
                    # (at once: SQLite does not suspend), then the last ten,
                    # and waits for the lock.
                    await until(lambda: (late.sid, "") not in server.replays.waiting)
                    # Said now (by someone holding the lock, as a live relay
                    # does): relayed to those subscribed, which it is not yet.
                    fill(server.history, 1, start=30)
                await until(lambda: late.done != [], what="replay-done")
                await until(lambda: len(late.received) >= 31, what="the message said meanwhile")
                assert late.texts() == [f"m{i:05d}" for i in range(31)]
                assert late.done[0]["offset"] == late.offsets()[-1]
            finally:
                await late.leave()

    run_checked(scenario())


# ---- retention -----------------------------------------------------------


def test_retention_at_start_and_a_replay_from_before_it_says_what_is_gone(
    tmp_path: Path,
) -> None:
    db = tmp_path / "server.db"
    history = History(db)
    for i in range(10):  # from before the retention period
        history.add(f"ancient-{i}", "", "gone", "gone", f"old {i}", time.time() - 40 * 86400)
    kept = fill(history, 40)
    history.close()

    async def scenario() -> None:
        server = ChatServer(db=db, retention=Retention(days=30, messages=30))
        async with serving(server) as port:
            assert server.history.count() == 30
            late = Client("late")
            await late.join(port, key="late-key", offset=0)
            try:
                await until(lambda: late.done != [])
                assert late.offsets() == kept[10:]
                assert late.done[0]["trimmed"] is True
                assert late.done[0]["oldest"] == kept[10]
            finally:
                await late.leave()

    run_checked(scenario())


def test_retention_is_applied_while_running() -> None:
    async def scenario() -> None:
        server = ChatServer(retention=Retention(days=None, messages=20, interval=0.05))
        async with serving(server) as port:
            alice = Client("alice")
            await alice.join(port)
            try:
                for i in range(50):
                    await alice.sio.call("send-message", (f"t{i}", ""), timeout=5)
                await until(lambda: server.history.count() <= 20)
            finally:
                await alice.leave()

    run_checked(scenario())


def test_the_command_line_states_the_retention_defaults() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "desktop_chat.server", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    text = " ".join(result.stdout.split())
    assert "--retain-days" in text and "(default: 30)" in text
    assert "--retain-messages" in text and "(default: 100000)" in text
    assert "--max-packet-bytes" in text
