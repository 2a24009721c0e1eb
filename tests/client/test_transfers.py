"""The client's file transfers (issue #21) against a real desktop-chat-server
on loopback: tickets over a real Socket.IO client, HTTP through aiohttp, and
a proxy that drops the link (or changes bytes) where a test says."""

from __future__ import annotations

import asyncio
import hashlib
import os
import stat
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from desktop_chat.client.transfers import (
    Committed,
    TicketSource,
    TransferCancelled,
    TransferRefused,
    download,
    files_ticket,
    upload,
)
from tests.client.cutting_proxy import CuttingProxy
from tests.helpers import run_checked
from tests.server.test_files import ROOM, FileClient, blobs, file_clients, file_server

MB = 1024 * 1024


@dataclass
class Rig:
    tmp: Path
    client: FileClient
    session: aiohttp.ClientSession
    base: str  # through the proxy
    proxy: CuttingProxy
    tickets: TicketSource
    asked: list[str]


@asynccontextmanager
async def rig(tmp: Path, ticket_seconds: float = 600.0, **proxy: Any) -> AsyncIterator[Rig]:
    async with (
        file_server(tmp, ticket_seconds=ticket_seconds) as (server, url),
        file_clients(url, "a") as (a,),
    ):
        cutter = CuttingProxy(server.port, **proxy)
        through = await cutter.start()
        asked: list[str] = []

        async def call(event: str, data: Any) -> Any:
            return await a.sio.call(event, data, timeout=5)

        async def tickets() -> str:
            asked.append(ROOM)
            return await files_ticket(call, ROOM)

        session = aiohttp.ClientSession()
        try:
            yield Rig(tmp, a, session, through + a.info["files"]["path"], cutter, tickets, asked)
        finally:
            await session.close()
            await cutter.stop()


def committed_blobs(tmp: Path) -> list[str]:
    return [hashlib.sha256(p.read_bytes()).hexdigest() for p in blobs(tmp)]


def partials(tmp: Path) -> list[Path]:
    return sorted((tmp / "files" / "partial").iterdir())


def test_upload_in_small_chunks_and_download_back(tmp_path: Path) -> None:
    data = os.urandom(3 * MB)
    sha = hashlib.sha256(data).hexdigest()
    source = tmp_path / "big.bin"
    source.write_bytes(data)
    seen: list[tuple[int, int]] = []

    async def scenario() -> None:
        async with rig(tmp_path) as r:
            done = await upload(
                r.session,
                r.base,
                r.tickets,
                source,
                "big.bin",
                "application/x-thing",
                chunk_bytes=300_000,
                on_progress=lambda d, t: seen.append((d, t)),
            )
            assert isinstance(done, Committed)
            assert (done.sha256, done.size, done.name) == (sha, len(data), "big.bin")
            assert committed_blobs(tmp_path) == [sha] and partials(tmp_path) == []
            out = tmp_path / "out"
            out.mkdir()
            saved = await download(
                r.session, r.base, r.tickets, done.file, sha, len(data), out, "big.bin"
            )
            assert saved == out / "big.bin" and saved.read_bytes() == data
            assert os.listdir(out) == ["big.bin"]  # no .part left behind

    run_checked(scenario())
    assert seen[-1] == (len(data), len(data))
    assert len(seen) < 40  # at most every 100 ms, not per piece


def test_upload_resumes_after_the_link_drops_half_way(tmp_path: Path) -> None:
    data = os.urandom(2 * MB)
    sha = hashlib.sha256(data).hexdigest()

    async def scenario() -> None:
        async with rig(tmp_path, cut_up_after=MB + 12345) as r:
            done = await upload(r.session, r.base, r.tickets, data, "f.bin", chunk_bytes=512 * 1024)
            assert r.proxy.cuts == 1
            assert done.sha256 == sha and done.size == len(data)
            assert committed_blobs(tmp_path) == [sha] and partials(tmp_path) == []
            got = await r.client.download(done.file)
            assert got.body == data

    run_checked(scenario())


