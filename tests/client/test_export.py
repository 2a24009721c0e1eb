"""Exporting a conversation without Qt: every field through JSON lines, a
large export in bounded memory, no half-written file, hostile text in the
HTML page kept as text."""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from desktop_chat.client import export
from desktop_chat.client.export import export_html, export_jsonl
from desktop_chat.protocol.messages import Attachment, DeliveryState, Kind, Message
from tests.procs import ROOT

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "<link rel=stylesheet href=http://127.0.0.1:9/x.css>",
    "<style>@import url(http://127.0.0.1:9/i.css);</style>",
    '<meta http-equiv="refresh" content="0;url=http://127.0.0.1:9/">',
    "<iframe src=http://127.0.0.1:9/></iframe>",
    "</article></main><a href=http://127.0.0.1:9/>click</a>",
    "<!-- not a comment --> ]]> &amp; &lt;",
]


def full_message(**changes: Any) -> Message:
    """A message with every field away from its default."""
    fields: dict[str, Any] = {
        "text": "hello\n  world 🌱 한국어",
        "kind": Kind.OWN,
        "room": "garden",
        "sender": "alice",
        "ts": 1764090000.5,
        "id": "a" * 32,
        "state": DeliveryState.FAILED,
        "error": "too long",
        "sender_sid": "sid-1",
        "reply_to": "b" * 32,
        "formatted": True,
        "edited_at": 1764090100.25,
        "deleted": False,
        "reactions": {"👍": ["bob", "carol"], "🎉": ["dave"]},
        "reacted": ("👍",),
        "server_id": "c" * 32,
        "offset": 4711,
    }
    fields.update(changes)
    return Message(**fields)


def from_record(record: dict[str, Any]) -> Message:
    """A message back from its JSON line (what an import would do)."""
    return Message(
        text=record["text"],
        kind=Kind(record["kind"]),
        room=record["room"],
        sender=record["sender"],
        ts=record["ts"],
        id=record["id"],
        state=DeliveryState(record["state"]) if record["state"] is not None else None,
        error=record["error"],
        sender_sid=record["sender_sid"],
        reply_to=record["reply_to"],
        formatted=record["formatted"],
        edited_at=record["edited_at"],
        deleted=record["deleted"],
        reactions=record["reactions"],
        reacted=tuple(record["reacted"]),
        server_id=record["server_id"],
        offset=record["offset"],
        attachment=Attachment.from_kept(record["attachment"]),
    )


