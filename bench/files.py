"""Files through desktop-chat-server (issue #21) against curl on the same routes,
and how late the window's loop runs while they move.

    .venv/bin/python -m bench.files                    # a 100 MB file, 3 rounds
    .venv/bin/python -m bench.files --mb 20 --rounds 1
    .venv/bin/python -m bench.files --loop asyncio     # ours on asyncio's own loop, no stall

Starts `desktop-chat-server` (a token file, a files folder in a temporary
directory) and, in alternating rounds, moves one random file:

- upload, ours: `desktop_chat.client.transfers.upload` (what the app runs:
  `POST uploads`, `PUT ?offset=` of `chunk_bytes` as server-info announces,
  the sha256 computed while sending, `commit`); curl: the same `POST`, one
  `curl -X PUT --data-binary @FILE` of the whole file, then `commit`;
- download, ours: `transfers.download` (a `.part` file, the sha256 checked,
  then the file's safe name); curl: `curl -o FILE` on the same URL.

Both carry the same `Authorization: Bearer` token and files ticket. Ours
runs the way the app runs it (`--loop app`, the default): on the app's Qt
loop (`desktop_chat.app.loop.QEventLoop`, a QApplication, the real
MainWindow shown offscreen) with an aiohttp session made as the app makes
its own. A 5 ms precise QTimer on that loop records how late it fires
("stall") during our uploads and downloads, and for the same length of time
in each round with nothing moving (the baseline).

Prints each rate (MB/s, median of the rounds), ours / curl (target >= 0.8
each way), and the stall's p50 / p99 / max in ms (all rounds pooled; target
p99 <= 20 ms) with the baseline and the ratio of the p99s. Only loopback
traffic; nothing here is a test that can fail.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable
from pathlib import Path
from typing import TypeVar

import aiohttp
import socketio

from bench._common import PYTHON, fmt_ms, percentile, start

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

T = TypeVar("T")

ROOM = "bench"
TICK_MS = 5
IDLE_SECONDS = 1.0


class Stalls:
    """A 5 ms precise Qt timer on the loop's thread; how late each tick comes (ms)."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.samples: list[tuple[float, float, float]] = []  # (last tick, this tick, ms late)
        self._last = time.monotonic()
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _tick(self) -> None:
        now = time.monotonic()
        self.samples.append((self._last, now, (now - self._last) * 1000 - TICK_MS))
        self._last = now

    def between(self, start: float, end: float) -> list[float]:
        """The ticks of intervals that began and ended in [start, end]."""
        return [late for last, t, late in self.samples if start <= last and t <= end]

    def stop(self) -> None:
        self._timer.stop()


async def _connect(url: str, token: str) -> tuple[socketio.AsyncClient, dict[str, object]]:
    sio = socketio.AsyncClient(reconnection=False, handle_sigint=False)
    info: dict[str, object] = {}
    sio.on("server-info", info.update)
    await sio.connect(url, auth={"name": "bench", "client": "bench-key", "token": token},
                      transports=["websocket"])  # fmt: skip
    while not info:
        await asyncio.sleep(0.01)
    await sio.call("join-room", ROOM, timeout=5)
    files = info["files"]
    assert isinstance(files, dict)
    return sio, files


def _curl_headers(token: str, ticket: str) -> list[str]:
    return ["-H", f"Authorization: Bearer {token}", "-H", f"X-Files-Ticket: {ticket}"]


async def _timed(work: Awaitable[T]) -> tuple[float, float, T]:
    started = time.monotonic()
    result = await work
    return started, time.monotonic(), result


async def upload_curl(
    http: aiohttp.ClientSession, base: str, path: Path, token: str, ticket: str, sha: str
) -> float:
    size = path.stat().st_size
    started = time.perf_counter()
    async with http.post(f"{base}/uploads", json={"name": "big.bin", "size": size}) as reply:
        upload = str((await reply.json())["upload"])
    await asyncio.to_thread(subprocess.run, [
        "curl", "-sS", "-f", "-o", os.devnull, "-X", "PUT", *_curl_headers(token, ticket),
        "-H", "Content-Type: application/octet-stream", "--data-binary", f"@{path}",
        f"{base}/uploads/{upload}?offset=0",
    ], check=True)  # fmt: skip
    async with http.post(f"{base}/uploads/{upload}/commit", json={"sha256": sha}) as reply:
        assert reply.status == 201, await reply.text()
    return time.perf_counter() - started


def download_curl(url: str, target: Path, token: str, ticket: str, check: bool = False) -> float:
    # A new file, as ours writes (its `.part`): emptying the last round's
    # 100 MB would be counted against curl.
    target.unlink(missing_ok=True)
    started = time.perf_counter()
    subprocess.run(["curl", "-sS", "-f", "-o", str(target), *_curl_headers(token, ticket), url],
                   check=True)  # fmt: skip
    if check:  # what ours does and curl does not: the bytes checked against the sha256
        # openssl: the fastest sha256 here (SHA-NI), as Python's hashlib (OpenSSL's).
        subprocess.run(
            ["openssl", "dgst", "-sha256", str(target)], check=True, stdout=subprocess.DEVNULL
        )
    return time.perf_counter() - started


