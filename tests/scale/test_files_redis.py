"""Files across two server processes on one Redis (issue #21): uploaded through
one, downloaded through the other, one shared files directory."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from tests.helpers import run_checked, until
from tests.scale.cluster import RedisProcess, ServerProcess
from tests.server.test_files import ROOM, FileClient

Start = Callable[..., list[ServerProcess]]


def test_upload_through_one_process_download_through_another(
    servers: Start, redis_process: RedisProcess, tmp_path: Path
) -> None:
    shared = tmp_path / "shared-files"
    first, second = servers(2, "--files-dir", str(shared))
    data = os.urandom(1_500_000)

    async def scenario() -> None:
        writer, reader = FileClient("writer"), FileClient("reader")
        try:
            await writer.connect(first.url)
            await reader.connect(second.url)
            assert reader.info["files"]["max_bytes"] == 25_000_000
            await writer.join(ROOM)
            await reader.join(ROOM)
            # Begun on one process, continued and committed on the other: the
            # record is in Redis, the bytes in the shared folder.
            ticket = await writer.ticket()
            upload = await writer.begin(ticket, "report.pdf", len(data), "application/pdf")
            upload_id = upload.json["upload"]
            assert (await writer.put(ticket, upload_id, data[:700_000], 0)).status == 200
            writer.base = second.url + writer.info["files"]["path"]
            rest = await writer.put(ticket, upload_id, data[700_000:], 700_000)
            assert rest.status == 200, rest.json
            done = await writer.commit(ticket, upload_id, hashlib.sha256(data).hexdigest())
            assert done.status == 201, done.json
            file_id = done.json["file"]
            ack = await writer.send("the report", ROOM, attachment={"file": file_id})
            assert "error" not in ack, ack
            await until(lambda: len(reader.messages()) == 1, 15, "the message on B")
            meta = reader.messages()[0][1]
            assert meta["attachment"]["sha256"] == hashlib.sha256(data).hexdigest()
            got = await reader.download(file_id)
            assert got.status == 200 and got.body == data
            part = await reader.download(file_id, Range="bytes=1000000-")
            assert part.status == 206 and part.body == data[1_000_000:]
            # Deleted through A: gone for B, and the bytes from the shared folder.
            await writer.event({"type": "delete", "target": ack["id"], "id": "d1"})
            assert (await reader.download(file_id)).status == 404
            assert not [p for p in (shared / "blobs").rglob("*") if p.is_file()]
        finally:
            await writer.close()
            await reader.close()

    run_checked(scenario())