def test_upload_resumes_when_the_cut_falls_inside_one_big_chunk(tmp_path: Path) -> None:
    # One PUT of the whole file, cut in the middle: the server keeps what
    # arrived, and the client's sha256 must cover exactly that, then the rest.
    data = os.urandom(MB + 777)
    sha = hashlib.sha256(data).hexdigest()

    async def scenario() -> None:
        async with rig(tmp_path, cut_up_after=400_000) as r:
            done = await upload(r.session, r.base, r.tickets, data, "f.bin", chunk_bytes=4 * MB)
            assert r.proxy.cuts == 1 and done.sha256 == sha
            assert committed_blobs(tmp_path) == [sha]

    run_checked(scenario())


def test_download_resumes_after_the_link_drops(tmp_path: Path) -> None:
    data = os.urandom(2 * MB)
    sha = hashlib.sha256(data).hexdigest()

    async def scenario() -> None:
        async with rig(tmp_path) as r:
            file_id = await r.client.upload(data)
            r.proxy.cut_down_after = MB  # the answer's headers, then a megabyte
            saved = await download(
                r.session, r.base, r.tickets, file_id, sha, len(data), tmp_path, "copy.bin"
            )
            assert r.proxy.cuts == 1 and saved.read_bytes() == data

    run_checked(scenario())


def test_cancel_mid_upload_leaves_nothing_stored(tmp_path: Path) -> None:
    data = os.urandom(3 * MB)

    async def scenario() -> None:
        async with rig(tmp_path) as r:
            cancel = asyncio.Event()

            def progress(done: int, _total: int) -> None:
                if done < _total:
                    cancel.set()

            with pytest.raises(TransferCancelled):
                await upload(
                    r.session,
                    r.base,
                    r.tickets,
                    data,
                    "f.bin",
                    chunk_bytes=256 * 1024,
                    on_progress=progress,
                    cancel=cancel,
                )
            assert blobs(tmp_path) == [] and partials(tmp_path) == []  # deleted, not left

    run_checked(scenario())


def test_bytes_changed_on_the_way_are_refused_as_a_hash_mismatch(tmp_path: Path) -> None:
    marker = b"--desktop-chat-marker--"
    data = os.urandom(500_000) + marker + os.urandom(500_000)

    async def scenario() -> None:
        async with rig(tmp_path, replace=(marker, marker.upper())) as r:
            with pytest.raises(TransferRefused) as refused:
                await upload(r.session, r.base, r.tickets, data, "f.bin", chunk_bytes=300_000)
            assert refused.value.code == "hash-mismatch" and refused.value.status == 422
            assert blobs(tmp_path) == [] and partials(tmp_path) == []

    run_checked(scenario())


def test_a_download_that_does_not_match_its_sha256_is_deleted(tmp_path: Path) -> None:
    data = os.urandom(200_000)
    out = tmp_path / "out"
    out.mkdir()

    async def scenario() -> None:
        async with rig(tmp_path) as r:
            file_id = await r.client.upload(data)
            with pytest.raises(TransferRefused) as refused:
                await download(
                    r.session, r.base, r.tickets, file_id, "0" * 64, len(data), out, "f.bin"
                )
            assert refused.value.code == "hash-mismatch"
            assert os.listdir(out) == []

    run_checked(scenario())


