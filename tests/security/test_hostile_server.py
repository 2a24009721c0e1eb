"""A server that sends hostile payloads to a real window: shown safely, nothing fetched,
and the window keeps responding."""

from __future__ import annotations

import asyncio
import sys
import time
from typing import Any

from PySide6.QtCore import QTimer

from desktop_chat.protocol.messages import Kind, payload_text
from tests.helpers import free_port
from tests.procs import Child
from tests.security.hostile_server import payloads
from tests.ui.conftest import texts

# The longest the Qt event loop may go without firing a 10 ms timer while
# the window takes in 10 MB and 100,000-line messages (this machine: ~0.2 s).
STALL_BOUND = 1.5


def test_hostile_payloads_are_shown_as_text_and_fetch_nothing(
    qtbot: Any, open_window: Any, arun: Any
) -> None:
    fetches: list[bytes] = []

    async def record(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        fetches.append(await reader.read(100))
        writer.close()

    trap = arun(asyncio.start_server(record, "127.0.0.1", 0))
    img_port = trap.sockets[0].getsockname()[1]
    port = free_port()
    server = Child(
        "hostile_server",
        [sys.executable, "-m", "tests.security.hostile_server", "--port", str(port),
         "--img-port", str(img_port)],
        stdin=False,
    )  # fmt: skip
    try:
        server.wait_line(r"^LISTENING", "the hostile server to listen", 20)
        gaps: list[float] = []
        last = [time.monotonic()]

        def tick() -> None:
            now = time.monotonic()
            gaps.append(now - last[0])
            last[0] = now

        timer = QTimer()
        timer.setInterval(10)
        timer.timeout.connect(tick)
        timer.start()
        session = open_window(f"http://127.0.0.1:{port}", "target")
        qtbot.waitUntil(lambda: "done" in texts(session, Kind.OTHER), timeout=60_000)
        timer.stop()
        session.window.message_list.viewport().grab()  # paint what is on screen

        expected = [payload_text(p) for p in payloads(img_port)]
        assert texts(session, Kind.OTHER) == expected
        # What the rows paint (the delegate's laid-out lines), not only the model:
        # markup as its characters, controls and bidi overrides as visible
        # stand-ins, the huge ones cut with a note.
        delegate = session.window.delegate
        painted = {m.text: "".join(delegate.painted_lines(m)) for m in session.messages()}
        for markup in expected[7:10]:
            assert painted[markup] == markup, painted[markup]
        tricky = "\x00\x07\x1b[31mred\u202egpj.exe\u2066"
        assert painted[tricky] == "\u2400\u2407\u241b[31mred[U+202E]gpj.exe[U+2066]"
        assert painted["lone \ud800 surrogate"] == "lone \ufffd surrogate"
        big = painted["x" * 10_000_000]
        assert big.startswith("xxxx") and "more characters" in big and len(big) < 5_000
        tall = painted[expected[6]]
        assert tall.startswith("line 0\nline 1\n") and "more characters" in tall, tall[-80:]
        assert tall.count("\n") < 100
        assert max(gaps) < STALL_BOUND, f"the window stalled for {max(gaps):.2f} s"
        print(f"longest stall: {max(gaps) * 1000:.0f} ms over {len(gaps)} ticks")
        assert fetches == []  # no <img> or link was fetched
    finally:
        server.request_stop()
        try:
            server.exit_code(10)
        finally:
            server.reap()
        trap.close()
        arun(trap.wait_closed())
