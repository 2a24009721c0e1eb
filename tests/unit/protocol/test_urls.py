"""Server addresses as users type them."""

from __future__ import annotations

import pytest

from desktop_chat.protocol.urls import (
    InvalidServerUrl,
    ServerTarget,
    normalize_path,
    parse_server_url,
)


@pytest.mark.parametrize(
    ("typed", "url", "port"),
    [
        ("localhost:3000", "http://localhost:3000", 3000),
        ("  http://127.0.0.1:3000/ ", "http://127.0.0.1:3000", 3000),
        ("ws://chat.example", "http://chat.example", 80),
        ("wss://chat.example", "https://chat.example", 443),
        ("HTTPS://Chat.Example:8443", "https://Chat.Example:8443", 8443),
        ("http://[::1]:3000", "http://[::1]:3000", 3000),
    ],
)
def test_what_users_type_becomes_an_http_address(typed: str, url: str, port: int) -> None:
    parsed = parse_server_url(typed)
    assert (parsed.url, parsed.port) == (url, port)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "empty"),
        ("http://a b", "spaces"),
        ("ftp://example.com", "only http://"),
        ("http://", "names no host"),
        ("http://user:pw@example.com", "user name or password"),
        ("http://example.com/chat", "give the Socket.IO path separately"),
        ("http://example.com:0", "port 0"),
        ("http://example.com:99999", "malformed"),
    ],
)
def test_a_wrong_address_is_explained(typed: str, says: str) -> None:
    with pytest.raises(InvalidServerUrl, match=says):
        parse_server_url(typed)


def test_loopback_is_this_machine_only() -> None:
    assert parse_server_url("localhost:1").is_loopback
    assert parse_server_url("127.0.0.2:1").is_loopback
    assert parse_server_url("[::1]:1").is_loopback
    assert not parse_server_url("0.0.0.0:1").is_loopback
    assert not parse_server_url("chat.example:1").is_loopback


def test_the_same_address_with_another_path_is_another_server() -> None:
    url = parse_server_url("localhost:3000")
    assert ServerTarget(url).key == "http://localhost:3000/socket.io"
    assert ServerTarget(url, "/chat/socket.io").key != ServerTarget(url).key


def test_paths_get_one_leading_slash() -> None:
    assert normalize_path("chat/socket.io/") == "/chat/socket.io"
    with pytest.raises(InvalidServerUrl, match="empty"):
        normalize_path(" / ")
