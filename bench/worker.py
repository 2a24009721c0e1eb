"""One receiver (or sender) configuration in its own process, driven by a bench script.

    worker.py ingest  --mode MODE --url URL --count N [--type-at K] [--every E]
    worker.py latency --mode MODE --url URL --role send|receive --count N [--gap S]

MODE is one of

    raw         python-socketio AsyncClient on plain asyncio, no Qt: the baseline
    raw-qasync  the same client on stock qasync.QEventLoop (a QApplication, no window)
    raw-fast    the same client on desktop_chat.app.loop.QEventLoop
    app-qasync  the real window (ChatSession: ChatClient, bridge, model, view) on stock qasync
    app-fast    the real window on desktop_chat.app.loop.QEventLoop

Stdout: JSON lines. `{"event":"ready"}` once connected (over websocket);
then `{"event":"result", ...}`. Times are time.monotonic() (CLOCK_MONOTONIC,
shared with the parent and with Node's process.hrtime). In the Qt modes a
10 ms precise QTimer measures how late the Qt loop runs it ("stall").
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import resource
import sys
import time
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

STALL_INTERVAL_MS = 10
# CPU until idle (issue #23): the process's CPU is sampled every IDLE_SAMPLE
# seconds after the flood until it used at most IDLE_SHARE of a core over
# the last IDLE_WINDOW seconds; what it used until that quiet spell began
# counts (the history's writer indexing after the flood included). The
# stall timer (the bench's own probe, 100 ticks a second) is stopped first.
IDLE_SAMPLE = 0.1
IDLE_WINDOW = 1.5
IDLE_SHARE = 0.05
IDLE_LIMIT = 300.0


def out(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def thread_cpu() -> dict[str, float]:
    """CPU seconds of each live thread of this process (Linux), by its Python
    name (the OS's names are all "python" on 3.11); threads Python did not
    start (Qt's, SQLite's) are summed as "other"."""
    import threading

    names = {t.native_id: t.name for t in threading.enumerate()}
    ticks = os.sysconf("SC_CLK_TCK")
    cpu: dict[str, float] = {}
    for task in os.scandir("/proc/self/task"):
        try:
            with open(f"{task.path}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        name = names.get(int(task.name), "other")
        cpu[name] = cpu.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / ticks
    return cpu


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Stalls:
    """A 10 ms precise Qt timer; records how late each tick comes (ms)."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.samples: list[tuple[float, float]] = []
        self.checks: list[Any] = []
        self._last = time.monotonic()
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(STALL_INTERVAL_MS)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _tick(self) -> None:
        now = time.monotonic()
        self.samples.append((now, (now - self._last) * 1000 - STALL_INTERVAL_MS))
        self._last = now
        for check in self.checks:
            check(now)

    def between(self, start: float, end: float) -> list[float]:
        return [late for t, late in self.samples if start <= t <= end]

    def stop(self) -> None:
        self._timer.stop()


async def cpu_until_idle(cpu0: float) -> tuple[float, float]:
    """CPU seconds since `cpu0` until the process went idle, and when (monotonic)."""
    samples = [(time.monotonic(), time.process_time())]
    while samples[-1][0] - samples[0][0] < IDLE_LIMIT:
        await asyncio.sleep(IDLE_SAMPLE)
        now, cpu = time.monotonic(), time.process_time()
        samples.append((now, cpu))
        back = [s for s in samples if now - s[0] >= IDLE_WINDOW]
        if back and cpu - back[-1][1] <= IDLE_SHARE * (now - back[-1][0]):
            return back[-1][1] - cpu0, back[-1][0]
    return samples[-1][1] - cpu0, samples[-1][0]


# ---- receivers ------------------------------------------------------------


class Tally:
    """Arrival times: the first, the last, and every `every`-th message (for lag)."""

    def __init__(self, count: int, every: int) -> None:
        self.count = count
        self.every = every
        self.n = 0
        self.first = 0.0
        self.last = 0.0
        self.marks: list[tuple[int, float]] = []
        self.done = asyncio.Event()

    def add(self, k: int = 1) -> None:
        now = time.monotonic()
        if not self.n:
            self.first = now
        before = self.n
        self.n += k
        if self.every and before // self.every != self.n // self.every:
            self.marks.append((self.n, now))
        if self.n >= self.count and not self.done.is_set():
            self.last = now
            self.done.set()


async def raw_ingest(args: argparse.Namespace, stalls: Stalls | None) -> dict[str, Any]:
    import socketio

    tally = Tally(args.count, args.every)
    sio = socketio.AsyncClient(reconnection=False, handle_sigint=False)
    typed: dict[str, float] = {}

    tasks: set[asyncio.Task[None]] = set()

    @sio.on("receive-message")
    def _receive(*_args: object) -> None:
        tally.add()
        if args.type_at and tally.n == args.type_at:
            typed["t"] = time.monotonic()
            task = asyncio.ensure_future(sio.emit("send-message", ("typed during the flood", "")))
            tasks.add(task)

    await sio.connect(args.url)
    while sio.transport() != "websocket":
        await asyncio.sleep(0.01)
    cpu0 = time.process_time()
    out({"event": "ready"})
    await tally.done.wait()
    cpu = time.process_time() - cpu0
    result = _result(tally, cpu, stalls, tally.last)
    result["typed"] = typed.get("t")
    result["cpu_idle"], result["idle_at"] = await cpu_until_idle(cpu0)
    await sio.disconnect()
    return result


async def app_ingest(args: argparse.Namespace, stalls: Stalls) -> dict[str, Any]:
    from desktop_chat.app.session import ChatSession, Options
    from desktop_chat.app.settings import Settings
    from desktop_chat.protocol.messages import Kind

    session = ChatSession(Options(url=args.url, name="bench", remember=False), Settings())
    tally = Tally(args.count, args.every)
    model = session.model
    typed: dict[str, float] = {}
    bar = session.window.message_list.verticalScrollBar()

    def inserted(_parent: object, first: int, last: int) -> None:
        # Only the newest rows count (paging older rows in also inserts rows).
        if last == model.rowCount() - 1:
            if typed:  # our own message is among the rows now: count only others'
                k = sum(
                    1 for row in range(first, last + 1) if model.message_at(row).kind is Kind.OTHER
                )
            else:  # after "ready" only the flood arrives: no per-row work in the probe
                k = last - first + 1
            if k:
                tally.add(k)
                if args.type_at and "t" not in typed and tally.n >= args.type_at:
                    typed["t"] = time.monotonic()
                    window = session.window
                    window.message_input.setPlainText("typed during the flood")
                    window.send_button.click()

    shown: dict[str, float] = {}

    def at_newest(now: float) -> None:
        if tally.done.is_set() and "t" not in shown and bar.value() == bar.maximum():
            shown["t"] = now

    stalls.checks.append(at_newest)
    await session.start()

    def live() -> Any:
        """The live socket (the bench looks inside; the app does not), in the
        client's parts or, for an @before commit, in the client itself."""
        connection = getattr(session.client, "_connection", None)
        return connection.sio if connection is not None else session.client._sio

    while live() is None or live().transport() != "websocket":
        await asyncio.sleep(0.01)
    # ChatClient waits up to 1 s for a server to say what it does (a
    # tutorial server says nothing); start once that is over.
    await asyncio.sleep(1.1)
    if args.inspector:
        session.inspector.open()  # taps the live connection from now on
        while not session.inspector.dock.isVisible():
            await asyncio.sleep(0.01)
    if not args.no_freeze:
        gc.freeze()  # as desktop_chat.app.run does once its session has started
    model.rowsInserted.connect(inserted)  # from now on only the flood arrives
    threads0 = thread_cpu()
    cpu0 = time.process_time()
    out({"event": "ready"})
    await tally.done.wait()
    while "t" not in shown:
        await asyncio.sleep(0.005)
    cpu = time.process_time() - cpu0
    result = _result(tally, cpu, stalls, shown["t"])
    result["typed"] = typed.get("t")
    result["rows"] = model.rowCount()
    stalls.stop()
    result["cpu_idle"], result["idle_at"] = await cpu_until_idle(cpu0)
    result["threads"] = {
        name: round(cpu - threads0.get(name, 0.0), 2) for name, cpu in thread_cpu().items()
    }
    if args.inspector:
        result["inspector_rows"] = session.inspector.model.rowCount()
    await session.close()
    return result


def _result(tally: Tally, cpu: float, stalls: Stalls | None, done: float) -> dict[str, Any]:
    return {
        "event": "result",
        "count": tally.n,
        "first": tally.first,
        "last": tally.last,
        "done": done,
        "cpu": cpu,
        "marks": tally.marks,
        "stalls": stalls.between(tally.first, done) if stalls else [],
        "rss_mb": rss_mb(),
    }


# ---- latency --------------------------------------------------------------


def _stamp() -> str:
    return f"t={time.monotonic_ns()} "


def _latency_of(text: str, now_ns: int) -> float | None:
    if text.startswith("t="):
        return (now_ns - int(text[2:].split(" ", 1)[0])) / 1e6
    return None


async def raw_latency(args: argparse.Namespace) -> dict[str, Any]:
    import socketio

    sio = socketio.AsyncClient(reconnection=False, handle_sigint=False)
    latencies: list[float] = []
    done = asyncio.Event()

    @sio.on("receive-message")
    def _receive(message: object, *_rest: object) -> None:
        ms = _latency_of(str(message), time.monotonic_ns())
        if ms is not None:
            latencies.append(ms)
            if len(latencies) >= args.count:
                done.set()

    await sio.connect(args.url, transports=["websocket"])
    out({"event": "ready"})
    if args.role == "send":
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        for i in range(args.count):
            await sio.emit("send-message", (f"{_stamp()}{i}", ""))
            await asyncio.sleep(args.gap)
        await asyncio.sleep(0.2)
        result: dict[str, Any] = {"event": "result"}
    else:
        await done.wait()
        result = {"event": "result", "latencies": latencies}
    await sio.disconnect()
    return result


async def app_latency(args: argparse.Namespace) -> dict[str, Any]:
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    from desktop_chat.app.session import ChatSession, Options
    from desktop_chat.app.settings import Settings
    from desktop_chat.client.chat_client import ConnectionState
    from desktop_chat.protocol.messages import Kind

    session = ChatSession(Options(url=args.url, name=args.role, remember=False), Settings())
    model = session.model
    latencies: list[float] = []
    painted: list[float] = []
    waiting_paint: list[int] = []  # send stamps inserted but not yet painted
    done = asyncio.Event()

    def inserted(_parent: object, first: int, last: int) -> None:
        now = time.monotonic_ns()
        for row in range(first, last + 1):
            message = model.message_at(row)
            if message.kind is Kind.OTHER:
                ms = _latency_of(message.text, now)
                if ms is not None:
                    latencies.append(ms)
                    waiting_paint.append(int(message.text[2:].split(" ", 1)[0]))
                    if len(latencies) >= args.count:
                        done.set()

    class PaintWatch(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and waiting_paint:
                now = time.monotonic_ns()
                painted.extend((now - sent) / 1e6 for sent in waiting_paint)
                waiting_paint.clear()
            return False

    watch = PaintWatch()
    session.window.message_list.viewport().installEventFilter(watch)
    model.rowsInserted.connect(inserted)
    await session.start()
    while session.client.status.state is not ConnectionState.CONNECTED:
        await asyncio.sleep(0.01)
    await asyncio.sleep(1.1)  # past ChatClient's wait for the server's description
    if not args.no_freeze:
        # As desktop_chat.app.run does once its session has started (without it
        # a full collection walks every Qt wrapper: the spikes of earlier runs).
        gc.freeze()
    out({"event": "ready"})
    if args.role == "send":
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        window = session.window
        for i in range(args.count):
            window.message_input.setPlainText(f"{_stamp()}{i}")
            window.send_button.click()
            await asyncio.sleep(args.gap)
        await asyncio.sleep(0.2)
        result: dict[str, Any] = {"event": "result"}
    else:
        await done.wait()
        for _ in range(20):
            QApplication.processEvents()
            await asyncio.sleep(0.01)
        result = {"event": "result", "latencies": latencies, "painted": painted}
    session.window.message_list.viewport().removeEventFilter(watch)
    await session.close()
    return result


# ---- entry ----------------------------------------------------------------


def run_mode(mode: str, coro_factory: Any) -> dict[str, Any]:
    if mode == "raw":
        return asyncio.run(coro_factory(None))  # type: ignore[no-any-return]
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    if mode.endswith("-fast"):
        from desktop_chat.app.loop import QEventLoop
    else:
        from qasync import QEventLoop
    loop = QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        return loop.run_until_complete(coro_factory(Stalls()))  # type: ignore[no-any-return]
    finally:
        loop.close()


def main() -> int:
    from desktop_chat.protocol.transport import configure_engineio

    configure_engineio()  # as the app does at start
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["ingest", "latency"])
    parser.add_argument("--mode", required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--every", type=int, default=0)
    parser.add_argument("--type-at", type=int, default=0)
    parser.add_argument("--role", default="receive")
    parser.add_argument("--gap", type=float, default=0.02)
    parser.add_argument("--profile", help="write a cProfile of the run to this file")
    parser.add_argument(
        "--no-freeze",
        action="store_true",
        help="skip the gc.freeze() that desktop_chat.app does once the window is up",
    )
    parser.add_argument(
        "--inspector",
        action="store_true",
        help="with the packet inspector open (every packet recorded and listed)",
    )
    args = parser.parse_args()
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    app = args.mode.startswith("app")
    if args.what == "ingest":

        def ingest(stalls: Stalls | None) -> Any:
            if app:
                assert stalls is not None
                return app_ingest(args, stalls)
            return raw_ingest(args, stalls)

        result = run_mode(args.mode, ingest)
    else:
        result = run_mode(
            args.mode, lambda _stalls: app_latency(args) if app else raw_latency(args)
        )
    if args.profile:
        profiler.disable()
        profiler.dump_stats(args.profile)
    out(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
