"""Files and images on desktop-chat-server (issue #21; docs/protocol.md, "Files"):
a real server on loopback, python-socketio clients for tickets and messages,
aiohttp for the HTTP routes."""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from desktop_chat.server.chat_server import ChatServer
from desktop_chat.server.files import FilesConfig
from desktop_chat.server.retention import Retention, trim
from tests.helpers import run_checked, until
from tests.server.test_message_events import Client

ROOM = "garden"


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    json: Any = None


class FileClient(Client):
    """A raw Socket.IO client that also speaks the files routes."""

    def __init__(self, name: str, key: str | None = None, token: str | None = None) -> None:
        super().__init__(name, key)
        self.token = token
        self.http = aiohttp.ClientSession()
        self.base = ""

    async def connect(self, url: str, offset: int | None = None) -> None:
        if self.token is None:
            await super().connect(url, offset)
        else:
            self.info.clear()
            await self.sio.connect(
                url,
                auth={"name": self.name, "client": self.key, "token": self.token},
                transports=["websocket"],
            )
            await until(lambda: bool(self.info), 10, f"{self.name}'s server-info")
        self.base = url + self.info["files"]["path"]

    async def close(self) -> None:
        if self.sio.connected:
            await self.sio.disconnect()
        await self.http.close()

    async def join(self, room: str) -> None:
        assert await self.sio.call("join-room", room, timeout=5) == f"Joined {room}"

    async def ticket(self, room: str = ROOM) -> str:
        answer = await self.sio.call("files-ticket", room, timeout=5)
        assert "ticket" in answer, answer
        return str(answer["ticket"])

    def headers(self, ticket: str | None, token: str | None = None) -> dict[str, str]:
        headers = {}
        if ticket is not None:
            headers["X-Files-Ticket"] = ticket
        token = token or self.token
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return headers

    async def request(
        self,
        method: str,
        path: str,
        ticket: str | None,
        *,
        data: Any = None,
        json: Any = None,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        async with self.http.request(
            method,
            self.base + path,
            data=data,
            json=json,
            headers={**self.headers(ticket, token), **(headers or {})},
        ) as response:
            body = await response.read()
            parsed = None
            if response.content_type == "application/json":
                parsed = await response.json()
            return Reply(response.status, dict(response.headers), body, parsed)

    async def begin(self, ticket: str, name: str, size: int, kind: str = "") -> Reply:
        return await self.request(
            "POST", "/uploads", ticket, json={"name": name, "size": size, "type": kind}
        )

    async def put(self, ticket: str, upload: str, data: Any, offset: int) -> Reply:
        return await self.request("PUT", f"/uploads/{upload}?offset={offset}", ticket, data=data)

    async def commit(self, ticket: str, upload: str, sha: str) -> Reply:
        return await self.request("POST", f"/uploads/{upload}/commit", ticket, json={"sha256": sha})

    async def upload(
        self,
        data: bytes,
        name: str = "f.bin",
        kind: str = "",
        room: str = ROOM,
        chunk: int = 100_000,
    ) -> str:
        """Upload `data` in chunks and commit it; the file id."""
        ticket = await self.ticket(room)
        begun = await self.begin(ticket, name, len(data), kind)
        assert begun.status == 201, begun.json
        upload = begun.json["upload"]
        sha = hashlib.sha256()
        for at in range(0, len(data), chunk):
            piece = data[at : at + chunk]
            sha.update(piece)  # computed while sending, as a client does
            put = await self.put(ticket, upload, piece, at)
            assert put.status == 200 and put.json["offset"] == at + len(piece), put.json
        done = await self.commit(ticket, upload, sha.hexdigest())
        assert done.status == 201, done.json
        return str(done.json["file"])

    async def download(self, file_id: str, room: str = ROOM, **headers: str) -> Reply:
        return await self.request("GET", f"/{file_id}", await self.ticket(room), headers=headers)


@asynccontextmanager
async def file_server(
    tmp: Path, token: str | None = None, **config: Any
) -> AsyncIterator[tuple[ChatServer, str]]:
    server = ChatServer(db=tmp / "chat.db", files=FilesConfig(tmp / "files", **config), token=token)
    await server.start("127.0.0.1", 0)
    try:
        yield server, f"http://127.0.0.1:{server.port}"
    finally:
        await server.stop()


@asynccontextmanager
async def file_clients(
    url: str, *names: str, room: str = ROOM, token: str | None = None
) -> AsyncIterator[list[FileClient]]:
    made = [FileClient(name, token=token) for name in names]
    try:
        for client in made:
            await client.connect(url)
            if room:
                await client.join(room)
        yield made
    finally:
        for client in made:
            await client.close()


def blobs(tmp: Path) -> list[Path]:
    return sorted(p for p in (tmp / "files" / "blobs").rglob("*") if p.is_file())


def test_server_info_announces_files(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with (
            file_server(tmp_path, max_bytes=1234) as (_, url),
            file_clients(url, "a") as (a,),
        ):
            files = a.info["files"]
            assert files["max_bytes"] == 1234 and files["path"] == "/files"
            assert files["chunk_bytes"] > 0 and files["thumbnail_bytes"] == 65536

    run_checked(scenario())


def test_upload_in_chunks_attach_relay_live_and_replayed_download_with_range(
    tmp_path: Path,
) -> None:
    data = os.urandom(350_000)
    thumb = os.urandom(5_000)

    async def scenario() -> None:
        async with file_server(tmp_path) as (_, url), file_clients(url, "a", "b") as (a, b):
            file_id = await a.upload(data, "Photo 1.png", "image/png")
            small = await a.upload(thumb, "thumb.jpg", "image/jpeg")
            sha = hashlib.sha256(data).hexdigest()
            ack = await a.send(
                "look",
                ROOM,
                id="m1",
                attachment={"file": file_id, "name": "lies.exe", "size": 1, "thumbnail": small},
            )
            assert "error" not in ack, ack
            await until(lambda: len(b.messages()) == 1, what="the message with its file")
            _text, meta = b.messages()[0]
            # The server's record, not the sender's claims.
            assert meta["attachment"] == {
                "file": file_id,
                "name": "Photo 1.png",
                "size": len(data),
                "sha256": sha,
                "type": "image/png",
                "thumbnail": small,
            }
            got = await b.download(file_id)
            assert got.status == 200 and got.body == data
            assert got.headers["Content-Type"] == "application/octet-stream"
            assert got.headers["X-Content-Type-Options"] == "nosniff"
            assert got.headers["Content-Disposition"].startswith(
                'attachment; filename="Photo_1.png"'
            )
            part = await b.download(file_id, Range="bytes=100000-")
            assert part.status == 206 and part.body == data[100000:]
            assert part.headers["Content-Range"] == f"bytes 100000-{len(data) - 1}/{len(data)}"
            assert (await b.download(small)).body == thumb

            late = FileClient("late")
            try:
                await late.connect(url)
                await late.sio.call("join-room", (ROOM, {"since": 0}), timeout=5)
                await until(lambda: len(late.done) == 1, what="the replay")
                replayed = late.messages()[0][1]
                assert replayed["attachment"] == meta["attachment"]
            finally:
                await late.close()

    run_checked(scenario())


def test_an_upload_resumes_where_a_dropped_request_left_it(tmp_path: Path) -> None:
    data = os.urandom(900_000)
    cut = 600_000

    async def scenario() -> None:
        async with file_server(tmp_path) as (_, url), file_clients(url, "a") as (a,):
            ticket = await a.ticket()
            upload = (await a.begin(ticket, "big.bin", len(data))).json["upload"]

            async def then_drop() -> AsyncIterator[bytes]:
                yield data[:cut]
                await asyncio.sleep(0.3)  # the server has them
                raise ConnectionError("the network went away")

            with suppress(aiohttp.ClientError):
                await a.put(ticket, upload, then_drop(), 0)

            async def resume_point() -> int:
                head = await a.request("HEAD", f"/uploads/{upload}", ticket)
                return int(head.headers["Upload-Offset"])

            offsets: list[int] = []

            async def arrived() -> bool:
                offsets.append(await resume_point())
                return offsets[-1] == cut

            for _ in range(200):
                if await arrived():
                    break
                await asyncio.sleep(0.02)
            assert offsets[-1] == cut, offsets
            # Sending from the wrong place is refused with where to resume.
            wrong = await a.put(ticket, upload, data[:10], 0)
            assert wrong.status == 409 and wrong.json["offset"] == cut
            rest = await a.put(ticket, upload, data[cut:], cut)
            assert rest.status == 200 and rest.json["offset"] == len(data)
            done = await a.commit(ticket, upload, hashlib.sha256(data).hexdigest())
            assert done.status == 201, done.json
            assert (await a.download(done.json["file"])).body == data

    run_checked(scenario())


def test_deleting_the_message_deletes_its_file_unless_another_refers_to_the_bytes(
    tmp_path: Path,
) -> None:
    data = os.urandom(20_000)

    async def scenario() -> None:
        async with file_server(tmp_path) as (_, url), file_clients(url, "a", "b") as (a, b):
            first = await a.upload(data)
            again = await a.upload(data)  # the same bytes, another file
            assert first != again and len(blobs(tmp_path)) == 1
            one = await a.send("one", ROOM, id="m1", attachment={"file": first})
            two = await a.send("two", ROOM, id="m2", attachment={"file": again})
            await until(lambda: len(b.messages()) == 2)
            gone = await a.event({"type": "delete", "target": one["id"], "id": "d1"})
            assert "error" not in gone, gone
            missing = await b.download(first)
            assert missing.status == 404 and missing.json["code"] == "no-such-file"
            assert (await b.download(again)).body == data  # still referred to
            assert len(blobs(tmp_path)) == 1
            await a.event({"type": "delete", "target": two["id"], "id": "d2"})
            assert blobs(tmp_path) == []
            assert (await b.download(again)).status == 404

    run_checked(scenario())


def test_retention_trimming_a_message_deletes_its_file(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with file_server(tmp_path) as (server, url), file_clients(url, "a") as (a,):
            file_id = await a.upload(b"old news")
            await a.send("old", ROOM, attachment={"file": file_id})
            await a.send("newer", ROOM)
            assert len(blobs(tmp_path)) == 1
            await trim(server.store, Retention(days=None, messages=1), asyncio.Lock())
            assert server.files is not None
            await server.files.sweep()
            assert blobs(tmp_path) == []
            assert (await a.download(file_id)).status == 404

    run_checked(scenario())


def test_a_committed_file_no_message_takes_up_goes_after_its_grace(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with (
            file_server(tmp_path, grace=0.2) as (server, url),
            file_clients(url, "a") as (a,),
        ):
            kept = await a.upload(b"sent")
            await a.send("with it", ROOM, attachment={"file": kept})
            await a.upload(b"never sent")
            assert len(blobs(tmp_path)) == 2
            await asyncio.sleep(0.3)
            assert server.files is not None
            await server.files.sweep()
            assert len(blobs(tmp_path)) == 1
            assert (await a.download(kept)).body == b"sent"

    run_checked(scenario())


def test_files_need_a_file_database_or_a_directory() -> None:
    async def scenario() -> None:
        server = ChatServer()  # :memory: and no directory: no files
        await server.start("127.0.0.1", 0)
        client = Client("a")
        try:
            await client.connect(f"http://127.0.0.1:{server.port}")
            assert "files" not in client.info
            refused = await client.send("x", attachment={"file": "0" * 32})
            assert "takes no files" in refused["error"]
        finally:
            await client.sio.disconnect()
            await server.stop()

    run_checked(scenario())