def test_refusals_come_back_typed(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with rig(tmp_path) as r:
            big = r.client.info["files"]["max_bytes"] + 1
            with pytest.raises(TransferRefused) as refused:
                await upload(r.session, r.base, r.tickets, b"x" * big, "f.bin")
            assert refused.value.code == "too-large"

            async def call(event: str, data: Any) -> Any:
                return await r.client.sio.call(event, data, timeout=5)

            with pytest.raises(TransferRefused) as outside:
                await files_ticket(call, "a room I never joined")
            assert outside.value.code == "not-in-room"

    run_checked(scenario())


def test_an_expired_ticket_is_replaced_by_a_fresh_one(tmp_path: Path) -> None:
    data = os.urandom(300_000)

    async def scenario() -> None:
        async with rig(tmp_path, ticket_seconds=0.5) as r:
            stale = await r.tickets()
            await asyncio.sleep(0.7)
            given: list[str] = []

            async def stale_first() -> str:
                given.append(stale if not given else await r.tickets())
                return given[-1]

            done = await upload(r.session, r.base, stale_first, data, "f.bin")
            assert done.sha256 == hashlib.sha256(data).hexdigest()
            assert len(given) >= 2 and given[0] == stale

    run_checked(scenario())


def test_hostile_names_are_saved_safely_inside_the_folder(tmp_path: Path) -> None:
    data = b"#!/bin/sh\necho gotcha\n"
    sha = hashlib.sha256(data).hexdigest()
    out = tmp_path / "Downloads"
    out.mkdir()
    (out / "report.txt").write_text("mine")

    async def scenario() -> list[Path]:
        async with rig(tmp_path) as r:
            file_id = await r.client.upload(data)
            saved = []
            for name in (
                "../../.bashrc",
                "invoice\u202egnp.exe",
                "CON.txt",
                "report.txt",
                "report.txt",
            ):
                saved.append(
                    await download(r.session, r.base, r.tickets, file_id, sha, len(data), out, name)
                )
            return saved

    saved = run_checked(scenario())
    assert [p.name for p in saved] == [
        "bashrc",
        "invoicegnp.exe",
        "_CON.txt",
        "report (1).txt",
        "report (2).txt",
    ]
    assert (out / "report.txt").read_text() == "mine"
    for path in saved:
        assert path.parent == out and path.read_bytes() == data
        assert not stat.S_IMODE(path.stat().st_mode) & 0o111  # never executable
    assert sorted(os.listdir(out)) == sorted([p.name for p in saved] + ["report.txt"])
    assert not (tmp_path / ".bashrc").exists()


def test_cancel_mid_download_leaves_no_part_file(tmp_path: Path) -> None:
    data = os.urandom(3 * MB)
    out = tmp_path / "out"
    out.mkdir()

    async def scenario() -> None:
        async with rig(tmp_path) as r:
            file_id = await r.client.upload(data, chunk=MB)
            cancel = asyncio.Event()

            def progress(done: int, _total: int) -> None:
                if done < _total:
                    cancel.set()

            with pytest.raises(TransferCancelled):
                await download(
                    r.session,
                    r.base,
                    r.tickets,
                    file_id,
                    hashlib.sha256(data).hexdigest(),
                    len(data),
                    out,
                    "f.bin",
                    on_progress=progress,
                    cancel=cancel,
                )
            assert os.listdir(out) == []

    run_checked(scenario())


def test_a_file_of_another_room_is_refused_in_words(tmp_path: Path) -> None:
    data = os.urandom(1000)

    async def scenario() -> None:
        async with rig(tmp_path) as r:
            file_id = await r.client.upload(data)
            await r.client.join("elsewhere")

            async def call(event: str, arg: Any) -> Any:
                return await r.client.sio.call(event, arg, timeout=5)

            with pytest.raises(TransferRefused) as refused:
                await download(
                    r.session,
                    r.base,
                    lambda: files_ticket(call, "elsewhere"),
                    file_id,
                    hashlib.sha256(data).hexdigest(),
                    len(data),
                    tmp_path,
                    "f.bin",
                )
            assert refused.value.code == "not-in-room" and refused.value.status == 403
            assert refused.value.words
            assert not list(tmp_path.glob("*.part")) and not list(tmp_path.glob(".*.part"))

    run_checked(scenario())


def test_a_ticket_that_expires_mid_upload_is_replaced_and_the_upload_goes_on(
    tmp_path: Path,
) -> None:
    data = os.urandom(MB)
    paused: list[int] = []

    def slow_first_chunk(done: int, _total: int) -> None:
        if not paused:  # the loop stands still until the ticket has expired
            paused.append(done)
            time.sleep(0.7)

    async def scenario() -> None:
        async with rig(tmp_path, ticket_seconds=0.5) as r:
            done = await asyncio.wait_for(
                upload(
                    r.session,
                    r.base,
                    r.tickets,
                    data,
                    "f.bin",
                    chunk_bytes=256 * 1024,
                    on_progress=slow_first_chunk,
                ),
                30,
            )
            assert done.sha256 == hashlib.sha256(data).hexdigest()
            assert len(r.asked) >= 2  # a fresh ticket was asked for mid-way
            assert committed_blobs(tmp_path) == [done.sha256]

    run_checked(scenario())
