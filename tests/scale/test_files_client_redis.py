"""ChatClient's files across two server processes on one Redis (issue #21):
sent through one process, received, downloaded and its thumbnail fetched
through the other."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from desktop_chat.protocol.messages import DeliveryState, TransferState
from tests.client.test_files_client import PNG, ROOM, files_client, joined
from tests.helpers import run_checked, until
from tests.scale.cluster import RedisProcess, ServerProcess

Start = Callable[..., list[ServerProcess]]


def test_a_file_sent_through_one_process_is_downloaded_through_another(
    servers: Start, redis_process: RedisProcess, tmp_path: Path
) -> None:
    first, second = servers(2, "--files-dir", str(tmp_path / "shared-files"))
    data = os.urandom(1_200_000)
    (tmp_path / "plan.png").write_bytes(data)

    async def scenario() -> None:
        alice, a = files_client("alice", tmp_path / "alice")
        bob, b = files_client("bob", tmp_path / "bob")
        try:
            await joined(alice, a, first.url)
            await joined(bob, b, second.url)
            line = alice.send_file(ROOM, tmp_path / "plan.png", caption="the plan", thumbnail=PNG)
            await until(lambda: bool(b.received()), timeout=20, what="the line on B")
            got = b.received()[0]
            assert got.text == "the plan" and got.attachment is not None
            assert got.attachment.sha256 == hashlib.sha256(data).hexdigest()
            await until(lambda: a.states.get(line.id) is DeliveryState.DELIVERED)
            bob.download(got, tmp_path / "Downloads")
            await until(lambda: b.ended(got.id), timeout=20, what="the download on B")
            done = b.last(got.id)
            assert done is not None and done.state is TransferState.DONE, done
            assert Path(done.path).read_bytes() == data
            bob.request_thumbnail(got)
            await until(lambda: got.id in b.thumbnails, what="the thumbnail on B")
            assert b.thumbnails[got.id] == PNG
        finally:
            await alice.close()
            await bob.close()

    run_checked(scenario())
