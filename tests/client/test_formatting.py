"""Formatted messages on the wire: `"format": "markdown"` in send-message's opts,
only to a server that said (server-info) it knows message events; to any
other the text goes as typed, and is shown as typed."""

from __future__ import annotations

from typing import Any

import pytest

from desktop_chat.client.chat_client import ChatClient, ConnectionState
from desktop_chat.client.dialect import TutorialDialect
from desktop_chat.protocol.messages import DeliveryState, Kind, own_message, received_message
from desktop_chat.server import message_events
from desktop_chat.server.chat_server import ChatServer
from tests.helpers import FAST_BACKOFF, run_checked, server_target, until


def test_the_receiver_reads_the_format_from_meta() -> None:
    meta = {"from": {"name": "bob"}, "format": "markdown"}
    assert received_message(("**hi**", meta)).formatted
    assert not received_message(("**hi**", {"from": {"name": "bob"}})).formatted
    assert not received_message(("**hi**", {"format": "html"})).formatted
    assert not received_message(("**hi**",)).formatted


def test_the_tutorial_opts_carry_the_format_only_when_asked() -> None:
    message = own_message("**x**", "", "me")
    assert TutorialDialect.send_args(message) == ("**x**", "", {"id": message.id})
    assert TutorialDialect.send_args(message, {"format": "markdown"}) == (
        "**x**", "", {"id": message.id, "format": "markdown"}
    )  # fmt: skip


def sent_opts(monkeypatch: pytest.MonkeyPatch, events: bool) -> tuple[dict[str, Any], list[Any]]:
    """Send one formatted and one plain message to our server, saying `events`
    or not; what the server got as opts, and the sender's own copies."""
    # desktop-chat-server says it (message_events.EXTENSIONS); a server that
    # does not is played by the same server keeping quiet about it.
    monkeypatch.setitem(message_events.EXTENSIONS, "events", events)
    got: dict[str, Any] = {}
    original = ChatServer._on_send

    async def recording(self: ChatServer, sid: str, *args: object) -> object:
        got[str(args[0])] = args[2] if len(args) > 2 else None
        return await original(self, sid, *args)

    monkeypatch.setattr(ChatServer, "_on_send", recording)
    shown = []

    async def scenario() -> None:
        server = ChatServer()
        port = await server.start("127.0.0.1", 0)
        client = ChatClient("alice", backoff=FAST_BACKOFF)
        states: dict[str, DeliveryState] = {}
        client.on_delivery = lambda u: states.__setitem__(u.id, u.state)
        try:
            client.connect_to(server_target(f"http://127.0.0.1:{port}"))
            await until(lambda: client.status.state is ConnectionState.CONNECTED)
            await until(lambda: client.info.ready.is_set())
            for text, formatted in (("**bold**", True), ("2*3*4", False)):
                message = client.send(text, "", formatted=formatted)
                shown.append(message)
                await until(lambda m=message: states.get(m.id) is DeliveryState.DELIVERED)
        finally:
            await client.close()
            await server.stop()

    run_checked(scenario())
    return got, shown


def test_a_server_that_knows_events_gets_the_format(monkeypatch: pytest.MonkeyPatch) -> None:
    got, shown = sent_opts(monkeypatch, events=True)
    assert got["**bold**"]["format"] == "markdown"
    assert "format" not in got["2*3*4"]  # the setting off: as typed
    assert [m.formatted for m in shown] == [True, False]
    assert all(m.kind is Kind.OWN for m in shown)


def test_any_other_server_gets_the_text_as_typed(monkeypatch: pytest.MonkeyPatch) -> None:
    got, shown = sent_opts(monkeypatch, events=False)
    assert "format" not in got["**bold**"]
    assert got["**bold**"] == {"id": shown[0].id}
    # Shown as the others will see it: as typed.
    assert [m.formatted for m in shown] == [False, False]


def test_written_offline_it_goes_marked_only_if_the_server_then_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = ChatClient("alice", backoff=FAST_BACKOFF)
    message = own_message("**x**", "", "alice")
    message.formatted = True
    assert client._may_format()  # offline, nothing known: the user's wish holds
    client.info.update({"acks": True})
    assert not client._sender.says_markdown(message)
    client.info.update({"acks": True, "events": True})
    assert client._sender.says_markdown(message)
