"""Export a conversation to a file: JSON lines (every field) or one HTML page.

Both writers stream: they take any iterable of `Message`s (a generator over
the history store will do), write each line as it comes and keep nothing
but a bounded index of what was written, so a conversation of a million
lines costs the memory of a few thousand. Each writes to a temporary file
in the destination's folder and moves it into place with `os.replace` only
when the last line is written: a failure part way (a full disk, an error
from the iterable, an interrupt) leaves no file at `path` (or the one that
was there before, untouched) and no temporary file.

The HTML page is made to be opened in a browser without risk: every piece
of text from a message, a name, a room, the title or the labels is escaped;
it loads nothing (inline style only, no script, no image, no font, no link,
and a Content-Security-Policy that forbids all of them should a bug let one
through); links in messages stay plain text.

No Qt here, and no words a user reads either: the HTML's labels ("edited",
"message deleted", ...) come from the caller, who passes them translated.

Errors: an `OSError` about the file (no space left, no permission, a
folder that is gone) is a known error to show in words; anything else the
iterable raises is passed on as it is. Either way nothing is left behind.

The temporary file is made with `tempfile.mkstemp`, so the export is
readable by its owner only (mode 0600): a conversation is private.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import IO, Any

from desktop_chat.protocol.messages import DeliveryState, Kind, Message, display_text

FORMAT = "desktop-chat-export"
VERSION = 1

# The words of the HTML page, in English; the window passes its own
# (translated) ones. "{sender}" and "{text}" are filled in, already escaped.
DEFAULT_LABELS: Mapping[str, str] = {
    "room": "Room",
    "account": "Account",
    "exported": "Exported",
    "no_room": "everyone",  # the name shown for the no-room channel ("")
    "system": "system",  # the sender shown for the app's own lines
    "edited": "edited",
    "deleted": "message deleted",
    "reply": "in reply to {sender}: {text}",
    "reply_missing": "in reply to a message not in this export",
    "not_delivered": "not delivered",
}

REPLY_QUOTE_CHARS = 80  # how much of a quoted line the reply mark shows

# Characters that JSON leaves raw under ensure_ascii=False but that split a
# line for some readers (str.splitlines, JavaScript's old line terminators),
# and lone surrogates, which UTF-8 cannot encode: both written as \\uXXXX.
_JSON_RAW_TROUBLE = re.compile("[\u0085\u2028\u2029\ud800-\udfff]")
_WHITESPACE_RUN = re.compile(r"\s+")


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def iso_time(ts: float) -> str:
    """Seconds since the epoch as ISO-8601 UTC ("2025-11-25T17:00:00.500Z"),
    or "" for a time that is not one (NaN, out of datetime's range)."""
    moment = _moment(ts, UTC)
    if moment is None:
        return ""
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _moment(ts: float, tz: tzinfo) -> datetime | None:
    if not isinstance(ts, int | float) or not math.isfinite(ts):
        return None
    try:
        return datetime.fromtimestamp(ts, tz)
    except (OverflowError, OSError, ValueError):
        return None


@contextmanager
def _atomic_text(path: str | os.PathLike[str]) -> Iterator[IO[str]]:
    """A text file that appears at `path` whole, or not at all."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _json_line(obj: Mapping[str, Any]) -> str:
    line = _ENCODER.encode(obj)
    return _JSON_RAW_TROUBLE.sub(_json_escape, line) + "\n"


def _finite(value: float) -> float | None:
    return value if isinstance(value, int | float) and math.isfinite(value) else None


def message_record(message: Message) -> dict[str, Any]:
    """One message as the JSON object of its line: every field of `Message`,
    plus `time` (its `ts` in ISO-8601 UTC) and `edited` (edited_at != 0)."""
    return {
        "type": "message",
        "id": message.id,
        "room": message.room,
        "kind": message.kind.value,
        "sender": message.sender,
        "sender_sid": message.sender_sid,
        "text": message.text,
        "ts": _finite(message.ts),
        "time": iso_time(message.ts),
        "state": message.state.value if message.state is not None else None,
        "error": message.error,
        "reply_to": message.reply_to,
        "formatted": message.formatted,
        "edited": bool(message.edited_at),
        "edited_at": _finite(message.edited_at),
        "deleted": message.deleted,
        "reactions": message.reactions,
        "reacted": list(message.reacted),
        "server_id": message.server_id,
        "offset": message.offset,  # its place in the server's history (0: not said)
        # A file's line: the server's record of the file (never its bytes).
        "attachment": message.attachment.to_wire() if message.attachment is not None else None,
    }


def export_jsonl(
    messages: Iterable[Message],
    path: str | os.PathLike[str],
    *,
    room: str,
    account_label: str,
    now: float | None = None,
) -> int:
    """Write `messages` as JSON lines to `path`; the number of messages written.

    The first line describes the export:
    `{"type": "export", "format": "desktop-chat-export", "version": 1,
    "room": ..., "account": ..., "exported_at": ISO-8601 UTC}`; each next line
    is one message (`message_record`), `"type": "message"`. UTF-8, non-ASCII
    written as itself; lone surrogates (which UTF-8 cannot hold) and the
    characters some readers take for line breaks (U+0085, U+2028, U+2029) as
    JSON escapes, so every line is valid JSON and `json.loads` gives back the
    exact strings. A time that is not a finite number is written as null.
    """
    count = 0
    with _atomic_text(path) as out:
        out.write(
            _json_line(
                {
                    "type": "export",
                    "format": FORMAT,
                    "version": VERSION,
                    "room": room,
                    "account": account_label,
                    "exported_at": iso_time(_now(now)),
                }
            )
        )
        for message in messages:
            out.write(_json_line(message_record(message)))
            count += 1
    return count


def _now(now: float | None) -> float:
    return datetime.now(UTC).timestamp() if now is None else now


# ---- HTML --------------------------------------------------------------------------

_CSP = "default-src 'none'; style-src 'unsafe-inline'"

_STYLE = """
:root { color-scheme: light dark; --muted: #666; --line: #ddd; --own: #eef5ff; --sys: #f6f6f6; }
@media (prefers-color-scheme: dark) {
  :root { --muted: #aaa; --line: #444; --own: #1d2a3a; --sys: #262626; }
}
body { font: 15px/1.45 system-ui, sans-serif; max-width: 48rem; margin: 1.5rem auto;
  padding: 0 1rem; }
h1 { font-size: 1.4rem; margin: 0 0 .3rem; overflow-wrap: anywhere; }
.about { color: var(--muted); margin: 0 0 1.2rem; overflow-wrap: anywhere; }
.msg { border-top: 1px solid var(--line); padding: .45rem .6rem; }
.msg.own { background: var(--own); }
.msg.system { background: var(--sys); color: var(--muted); }
.head { font-size: .85rem; color: var(--muted); }
.sender { font-weight: 600; color: CanvasText; overflow-wrap: anywhere; }
.mark { font-style: italic; }
.reply { font-size: .85rem; color: var(--muted); border-left: 3px solid var(--line);
  padding-left: .5rem; margin: .2rem 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; margin: .15rem 0; }
.deleted { font-style: italic; color: var(--muted); margin: .15rem 0; }
.reactions { font-size: .85rem; margin: .2rem 0 0; padding: 0; list-style: none; }
.reactions li { display: inline-block; margin-right: .8rem; overflow-wrap: anywhere; }
"""


def _h(text: str) -> str:
    """Any text, safe between tags and inside a quoted attribute: what the
    window would draw (no control or bidi-override characters, no lone
    surrogates), HTML-escaped."""
    return html.escape(display_text(text), quote=True)


def _quote(text: str) -> str:
    flat = _WHITESPACE_RUN.sub(" ", text).strip()
    if len(flat) > REPLY_QUOTE_CHARS:
        flat = flat[: REPLY_QUOTE_CHARS - 1].rstrip() + "…"
    return flat


def _key(message_id: str) -> bytes:
    """An id as SQLite can hold it exactly: ids come from servers and may
    hold anything, lone surrogates included."""
    return message_id.encode("utf-8", "surrogatepass")


class _ReplyIndex:
    """Who wrote each exported line and how it starts, for the reply marks.

    The most recent `keep` lines are held in a dict; older ones go to a
    private temporary SQLite file (deleted when closed), so a million lines
    cost a few megabytes of memory, not hundreds.
    """

    def __init__(self, keep: int = 10_000) -> None:
        self.keep = keep
        self.recent: dict[str, tuple[str, str]] = {}
        self.db: sqlite3.Connection | None = None

    def add(self, message_id: str, sender: str, quote: str) -> None:
        if not message_id:
            return
        # Kept as drawn (display_text): SQLite takes no lone surrogate, and
        # drawing it again later changes nothing.
        self.recent[message_id] = (display_text(sender), display_text(quote))
        if len(self.recent) >= self.keep:
            self._spill()

    def _spill(self) -> None:
        if self.db is None:
            self.db = sqlite3.connect("")  # "": a temporary file of its own
            self.db.execute("CREATE TABLE line (id BLOB PRIMARY KEY, sender TEXT, quote TEXT)")
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO line VALUES (?, ?, ?)",
                ((_key(k), s, q) for k, (s, q) in self.recent.items()),
            )
        self.recent.clear()

    def get(self, message_id: str) -> tuple[str, str] | None:
        found = self.recent.get(message_id)
        if found is not None or self.db is None:
            return found
        row = self.db.execute(
            "SELECT sender, quote FROM line WHERE id = ?", (_key(message_id),)
        ).fetchone()
        return (row[0], row[1]) if row else None

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None


def export_html(
    messages: Iterable[Message],
    path: str | os.PathLike[str],
    *,
    room: str,
    account_label: str,
    title: str,
    labels: Mapping[str, str] | None = None,
    tz: tzinfo = UTC,
    now: float | None = None,
) -> int:
    """Write `messages` as one self-contained HTML page; the number written.

    Each message is a block: its sender and time (in `tz`), an "edited" mark,
    "not delivered" for our own lines the server never took, "in reply to
    <sender>: <start of the quoted line>" when the answered line was exported
    before it (otherwise "in reply to a message not in this export"), the
    text with its line breaks and spaces kept, or "message deleted", and the
    reactions as "👍 2 (alice, bob)".

    Markdown is not rendered in this first version: a formatted message is
    shown as the characters its sender typed (escaped, like any text).

    `labels` overrides `DEFAULT_LABELS` key by key. Every string that ends up
    in the page, the labels and the title included, is shown as the window
    would draw it (`display_text`) and escaped with `html.escape(quote=True)`.
    """
    words = {**DEFAULT_LABELS, **(labels or {})}
    room_name = room or words["no_room"]
    exported = _moment(_now(now), tz)
    count = 0
    replies = _ReplyIndex()
    try:
        with _atomic_text(path) as out:
            out.write(
                "<!DOCTYPE html>\n<html>\n<head>\n"
                f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
                '<meta charset="utf-8">\n'
                '<meta name="referrer" content="no-referrer">\n'
                '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                f"<title>{_h(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
                f"<h1>{_h(title)}</h1>\n"
                f'<p class="about">{_h(words["room"])}: {_h(room_name)} · '
                f"{_h(words['account'])}: {_h(account_label)} · "
                f"{_h(words['exported'])}: {_h(_shown_time(exported))}</p>\n"
                "<main>\n"
            )
            for message in messages:
                out.write(_html_block(message, words, replies, tz))
                count += 1
            out.write("</main>\n</body>\n</html>\n")
    finally:
        replies.close()
    return count


def _shown_time(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S %Z").strip() if moment is not None else ""


def _fill(label: str, **values: str) -> str:
    """A label with its {placeholders} replaced by escaped values (no
    str.format: a label is text, not code that may reach attributes)."""
    shown = _h(label)
    for key, value in values.items():
        shown = shown.replace("{" + key + "}", value)
    return shown


def _html_block(
    message: Message,
    words: Mapping[str, str],
    replies: _ReplyIndex,
    tz: tzinfo,
) -> str:
    system = message.kind is Kind.SYSTEM
    sender = words["system"] if system and not message.sender else message.sender
    moment = _moment(message.ts, tz)
    parts = [f'<article class="msg {message.kind.value}">\n<div class="head">']
    parts.append(f'<span class="sender">{_h(sender)}</span>')
    if moment is not None:
        iso = moment.isoformat(timespec="seconds")
        parts.append(f' <time datetime="{_h(iso)}">{_h(_shown_time(moment))}</time>')
    if message.edited_at and not message.deleted:
        parts.append(f' <span class="mark edited">({_h(words["edited"])})</span>')
    if message.kind is Kind.OWN and message.state in _UNDELIVERED:
        parts.append(f' <span class="mark undelivered">({_h(words["not_delivered"])})</span>')
    parts.append("</div>\n")
    if message.reply_to:
        quoted = replies.get(message.reply_to)
        if quoted is None:
            mark = _h(words["reply_missing"])
        else:
            mark = _fill(words["reply"], sender=_h(quoted[0]), text=_h(quoted[1]))
        parts.append(f'<div class="reply">{mark}</div>\n')
    if message.deleted:
        parts.append(f'<div class="deleted">{_h(words["deleted"])}</div>\n')
    else:
        parts.append(f'<div class="text">{_h(message.text)}</div>\n')
    # reply_to holds the id this window knows a line by (Message.id): our own
    # lines' client id, others' server id.
    replies.add(message.id, sender, words["deleted"] if message.deleted else _quote(message.text))
    if message.reactions and not message.deleted:
        shown = [
            f"<li>{_h(emoji)} {len(names)} ({_h(', '.join(names))})</li>"
            for emoji, names in message.reactions.items()
            if names
        ]
        if shown:
            parts.append(f'<ul class="reactions">{"".join(shown)}</ul>\n')
    parts.append("</article>\n")
    return "".join(parts)


_UNDELIVERED = frozenset({DeliveryState.PENDING, DeliveryState.FAILED, DeliveryState.DISCARDED})

__all__: list[str] = [
    "DEFAULT_LABELS",
    "export_html",
    "export_jsonl",
    "iso_time",
    "message_record",
]
