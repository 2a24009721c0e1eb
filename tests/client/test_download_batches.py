"""A download longer than one batch of `transfers.WRITE_BYTES` (made small
here, so that a few megabytes make many batches): the bytes reach the file
whole and in order through the download's writing and hashing threads, a
link that drops in the middle of a batch resumes where the file ends, and
the progress the window shows only goes forward, to the whole size."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from desktop_chat.client import transfers
from desktop_chat.client.transfers import download
from tests.client.test_transfers import MB, rig
from tests.helpers import run_checked


@pytest.mark.parametrize("joined", [1, 64], ids=["pieces-joined", "pieces-as-they-came"])
def test_a_download_of_many_batches_resumes_mid_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, joined: int
) -> None:
    monkeypatch.setattr(transfers, "WRITE_BYTES", 700_000)
    monkeypatch.setattr(transfers, "JOINED_PIECES", joined)
    data = os.urandom(3 * MB + 12_345)
    sha = hashlib.sha256(data).hexdigest()
    out = tmp_path / "out"
    out.mkdir()
    seen: list[tuple[int, int]] = []

    async def scenario() -> None:
        async with rig(tmp_path) as r:
            file_id = await r.client.upload(data)
            r.proxy.cut_down_after = MB + 123_456  # the headers, then part of a batch
            saved = await download(
                r.session,
                r.base,
                r.tickets,
                file_id,
                sha,
                len(data),
                out,
                "copy.bin",
                on_progress=lambda done, total: seen.append((done, total)),
            )
            assert r.proxy.cuts == 1
            assert saved.read_bytes() == data
            assert os.listdir(out) == ["copy.bin"]  # no .part left beside it

    run_checked(scenario())
    assert seen[-1] == (len(data), len(data))
    done = [d for d, _total in seen]
    assert done == sorted(done)
