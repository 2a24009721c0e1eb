"""ChatClient against the real bundled server, in plain asyncio (no Qt)."""

from __future__ import annotations

from desktop_chat.client.chat_client import Backoff, ChatClient, ConnectionState, Status
from desktop_chat.client.notices import Connected, Disconnected, Joined, NothingListening, Notice
from desktop_chat.protocol.messages import DeliveryState, Kind, Message
from desktop_chat.server.chat_server import ChatServer
from tests.helpers import FAST_BACKOFF, free_port, run_checked, server_target, until


class Recorder:
    def __init__(self, client: ChatClient) -> None:
        self.messages: list[Message] = []
        self.statuses: list[Status] = []
        self.states: dict[str, DeliveryState] = {}  # own message id -> newest state
        self.notices: list[Notice] = []  # what the window would word
        client.on_message = self.messages.append
        client.on_notice = self.notices.append
        client.on_status = self.statuses.append
        client.on_delivery = lambda update: self.states.__setitem__(update.id, update.state)

    def texts(self, kind: Kind) -> list[str]:
        return [m.text for m in self.messages if m.kind is kind]


def make_client(name: str) -> tuple[ChatClient, Recorder]:
    client = ChatClient(name, backoff=FAST_BACKOFF)
    return client, Recorder(client)


def test_connect_send_receive_join() -> None:
    async def scenario() -> None:
        server = ChatServer()
        port = await server.start("127.0.0.1", 0)
        url = server_target(f"http://127.0.0.1:{port}")
        alice, a = make_client("alice")
        bob, b = make_client("bob")
        try:
            alice.connect_to(url)
            bob.connect_to(url)
            await until(
                lambda: (
                    alice.status.state is ConnectionState.CONNECTED
                    and bob.status.state is ConnectionState.CONNECTED
                )
            )
            assert Connected(alice.status.sid) in a.notices
            assert alice.status.transport == "websocket"

            sent = alice.send("hello bob", "")
            assert sent.state is DeliveryState.PENDING  # shown before any network
            await until(lambda: "hello bob" in b.texts(Kind.OTHER))
            received = next(m for m in b.messages if m.text == "hello bob")
            assert received.sender == "alice"
            await until(lambda: a.states.get(sent.id) is DeliveryState.DELIVERED)
            assert "hello bob" not in a.texts(Kind.OTHER)  # never echoed back

            bob.join("lobby")
            alice.join("lobby")
            await until(lambda: Joined("lobby") in a.notices)
            alice.send("in the lobby", "lobby")
            await until(lambda: "in the lobby" in b.texts(Kind.OTHER))
            assert next(m for m in b.messages if m.text == "in the lobby").room == "lobby"
        finally:
            await alice.close()
            await bob.close()
            await server.stop()

    run_checked(scenario())


def test_message_written_offline_is_sent_when_the_server_appears() -> None:
    async def scenario() -> None:
        port = free_port()
        url = server_target(f"http://127.0.0.1:{port}")
        # Alice's next try is far off, so that the listener is surely connected
        # before her message goes out; then the user presses "Reconnect now".
        alice = ChatClient("alice", backoff=Backoff(first=60, factor=1.0, cap=60, jitter=0))
        a = Recorder(alice)
        server = ChatServer()
        listener = ChatClient("listener", backoff=FAST_BACKOFF)
        heard = Recorder(listener)
        try:
            alice.connect_to(url)
            await until(
                lambda: (
                    alice.status.state is ConnectionState.RECONNECTING and bool(alice.status.error)
                )
            )
            assert alice.status.error == NothingListening()
            assert alice.status.retry_at is not None
            kept = alice.send("written while offline", "")
            assert kept.state is DeliveryState.PENDING

            await server.start("127.0.0.1", port)
            listener.connect_to(url)
            await until(lambda: listener.status.state is ConnectionState.CONNECTED)
            assert kept.state is DeliveryState.PENDING
            alice.reconnect_now()
            await until(lambda: a.states.get(kept.id) is DeliveryState.DELIVERED)
            await until(lambda: bool(heard.texts(Kind.OTHER)), what="the listener to hear it")
            # Once more round the server: nothing else is on its way to the listener.
            listener.join("marker")
            await until(lambda: Joined("marker") in heard.notices)
            assert a.texts(Kind.OWN) == ["written while offline"]
            assert [(m.text, m.sender, m.room) for m in heard.messages if m.kind is Kind.OTHER] == [
                ("written while offline", "alice", "")
            ]
        finally:
            await alice.close()
            await listener.close()
            await server.stop()

    run_checked(scenario())


def test_rooms_are_rejoined_after_the_server_restarts() -> None:
    async def scenario() -> None:
        server = ChatServer()
        port = await server.start("127.0.0.1", 0)
        url = server_target(f"http://127.0.0.1:{port}")
        alice, a = make_client("alice")
        bob, b = make_client("bob")
        try:
            for c in (alice, bob):
                c.connect_to(url)
                c.join("team")
            await until(lambda: Joined("team") in b.notices and Joined("team") in a.notices)
            first_sid = bob.status.sid
            await server.stop()
            await until(lambda: bob.status.state is ConnectionState.RECONNECTING)
            assert Disconnected() in b.notices
            server = ChatServer()
            await server.start("127.0.0.1", port)
            await until(
                lambda: (
                    bob.status.state is ConnectionState.CONNECTED
                    and alice.status.state is ConnectionState.CONNECTED
                )
            )
            assert bob.status.sid != first_sid
            alice.send("after restart", "team")
            await until(lambda: "after restart" in b.texts(Kind.OTHER))
        finally:
            await alice.close()
            await bob.close()
            await server.stop()

    run_checked(scenario())


def test_switching_servers_leaves_the_old_one() -> None:
    async def scenario() -> None:
        one, two = ChatServer(), ChatServer()
        p1 = await one.start("127.0.0.1", 0)
        p2 = await two.start("127.0.0.1", 0)
        alice, _ = make_client("alice")
        try:
            alice.connect_to(server_target(f"127.0.0.1:{p1}"))
            await until(lambda: one.client_count == 1)
            alice.connect_to(server_target(f"127.0.0.1:{p2}"))
            await until(lambda: two.client_count == 1 and one.client_count == 0)
            assert alice.status.url == f"http://127.0.0.1:{p2}"
        finally:
            await alice.close()
            await one.stop()
            await two.stop()

    run_checked(scenario())
