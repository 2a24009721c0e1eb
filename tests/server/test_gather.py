"""server/gather.py: frames that follow one another share a write; a lone one waits for nothing."""

from __future__ import annotations

import asyncio
from typing import Any, cast

from aiohttp import web

from desktop_chat.server.gather import Gatherer
from tests.helpers import run_checked, until


class Transport:
    """What the gatherer uses of an asyncio transport: the writes, as they were made."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closing = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def is_closing(self) -> bool:
        return self.closing


class Response:
    closed = False


def parts() -> tuple[Any, Any]:
    return cast(web.WebSocketResponse, Response()), cast(asyncio.WriteTransport, Transport())


def test_a_lone_frame_is_written_at_once_and_a_burst_in_one_write() -> None:
    async def scenario() -> None:
        gather = Gatherer(window=0.05)
        response, transport = parts()
        gather.write(response, transport, b"first")
        assert transport.writes == [b"first"]  # nothing waited
        gather.write(response, transport, b"second")
        gather.write(response, transport, b"third")
        assert transport.writes == [b"first"]
        await until(lambda: len(transport.writes) == 2, 1, "the window to close")
        assert transport.writes == [b"first", b"secondthird"]
        assert gather.gathered_frames == 2

    run_checked(scenario())


def test_a_busy_connection_gathers_from_the_first_frame_until_a_window_passes_empty() -> None:
    async def scenario() -> None:
        gather = Gatherer(window=3600)  # closed by hand here
        response, transport = parts()
        for frame in (b"1", b"2", b"3"):
            gather.write(response, transport, frame)
        gather.close_window()
        assert transport.writes == [b"1", b"23"]
        gather.write(response, transport, b"4")  # a burst goes on: this one waits too
        assert transport.writes == [b"1", b"23"]
        gather.close_window()
        assert transport.writes == [b"1", b"23", b"4"]
        gather.close_window()  # a window with nothing: the connection is quiet again
        gather.write(response, transport, b"after a quiet spell")
        assert transport.writes[-1] == b"after a quiet spell"

    run_checked(scenario())


def test_the_engine_writes_behind_what_was_gathered_and_a_closed_socket_gets_nothing() -> None:
    async def scenario() -> None:
        gather = Gatherer(window=3600)  # closed by hand here
        response, transport = parts()
        other_response, other = parts()
        for frame in (b"1", b"2", b"3"):
            gather.write(response, transport, frame)
            gather.write(other_response, other, frame)
        gather.flush(transport)  # as the engine's writer does before its own packet
        transport.write(b"ack")
        assert transport.writes == [b"1", b"23", b"ack"]
        other.closing = True
        gather.close_window()
        assert other.writes == [b"1"]
        assert transport.writes == [b"1", b"23", b"ack"]

    run_checked(scenario())


def test_a_connection_past_the_byte_limit_is_written_without_waiting() -> None:
    async def scenario() -> None:
        gather = Gatherer(window=10, max_bytes=4)
        response, transport = parts()
        gather.write(response, transport, b"a")
        gather.write(response, transport, b"bb")
        gather.write(response, transport, b"cc")
        assert transport.writes == [b"a", b"bbcc"]

    run_checked(scenario())
