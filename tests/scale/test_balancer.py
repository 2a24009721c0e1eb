"""Clients of every kind through HAProxy (docs/haproxy.cfg) and on different processes.

- The desktop client over long-polling through the balancer: it keeps the
  balancer's stickiness cookie (a 127.0.0.1 host), so every poll of its
  session reaches the process that opened it.
- `kill -9` of the process a desktop client is on, mid-stream: the client
  lands on another process through the balancer, catches up, and resends
  what was unacked; nobody sees a message twice or misses one.
- The desktop ChatClient and a socket.io-client 4 peer (tests/interop/peer.js)
  on different processes see each other's messages once, in one order.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from desktop_chat.client.chat_client import ChatClient, ConnectionState
from desktop_chat.client.notices import Joined
from desktop_chat.protocol.messages import DeliveryState, Kind
from tests.client.test_client import Recorder
from tests.helpers import FAST_BACKOFF, run_checked, server_target, until
from tests.interop.conftest import require as require_node
from tests.interop.nodeproc import ChildGroup, Server, poll_spin, start_peer
from tests.scale.cluster import HAProxy, Listener, ServerProcess, health, require

ROOM = "ops"
Start = Callable[..., list[ServerProcess]]


@pytest.fixture
def proxy_for(tmp_path: Path) -> Iterator[Callable[[list[ServerProcess]], HAProxy]]:
    require("haproxy")
    started: list[HAProxy] = []

    def start(processes: list[ServerProcess]) -> HAProxy:
        proxy = HAProxy(tmp_path, [p.port for p in processes])
        started.append(proxy)
        return proxy

    try:
        yield start
    finally:
        for proxy in started:
            proxy.stop()


async def clients_on(process: ServerProcess) -> int:
    status, body = await health(process.url)
    assert status == 200, body
    return int(json.loads(body.split(" ", 1)[1])["clients"])


def connected(client: ChatClient) -> bool:
    return client.status.state is ConnectionState.CONNECTED


def test_a_process_killed_mid_stream_its_clients_land_on_another(
    servers: Start, proxy_for: Callable[[list[ServerProcess]], HAProxy]
) -> None:
    processes = servers(2)
    proxy = proxy_for(processes)

    async def scenario() -> None:
        await proxy.ready()
        alice = ChatClient("alice", transports=["polling"], backoff=FAST_BACKOFF)
        a = Recorder(alice)
        watcher = Listener("watcher")
        sender = Listener("sender")
        try:
            alice.connect_to(server_target(proxy.url))
            await until(lambda: connected(alice), 15, "alice through the balancer")
            alice.join(ROOM)
            await until(lambda: Joined("ops") in a.notices, 10, "join")
            on = [await clients_on(p) for p in processes]
            assert sorted(on) == [0, 1], on  # one session, on one process: the cookie held
            doomed, survivor = (processes if on[0] else processes[::-1])[:2]
            for listener in (watcher, sender):
                await listener.connect(survivor.url)
                await listener.join(ROOM)

            async def write() -> list[int]:
                offsets = []
                for n in range(90):
                    offsets.append((await sender.send(f"s{n}", ROOM))["offset"])
                    if n % 3 == 0:
                        alice.send(f"a{n}", ROOM)
                    await asyncio.sleep(0.01)  # a paced stream, for the kill to land inside
                return offsets

            writing = asyncio.ensure_future(write())
            await until(lambda: len(a.texts(Kind.OTHER)) >= 20, 15, "alice receiving")
            # Every poll reached the process that opened alice's session: no reconnect.
            states = [status.state for status in a.statuses]
            first = states.index(ConnectionState.CONNECTED)
            assert set(states[first:]) == {ConnectionState.CONNECTED}, states
            doomed.kill()
            sent = await asyncio.wait_for(writing, 60)
            await until(lambda: connected(alice), 20, "alice back through the balancer")
            expected = [f"s{n}" for n in range(90)]
            await until(lambda: a.texts(Kind.OTHER) == expected, 20, "alice to have everything")
            mine = [f"a{n}" for n in range(0, 90, 3)]
            await until(
                lambda: [t for t, _ in watcher.received if t.startswith("a")] == mine,
                20,
                "alice's messages, once each, in order",
            )
            assert all(state is DeliveryState.DELIVERED for state in a.states.values())
            assert watcher.offsets() == sorted(set(watcher.offsets()))
            assert set(sent) <= set(watcher.offsets()) - set(sender.offsets())
        finally:
            await alice.close()
            await watcher.leave()
            await sender.leave()

    run_checked(scenario())


def test_desktop_client_and_socket_io_peer_on_different_processes(servers: Start) -> None:
    require_node("peer.js")
    first, second, third = servers(3)
    group = ChildGroup(poll_spin)
    node_server = Server("desktop-chat-server", second.port, "/socket.io", second.child)
    peer = start_peer(group, node_server, "nodepeer")
    try:
        peer.wait_connected()
        assert peer.join_acked(ROOM) == [f"Joined {ROOM}"]

        async def scenario() -> None:
            alice = ChatClient("alice", backoff=FAST_BACKOFF)
            a = Recorder(alice)
            watcher = Listener("watcher")
            try:
                await watcher.connect(third.url)
                await watcher.join(ROOM)
                alice.connect_to(server_target(first.url))
                await until(lambda: connected(alice), 15, "alice")
                alice.join(ROOM)
                await until(lambda: Joined("ops") in a.notices, 10, "join")
                peer.burst(30, "p", ROOM)  # one burst, no acks: order kept per sender
                for n in range(30):
                    alice.send(f"a{n}", ROOM)
                await until(lambda: len(watcher.received) >= 60, 20, "the watcher")
                order = [text for text, _ in watcher.received]
                assert watcher.offsets() == sorted(set(watcher.offsets()))
                assert [t for t in order if t.startswith("p")] == [f"p{n}" for n in range(30)]
                assert [t for t in order if t.startswith("a")] == [f"a{n}" for n in range(30)]
                await until(lambda: len(a.texts(Kind.OTHER)) >= 30, 20, "alice")
                assert a.texts(Kind.OTHER) == [t for t in order if t.startswith("p")]
                await asyncio.to_thread(peer.wait_count, 30, 20)
                assert peer.received() == [t for t in order if t.startswith("a")]
                # The same order everywhere: the peer's and alice's messages interleave
                # at the peer's process as at the watcher's, by offset.
                offsets = {t: m["offset"] for t, m in watcher.received}
                peer_offsets = [args[1]["offset"] for args in peer.received_args()]
                assert peer_offsets == [offsets[t] for t in peer.received()]
            finally:
                await alice.close()
                await watcher.leave()

        run_checked(scenario())
    finally:
        group.stop_all()
