"""Files through desktop-chat-server (issue #21) against curl on the same routes.

    .venv/bin/python -m bench.files                    # a 100 MB file, 3 rounds
    .venv/bin/python -m bench.files --mb 20 --rounds 1

Starts `desktop-chat-server` (a token file, a files folder in a temporary
directory) and, in alternating rounds, moves one random file:

- upload, ours: `POST uploads`, then `PUT ?offset=` of `chunk_bytes` each
  (as server-info announces) over one keep-alive connection, the sha256
  computed while sending, then `commit`; curl: the same `POST`, then one
  `curl -X PUT --data-binary @FILE` of the whole file, then `commit`;
- download, ours: an aiohttp `GET` streamed to a file, its sha256 checked
  while writing; curl: `curl -o FILE` on the same URL.

Both carry the same `Authorization: Bearer` token and files ticket. Prints
each rate (MB/s, median of the rounds) and ours / curl (target >= 0.8 each
way). Nothing here is a test that can fail.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import BinaryIO

import aiohttp
import socketio

from bench._common import PYTHON, start

ROOM = "bench"
BLOCK = 1024 * 1024


async def _ticket(url: str, token: str) -> tuple[socketio.AsyncClient, str, dict[str, object]]:
    sio = socketio.AsyncClient(reconnection=False, handle_sigint=False)
    info: dict[str, object] = {}
    sio.on("server-info", info.update)
    await sio.connect(url, auth={"name": "bench", "client": "bench-key", "token": token},
                      transports=["websocket"])
    while not info:
        await asyncio.sleep(0.01)
    await sio.call("join-room", ROOM, timeout=5)
    answer = await sio.call("files-ticket", ROOM, timeout=5)
    files = info["files"]
    assert isinstance(files, dict)
    return sio, str(answer["ticket"]), files


async def _begin(http: aiohttp.ClientSession, base: str, size: int) -> str:
    async with http.post(f"{base}/uploads", json={"name": "big.bin", "size": size}) as reply:
        return str((await reply.json())["upload"])


async def _commit(http: aiohttp.ClientSession, base: str, upload: str, sha: str) -> str:
    async with http.post(f"{base}/uploads/{upload}/commit", json={"sha256": sha}) as reply:
        body = await reply.json()
        assert reply.status == 201, body
        return str(body["file"])


async def upload_ours(http: aiohttp.ClientSession, base: str, path: Path, chunk: int) -> float:
    size = path.stat().st_size
    started = time.perf_counter()
    upload = await _begin(http, base, size)
    sha = hashlib.sha256()
    with open(path, "rb") as file:
        offset = 0
        while offset < size:
            piece = await asyncio.to_thread(file.read, chunk)
            hashing = asyncio.ensure_future(asyncio.to_thread(sha.update, piece))
            async with http.put(f"{base}/uploads/{upload}?offset={offset}", data=piece) as reply:
                assert reply.status == 200, await reply.text()
            await hashing
            offset += len(piece)
    await _commit(http, base, upload, sha.hexdigest())
    return time.perf_counter() - started


def _curl_headers(token: str, ticket: str) -> list[str]:
    return ["-H", f"Authorization: Bearer {token}", "-H", f"X-Files-Ticket: {ticket}"]


async def upload_curl(
    http: aiohttp.ClientSession, base: str, path: Path, token: str, ticket: str, sha: str
) -> float:
    size = path.stat().st_size
    started = time.perf_counter()
    upload = await _begin(http, base, size)
    await asyncio.to_thread(subprocess.run, [
        "curl", "-sS", "-f", "-o", os.devnull, "-X", "PUT", *_curl_headers(token, ticket),
        "-H", "Content-Type: application/octet-stream", "--data-binary", f"@{path}",
        f"{base}/uploads/{upload}?offset=0",
    ], check=True)  # fmt: skip
    await _commit(http, base, upload, sha)
    return time.perf_counter() - started


async def download_ours(http: aiohttp.ClientSession, url: str, target: Path, sha: str) -> float:
    started = time.perf_counter()
    digest = hashlib.sha256()
    def keep(file: BinaryIO, block: bytes) -> None:
        digest.update(block)
        file.write(block)

    async with http.get(url) as reply:
        assert reply.status == 200
        with open(target, "wb") as file:
            # Hashed and written in a worker thread while the next block is read.
            pending: asyncio.Future[None] | None = None
            buffer = bytearray()
            async for block in reply.content.iter_chunked(BLOCK):
                buffer += block
                if len(buffer) >= 4 * BLOCK:
                    if pending is not None:
                        await pending
                    pending = asyncio.ensure_future(asyncio.to_thread(keep, file, bytes(buffer)))
                    buffer.clear()
            if pending is not None:
                await pending
            keep(file, bytes(buffer))
    assert digest.hexdigest() == sha
    return time.perf_counter() - started


def download_curl(url: str, target: Path, token: str, ticket: str) -> float:
    started = time.perf_counter()
    subprocess.run(["curl", "-sS", "-f", "-o", str(target), *_curl_headers(token, ticket), url],
                   check=True)  # fmt: skip
    return time.perf_counter() - started


async def run(mb: int, rounds: int, folder: Path) -> None:
    token = "bench-token"
    (folder / "token").write_text(token + "\n")
    source = folder / "big.bin"
    with open(source, "wb") as file:
        for _ in range(mb):
            file.write(os.urandom(1_000_000))
    size = source.stat().st_size
    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    server = start("desktop-chat-server", [
        PYTHON, "-m", "desktop_chat.server", "--port", "0", "--db", folder / "chat.db",
        "--token-file", folder / "token", "--max-file-bytes", str(size * 2),
    ], quiet=True)  # fmt: skip
    try:
        line = server.wait_line(r"listening on (http://[\d.]+:\d+)(/\S*)", "the server", 30)
        url = line[1]
        sio, ticket, files = await _ticket(url + line[2], token)
        base = url + str(files["path"])
        headers = {"Authorization": f"Bearer {token}", "X-Files-Ticket": ticket}
        chunk = int(str(files["chunk_bytes"]))
        rates: dict[str, list[float]] = {k: [] for k in ("up ours", "up curl", "down ours",
                                                         "down curl")}
        # A larger read buffer than aiohttp's 64 KiB: fewer wake-ups per megabyte.
        async with aiohttp.ClientSession(headers=headers, read_bufsize=4 * BLOCK) as http:
            for _ in range(rounds):
                rates["up curl"].append(size / await upload_curl(
                    http, base, source, token, ticket, sha))
                rates["up ours"].append(size / await upload_ours(http, base, source, chunk))
                file_id = await _commit_one(http, base, source, sha)
                download = f"{base}/{file_id}"
                rates["down curl"].append(size / await asyncio.to_thread(
                    download_curl, download, folder / "curl.out", token, ticket))
                rates["down ours"].append(size / await download_ours(
                    http, download, folder / "ours.out", sha))
        await sio.disconnect()
    finally:
        server.request_stop()
        server.close(grace=10)
    median = {k: statistics.median(v) / 1e6 for k, v in rates.items()}
    print(f"file: {size / 1e6:.0f} MB, {rounds} rounds, chunk {chunk} bytes (median MB/s)")
    for way in ("up", "down"):
        ours, curl = median[f"{way} ours"], median[f"{way} curl"]
        name = "upload" if way == "up" else "download"
        print(f"{name:9} ours {ours:8.1f} MB/s   curl {curl:8.1f} MB/s   ratio {ours / curl:.2f}")


async def _commit_one(http: aiohttp.ClientSession, base: str, path: Path, sha: str) -> str:
    """A stored copy to download (content-addressed: the same bytes each round)."""
    upload = await _begin(http, base, path.stat().st_size)
    async with http.put(f"{base}/uploads/{upload}?offset=0", data=path.read_bytes()) as reply:
        assert reply.status == 200
    return await _commit(http, base, upload, sha)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(run(args.mb, args.rounds, Path(folder)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