def read_jsonl(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    raw = path.read_bytes()
    text = raw.decode("utf-8")  # strict: the file is valid UTF-8
    lines = text.split("\n")
    assert lines[-1] == ""
    header, *records = (json.loads(line) for line in lines[:-1])
    return header, records


# ---- JSON lines ----------------------------------------------------------------------


def test_every_field_round_trips_through_json_lines(tmp_path: Path) -> None:
    messages = [
        full_message(),
        full_message(
            id="d" * 32,
            kind=Kind.OTHER,
            state=None,
            error="",
            reply_to="",
            formatted=False,
            edited_at=0.0,
            reactions=None,
            reacted=(),
            server_id="",
            room="",
        ),
        full_message(id="e" * 32, text="", deleted=True, state=DeliveryState.DELIVERED),
        full_message(id="f" * 32, kind=Kind.SYSTEM, sender="", state=None, text="joined"),
        full_message(
            id="1" * 32,
            text="the plan",
            attachment=Attachment("a" * 32, "plan.png", 1234, "image/png", "b" * 64, "c" * 32),
        ),
    ]
    path = tmp_path / "garden.jsonl"
    assert export_jsonl(messages, path, room="garden", account_label="alice@chat", now=0) == 5
    header, records = read_jsonl(path)
    assert header == {
        "type": "export",
        "format": "desktop-chat-export",
        "version": 1,
        "room": "garden",
        "account": "alice@chat",
        "exported_at": "1970-01-01T00:00:00.000Z",
    }
    assert [from_record(r) for r in records] == messages
    first = records[0]
    assert first["time"] == "2025-11-25T17:00:00.500Z"
    assert first["edited"] is True and records[1]["edited"] is False
    assert first["state"] == "failed" and first["kind"] == "own"
    assert list(first["reactions"]) == ["👍", "🎉"]  # in the order they came
    # Every field of Message is there, plus the two derived ones.
    assert set(first) == set(Message.__slots__) | {"type", "time", "edited"}
    # Non-ASCII is written as itself, not as \\u escapes.
    assert "🌱 한국어" in path.read_text(encoding="utf-8")


def test_surrogates_and_control_characters_stay_exact_and_one_per_line(tmp_path: Path) -> None:
    nasty = "lone \ud800 and \udfff, NUL \x00 ESC \x1b CR \r LS \u2028 PS \u2029 NEL \u0085 end"
    messages = [
        full_message(text=nasty, sender="\ud83d", room="r\x00"),
        full_message(id="2", reactions={"\udc00": ["\u2028"]}),
        full_message(id="3", ts=float("nan"), edited_at=float("inf")),
    ]
    path = tmp_path / "nasty.jsonl"
    assert export_jsonl(messages, path, room="\ud800", account_label="a\u2028b") == 3
    text = path.read_text(encoding="utf-8")
    # One line per record, however the reader splits lines.
    assert len(text.splitlines()) == 4
    header, records = read_jsonl(path)
    assert header["room"] == "\ud800" and header["account"] == "a\u2028b"
    assert records[0]["text"] == nasty
    assert records[0]["sender"] == "\ud83d" and records[0]["room"] == "r\x00"
    assert records[1]["reactions"] == {"\udc00": ["\u2028"]}
    assert records[2]["ts"] is None and records[2]["time"] == ""
    assert records[2]["edited_at"] is None


# ---- memory ----------------------------------------------------------------------------

LINES = 200_000


def many(count: int) -> Iterator[Message]:
    """A long conversation, made one message at a time; every tenth answers
    a line far back (beyond what the reply index holds in memory)."""
    for i in range(count):
        yield Message(
            text=f"line {i} " + "x" * 60,
            kind=Kind.OTHER if i % 3 else Kind.OWN,
            room="big",
            sender=f"user{i % 7}",
            ts=1764090000.0 + i,
            id=f"{i:032x}",
            reply_to=f"{i - 20_000:032x}" if i % 10 == 0 and i >= 20_000 else "",
            reactions={"👍": ["a", "b"]} if i % 5 == 0 else None,
        )


# Run in a child of its own: the peak resident size of a fresh process sees
# every allocation (SQLite's and the file buffers too, which tracemalloc
# does not), and costs nothing while it runs (tracemalloc made this test
# seven times slower).
MEASURE = r"""
import json, resource, sys
from desktop_chat.client import export
from desktop_chat.client.export import export_html, export_jsonl
from tests.client.test_export import many

kind, path, lines = sys.argv[1], sys.argv[2], int(sys.argv[3])

def export(count):
    if kind == "jsonl":
        return export_jsonl(many(count), path, room="big", account_label="me")
    return export_html(many(count), path, room="big", account_label="me", title="big")

export(12_000)  # warmed up: imports, the reply index's SQLite file, caches
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
written = export(lines)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
scale = 1 if sys.platform == "darwin" else 1024  # bytes there, KiB on Linux
print(json.dumps({"written": written, "grew": (after - before) * scale}))
"""


@pytest.mark.parametrize("kind", ["jsonl", "html"])
def test_a_large_export_is_streamed_not_held(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"big.{kind}"
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, kind, str(path), str(LINES)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=100,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["written"] == LINES
    # The file is tens of megabytes, the messages as objects about twice
    # that: holding either would grow the process far beyond this.
    size = path.stat().st_size
    assert size > 20_000_000
    assert result["grew"] < 16_000_000, (
        f"grew {result['grew'] / 1e6:.1f} MB for a {size / 1e6:.0f} MB export"
    )
    if kind == "html":
        # A reply 20 000 lines back is still found (from the spilled index).
        with path.open(encoding="utf-8") as f:
            f.seek(size - 30_000)
            tail = f.read()
        line = LINES - 10 - 20_000
        assert f"in reply to user{line % 7}: line {line} x" in tail


# ---- atomic ------------------------------------------------------------------------


class Broken(Exception):
    pass


def failing_after(count: int) -> Iterator[Message]:
    yield from many(count)
    raise Broken("the history store failed")


@pytest.mark.parametrize("kind", ["jsonl", "html"])
def test_a_failure_part_way_leaves_no_file_and_no_temporary(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"chat.{kind}"
    with pytest.raises(Broken):
        if kind == "jsonl":
            export_jsonl(failing_after(50_000), path, room="r", account_label="me")
        else:
            export_html(failing_after(50_000), path, room="r", account_label="me", title="t")
    assert list(tmp_path.iterdir()) == []

    # An export already there stays as it was.
    path.write_text("the previous export", encoding="utf-8")
    with pytest.raises(Broken):
        if kind == "jsonl":
            export_jsonl(failing_after(10), path, room="r", account_label="me")
        else:
            export_html(failing_after(10), path, room="r", account_label="me", title="t")
    assert list(tmp_path.iterdir()) == [path]
    assert path.read_text(encoding="utf-8") == "the previous export"


@pytest.mark.parametrize(("kind", "writer"), [("jsonl", "_json_line"), ("html", "_html_block")])
def test_a_full_disk_part_way_leaves_nothing_either(
    tmp_path: Path, kind: str, writer: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = getattr(export, writer)
    calls = 0

    def filling_up(*args: Any) -> str:
        nonlocal calls
        calls += 1
        if calls == 1000:
            raise OSError(errno.ENOSPC, "No space left on device")
        return str(real(*args))

    monkeypatch.setattr(export, writer, filling_up)
    path = tmp_path / f"chat.{kind}"
    with pytest.raises(OSError, match="No space"):
        if kind == "jsonl":
            export_jsonl(many(5000), path, room="r", account_label="me")
        else:
            export_html(many(5000), path, room="r", account_label="me", title="t")
    assert calls == 1000 and list(tmp_path.iterdir()) == []


def test_a_finished_export_replaces_the_old_one_and_is_private(tmp_path: Path) -> None:
    path = tmp_path / "chat.jsonl"
    path.write_text("old", encoding="utf-8")
    assert export_jsonl(many(3), path, room="r", account_label="me") == 3
    assert list(tmp_path.iterdir()) == [path]
    assert len(read_jsonl(path)[1]) == 3
    assert path.stat().st_mode & 0o077 == 0


# ---- HTML --------------------------------------------------------------------------

ALLOWED_TAGS = {
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
}
ALLOWED_ATTRIBUTES = {"http-equiv", "content", "charset", "name", "class", "datetime"}


class Page(HTMLParser):
    """What a browser's parser makes of the page: its tags, attributes and text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.in_style = False
        self.comments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self.in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self.in_style = False

    def handle_data(self, data: str) -> None:
        if not self.in_style:
            self.text.append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def parse(path: Path) -> tuple[str, Page]:
    raw = path.read_text(encoding="utf-8")
    page = Page()
    page.feed(raw)
    page.close()
    return raw, page


def assert_loads_nothing(raw: str, page: Page) -> None:
    lowered = raw.lower()
    for opening in ("<script", "<img", "<link", "<iframe", "<svg", "<a ", "<object", "<embed"):
        assert opening not in lowered
    assert {tag for tag, _ in page.tags} <= ALLOWED_TAGS
    for tag, attrs in page.tags:
        assert set(attrs) <= ALLOWED_ATTRIBUTES, (tag, attrs)
        assert not any(name.startswith("on") for name in attrs)
    metas = [attrs for tag, attrs in page.tags if tag == "meta"]
    assert metas[0] == {
        "http-equiv": "Content-Security-Policy",
        "content": "default-src 'none'; style-src 'unsafe-inline'",
    }
    assert {"charset": "utf-8"} in metas
    assert not any((m.get("http-equiv") or "").lower() == "refresh" for m in metas)
    assert page.comments == []


def test_the_page_itself_references_nothing(tmp_path: Path) -> None:
    path = tmp_path / "plain.html"
    messages = [full_message(), full_message(id="2", reply_to="a" * 32, text="see example.com")]
    export_html(messages, path, room="garden", account_label="alice", title="Garden")
    raw, page = parse(path)
    assert_loads_nothing(raw, page)
    for reference in ("src=", "href=", "url(", "@import", "http:", "https:", "//"):
        assert reference not in raw, reference
    assert "white-space: pre-wrap" in raw


def test_hostile_text_everywhere_is_escaped_and_shown_as_text(tmp_path: Path) -> None:
    messages = [
        full_message(
            id=str(i),
            text=bad,
            sender=f"{bad} & co",
            reply_to="",
            edited_at=0,
            reactions={bad: [bad, "bob & alice"]},
        )
        for i, bad in enumerate(HOSTILE)
    ]
    messages.append(full_message(id="r", reply_to="0", text="answer"))
    path = tmp_path / "hostile.html"
    title = "<script>document.title='owned'</script> & \"quotes\""
    written = export_html(
        messages,
        path,
        room="<b>room</b> & co",
        account_label='"><img src=x>',
        title=title,
        labels={"edited": "<i>bearbeitet</i>"},
    )
    assert written == len(messages)
    raw, page = parse(path)
    assert_loads_nothing(raw, page)
    # No src or href attribute anywhere: the "src=" left in the page is text.
    assert not any("src" in attrs or "href" in attrs for _, attrs in page.tags)
    shown = "".join(page.text)
    for bad in HOSTILE:
        assert bad in shown
        assert f"{bad} & co" in shown
        assert f"{bad} 2 ({bad}, bob & alice)" in shown
    assert "<b>room</b> & co" in shown and '"><img src=x>' in shown
    assert shown.count(title) == 2  # the <title> and the heading
    assert "in reply to <script>alert(1)</script> & co: <script>alert(1)</script>" in shown
    assert raw.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 4
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in raw


def test_control_bidi_and_surrogates_are_drawn_visibly(tmp_path: Path) -> None:
    path = tmp_path / "odd.html"
    text = "a\x00b\x1bc\ud800d \u202egpj.exe\n\tindented  twice"
    export_html(
        [full_message(text=text, sender="\u202eevil")],
        path,
        room="",
        account_label="me",
        title="\udfff",
    )
    raw, page = parse(path)
    assert "\x00" not in raw and "\x1b" not in raw and "\u202e" not in raw
    shown = "".join(page.text)
    assert "a\u2400b\u241bc\ufffdd [U+202E]gpj.exe\n\tindented  twice" in shown
    assert "[U+202E]evil" in shown


def test_marks_replies_reactions_and_words_from_the_caller(tmp_path: Path) -> None:
    first = full_message(
        id="1",
        reply_to="",
        sender="bob",
        kind=Kind.OTHER,
        state=None,
        text="first line\nof a long message " + "z" * 200,
        edited_at=0,
    )
    messages = [
        first,
        full_message(
            id="2",
            reply_to="1",
            sender="alice",
            text="**bold** _markdown_",
            state=DeliveryState.DELIVERED,
        ),
        full_message(
            id="3",
            reply_to="nowhere",
            deleted=True,
            text="",
            sender="carol",
            kind=Kind.OTHER,
            state=None,
            edited_at=0,
        ),
        full_message(
            id="4",
            reply_to="3",
            sender="dave",
            kind=Kind.OTHER,
            state=None,
            reactions={"👍": ["alice", "bob"], "😢": []},
            edited_at=0,
        ),
        full_message(id="5", reply_to="", state=DeliveryState.PENDING, edited_at=0),
    ]
    path = tmp_path / "marks.html"
    export_html(messages, path, room="garden", account_label="alice", title="t", now=0)
    raw, page = parse(path)
    blocks = raw.split("<article")[1:]
    texts = ["".join(p.text) for p in (parse_str(b) for b in blocks)]
    assert "(edited)" not in texts[0] and "in reply to" not in texts[0]
    assert "in reply to bob: first line of a long message zzz" in texts[1]
    assert "\n**bold** _markdown_\n" in texts[1]  # Markdown shown as typed
    assert "(edited)" in texts[1] and "not delivered" not in texts[1]
    assert "in reply to a message not in this export" in texts[2]
    assert "message deleted" in texts[2] and "(edited)" not in texts[2]
    assert "in reply to carol: message deleted" in texts[3]
    assert "👍 2 (alice, bob)" in texts[3] and "😢" not in texts[3]
    assert "(not delivered)" in texts[4]
    assert "2025-11-25 17:00:00 UTC" in texts[0]
    assert re.search(r'<time datetime="2025-11-25T17:00:00\+00:00">', raw)
    assert "Room: garden · Account: alice · Exported: 1970-01-01 00:00:00 UTC" in "".join(page.text)

    german = {
        "edited": "bearbeitet",
        "deleted": "Nachricht gelöscht",
        "room": "Raum",
        "reply": "Antwort auf {sender}: „{text}“",
        "reply_missing": "Antwort auf eine fehlende",
    }
    export_html(messages, path, room="", account_label="a", title="t", labels=german)
    shown = "".join(parse(path)[1].text)
    assert "(bearbeitet)" in shown and "Nachricht gelöscht" in shown
    assert "Antwort auf bob: „first line" in shown and "Antwort auf eine fehlende" in shown
    assert "Raum: everyone" in shown and "edited" not in shown and "in reply to" not in shown


def parse_str(fragment: str) -> Page:
    page = Page()
    page.feed(fragment)
    return page


def test_replies_to_lines_far_back_with_surrogates_in_them(tmp_path: Path) -> None:
    """The reply index keeps old lines in SQLite, which takes no lone
    surrogate, in a name, a text or a server's id."""
    odd = Message(text="half \ud800 a pair", kind=Kind.OTHER, sender="\udfffbob", id="odd\ud800")
    answer = Message(text="yes", kind=Kind.OTHER, sender="carol", id="answer", reply_to="odd\ud800")
    path = tmp_path / "far.html"
    assert (
        export_html([odd, *many(12_000), answer], path, room="", account_label="me", title="t")
        == 12_002
    )
    shown = "".join(parse(path)[1].text)
    assert "in reply to \ufffdbob: half \ufffd a pair" in shown
