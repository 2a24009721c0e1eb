"""An exported conversation opened in a real browser (headless Chromium, from
a file:// URL) runs nothing and loads nothing, however hostile the text in it.

Every hostile line points at a loopback HTTP server that records each
request it gets: a script that ran, an image, a frame, a stylesheet, an
@import, a CSS url() or a meta refresh that took effect would show there,
in the page's own request log, in its title or as a dialog. A control page
with the same lines written raw (not exported) is opened first in the same
browser, to show that each of those channels would have seen it.
"""

from __future__ import annotations

import json
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from desktop_chat.client.export import export_html
from desktop_chat.protocol.messages import Kind, Message
from tests.interop import nodeproc

TITLE = "Garden <script>document.title='owned'</script> & co"


class Recorder(ThreadingHTTPServer):
    requests: list[str]


class Handler(BaseHTTPRequestHandler):
    server: Recorder

    def do_GET(self) -> None:
        self.server.requests.append(self.path)
        body = b"body{}" if "css" in self.path else b"x"
        self.send_response(200)
        self.send_header("Content-Type", "text/css" if "css" in self.path else "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    server = Recorder((nodeproc.HOST, 0), Handler)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, name="recorder", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


# What the hostile lines ask the recorder for, when they run or load.
PROBES = {
    "/script-fetch",
    "/img",
    "/onerror",
    "/css-url",
    "/import.css",
    "/style-url",
    "/link.css",
    "/iframe",
    "/refresh",
    "/svg",
}


def hostile_lines(base: str) -> list[str]:
    """Text that would run or load something if it were markup, each thing
    aimed at the recorder under its own path."""
    return [
        f"<script>document.title='owned';fetch('{base}/script-fetch')</script>",
        "<script>alert('script ran')</script>",
        f'"><img src={base}/img onerror=alert(1)>',
        f"<img src=x onerror=\"document.title='owned';new Image().src='{base}/onerror'\">",
        f'<div style="background:url({base}/css-url)">styled</div>',
        f"<style>@import url({base}/import.css); body{{background:url({base}/style-url)}}</style>",
        f"<link rel=stylesheet href={base}/link.css>",
        f"<iframe src={base}/iframe></iframe>",
        f'<meta http-equiv="refresh" content="0;url={base}/refresh">',
        f"plain link {base}/plain-link and @import '{base}/bare-import.css';",
        f"</div></article></main><svg onload=\"fetch('{base}/svg')\"></svg>",
    ]


def conversation(lines: list[str]) -> list[Message]:
    messages = [
        Message(
            text=line,
            kind=Kind.OTHER,
            room="garden",
            sender=f"mallory {i} <b>&</b>",
            id=f"m{i}",
            ts=1764090000.0 + i,
            reactions={line[:12]: ["eve"]},
        )
        for i, line in enumerate(lines)
    ]
    messages.append(
        Message(
            text="an answer",
            kind=Kind.OWN,
            room="garden",
            sender="alice",
            id="own",
            ts=1764090100.0,
            reply_to="m0",
            edited_at=1764090200.0,
        )
    )
    return messages


def open_in_chromium(*files: Path) -> list[dict[str, Any]]:
    argv = [
        str(nodeproc.NODE),
        "open_export.js",
        "--chromium",
        nodeproc.CHROMIUM,
        "--timeout",
        "20000",
        "--settle",
        "1500",
        *map(str, files),
    ]
    done = subprocess.run(
        argv,
        cwd=nodeproc.INTEROP_DIR,
        env=nodeproc.clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    reports = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert done.returncode == 0 and len(reports) == len(files), (done.stdout, done.stderr)
    return reports


def test_an_html_export_runs_nothing_and_loads_nothing_in_chromium(
    export_browser_ready: None, recorder: Recorder, tmp_path: Path
) -> None:
    origin = f"http://{nodeproc.HOST}:{recorder.server_address[1]}"
    # Each page aims at its own folder of the recorder, so that whatever
    # the export might ask for cannot be taken for the control's.
    control_lines = hostile_lines(f"{origin}/control")
    lines = hostile_lines(f"{origin}/export")

    control = tmp_path / "control.html"  # the same lines as markup, no policy
    control.write_text(
        "<!DOCTYPE html><html><head><meta charset=utf-8><title>control</title></head><body>"
        + "".join(f"<div>{line}</div>" for line in control_lines)
        + "</body></html>",
        encoding="utf-8",
    )
    export = tmp_path / "garden.html"
    written = export_html(
        conversation(lines), export, room="garden <i>", account_label="alice@<host>", title=TITLE
    )
    assert written == len(lines) + 1

    control_report, report = open_in_chromium(control, export)

    # The control page shows the probes are live: as markup, every line but
    # the plain one ran or loaded, and each channel saw it.
    expected = {f"/control{probe}" for probe in PROBES}
    assert expected <= set(recorder.requests), (recorder.requests, control_report)
    assert {f"{origin}{path}" for path in expected} <= set(control_report["requests"])
    assert control_report["dialogs"], control_report  # the alerts
    assert control_report["final_url"] == f"{origin}/control/refresh"  # the meta refresh

    # The export: not one request reached the recorder (the favicon is the
    # control's, asked for once it had been refreshed onto the recorder) ...
    assert [p for p in recorder.requests if not p.startswith("/control/")] in (
        [],
        ["/favicon.ico"],
    ), recorder.requests
    # ... nor left the page at all: the file itself was its only request,
    # and it is still the page shown (no refresh, no frame, no popup).
    assert report["requests"] == [export.as_uri()], report["requests"]
    assert report["context_requests"] == [export.as_uri()], report["context_requests"]
    assert report["final_url"] == export.as_uri()
    assert report["navigations"] == [export.as_uri()]
    # No script ran: the title is the export's, no dialog, no errors.
    assert report["title"] == TITLE
    assert report["dialogs"] == [] and report["page_errors"] == [], report
    # The only elements are the export's own.
    assert set(report["elements"]) <= {
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "h1",
        "p",
        "main",
        "article",
        "div",
        "span",
        "time",
        "ul",
        "li",
    }, set(report["elements"])
    # The hostile lines are there to read, as text.
    text = report["text"]
    for line in lines:
        assert line in text, line
    assert "mallory 3 <b>&</b>" in text
    assert "garden <i>" in text and "alice@<host>" in text
    assert "in reply to mallory 0 <b>&</b>: <script>document.title='owned'" in text
    assert "(edited)" in text
    # Chromium reported what CSP blocked, if anything, on the console only.
    assert all(
        "Refused" in line or "Content Security Policy" in line
        for line in report["console"]
        if line.startswith("error")
    ), report["console"]
