"""Rooms and catch-up offsets kept per server and identity."""

from __future__ import annotations

from desktop_chat.client.channels import Channels, ChannelStore
from desktop_chat.client.local_db import open_client_db

SERVER = "http://127.0.0.1:3000/socket.io"


def test_rooms_offsets_and_baseline_round_trip_in_join_order() -> None:
    store = ChannelStore(owner="me")
    kept = Channels(
        rooms=["zebra", "garden"],
        offsets={"": 12, "garden": 9},
        baseline=4,
        declined={"plans", "old team"},  # private rooms left
    )
    store.save(SERVER, kept)
    assert store.load(SERVER) == kept
    store.save(SERVER, Channels(rooms=["garden"], offsets={"": 13}, baseline=4))
    assert store.load(SERVER) == Channels(rooms=["garden"], offsets={"": 13}, baseline=4)


def test_another_identity_or_server_starts_empty() -> None:
    db = open_client_db()
    ChannelStore(db, "me").save(SERVER, Channels(rooms=["garden"], offsets={"": 1}, baseline=1))
    assert ChannelStore(db, "them").load(SERVER) == Channels()
    assert ChannelStore(db, "me").load("http://other:1/socket.io") == Channels()