async def run(mb: int, rounds: int, folder: Path, stalls: Stalls | None) -> None:
    from desktop_chat.client import transfers

    token = "bench-token"
    (folder / "token").write_text(token + "\n")
    source = folder / "big.bin"
    with open(source, "wb") as file:
        for _ in range(mb):
            file.write(os.urandom(1_000_000))
    size = source.stat().st_size
    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    saved = folder / "saved"
    saved.mkdir()
    server = start("desktop-chat-server", [
        PYTHON, "-m", "desktop_chat.server", "--port", "0", "--db", folder / "chat.db",
        "--token-file", folder / "token", "--max-file-bytes", str(size * 2),
    ], quiet=True)  # fmt: skip
    rates: dict[str, list[float]] = {
        k: [] for k in ("up ours", "up curl", "down ours", "down curl", "down checked")
    }
    during: dict[str, list[float]] = {"idle": [], "upload": [], "download": []}
    try:
        line = await asyncio.to_thread(
            server.wait_line, r"listening on (http://[\d.]+:\d+)(/\S*)", "the server", 30
        )
        sio, files = await _connect(line[1] + line[2], token)
        base = line[1] + str(files["path"])

        async def tickets() -> str:
            return await transfers.files_ticket(sio.call, ROOM)

        ticket = await tickets()
        curl_headers = {"Authorization": f"Bearer {token}", transfers.TICKET_HEADER: ticket}
        # As the app makes its session (client/connection.py): aiohttp's defaults.
        async with (
            aiohttp.ClientSession() as http,
            aiohttp.ClientSession(headers=curl_headers) as plain,
        ):
            await asyncio.sleep(0.5)  # the window's first paints settle
            for _ in range(rounds):
                start_idle = time.monotonic()
                await asyncio.sleep(IDLE_SECONDS)
                if stalls is not None:
                    during["idle"] += stalls.between(start_idle, time.monotonic())

                rates["up curl"].append(
                    size / await upload_curl(plain, base, source, token, ticket, sha)
                )
                begun, ended, stored = await _timed(
                    transfers.upload(http, base, tickets, source, "big.bin", token=token)
                )
                assert stored.sha256 == sha
                rates["up ours"].append(size / (ended - begun))
                if stalls is not None:
                    during["upload"] += stalls.between(begun, ended)

                url = f"{base}/{stored.file}"
                rates["down curl"].append(size / await asyncio.to_thread(
                    download_curl, url, folder / "curl.out", token, ticket))  # fmt: skip
                rates["down checked"].append(size / await asyncio.to_thread(
                    download_curl, url, folder / "curl.out", token, ticket, True))  # fmt: skip
                begun, ended, path = await _timed(
                    transfers.download(
                        http, base, tickets, stored.file, sha, size, saved, "big.bin", token=token
                    )
                )
                rates["down ours"].append(size / (ended - begun))
                if stalls is not None:
                    during["download"] += stalls.between(begun, ended)
                assert path.stat().st_size == size
                await asyncio.to_thread(path.unlink)
        await sio.disconnect()
    finally:
        server.request_stop()
        await asyncio.to_thread(server.close, 10)
    median = {k: statistics.median(v) / 1e6 for k, v in rates.items()}
    loop = "the app's Qt loop" if stalls is not None else "asyncio's loop"
    print(f"file: {size / 1e6:.0f} MB, {rounds} rounds, ours on {loop} (median MB/s)")
    for way in ("up", "down"):
        ours, curl = median[f"{way} ours"], median[f"{way} curl"]
        name = "upload" if way == "up" else "download"
        print(f"{name:9} ours {ours:8.1f} MB/s   curl {curl:8.1f} MB/s   ratio {ours / curl:.2f}")
    checked = median["down checked"]
    print(
        f"{'':9} curl then openssl dgst -sha256 {checked:8.1f} MB/s   ours / that "
        f"{median['down ours'] / checked:.2f}   (ours checks the sha256 as it goes)"
    )
    if stalls is None:
        return
    idle_p99 = percentile(during["idle"], 99)
    print(f"stall of a {TICK_MS} ms timer, ms (p50 / p99 / max, all rounds pooled):")
    for what, samples in during.items():
        p99 = percentile(samples, 99)
        ratio = "" if what == "idle" else f"   p99 / idle p99 {p99 / max(idle_p99, 0.1):.1f}"
        worst = max(samples, default=float("nan"))
        print(
            f"  {what:9} {fmt_ms(percentile(samples, 50)):>6} / {fmt_ms(p99):>6} / "
            f"{fmt_ms(worst):>6}   ({len(samples)} ticks){ratio}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mb", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--loop", choices=("app", "asyncio"), default="app")
    args = parser.parse_args(argv)
    if shutil.which("curl") is None or shutil.which("openssl") is None:
        sys.exit("curl and openssl are needed for this benchmark")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        if args.loop == "asyncio":
            asyncio.run(run(args.mb, args.rounds, folder, None))
            return 0
        from PySide6.QtWidgets import QApplication

        from desktop_chat.app.loop import QEventLoop
        from desktop_chat.ui.main_window import MainWindow
        from desktop_chat.ui.message_model import MessageModel

        app = QApplication.instance() or QApplication(sys.argv[:1])
        assert isinstance(app, QApplication)
        window = MainWindow(MessageModel())
        window.show()
        loop = QEventLoop(app)
        asyncio.set_event_loop(loop)
        try:
            stalls = Stalls()
            loop.run_until_complete(run(args.mb, args.rounds, folder, stalls))
            stalls.stop()
        finally:
            loop.close()
            window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
