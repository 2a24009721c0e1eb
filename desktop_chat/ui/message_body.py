"""What the list draws of a message: its text made visible, cut if very long, and its links.

Kept apart from the painting (`message_delegate`) because it is plain text
work with no Qt painting in it: the context menu and tests use it too.
Control and bidi characters become visible stand-ins (`display_text`), so
what a stranger sends is shown as the characters it is; very long messages
are cut, with a note, since the whole of one can be opened on its own.
A formatted message (Markdown, protocol/markup.py) is the plain text of its
markup and the spans to style over it: still plain text, never HTML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from PySide6.QtCore import QCoreApplication, QObject

from desktop_chat.protocol.markup import Markup, Span, Style, parse
from desktop_chat.protocol.messages import Kind, Message, display_text
from desktop_chat.ui.links import Link, find_links, parse_target

MAX_SHOWN_CHARS = 4000
MAX_SHOWN_LINES = 60
# A run of this many characters without a space may be wider than the list:
# such a message breaks anywhere rather than run off the edge; every other
# breaks between words only (breaking anywhere cut "closes" into "clo ses").
LONG_WORD = 30


def _cut(text: str) -> str:
    """The start of a message that the list shows: at most so many lines and characters."""
    lines = text.split("\n", MAX_SHOWN_LINES)
    shown = "\n".join(lines[:MAX_SHOWN_LINES])
    return shown[:MAX_SHOWN_CHARS]


class BodyText(QObject):
    """For `self.tr`'s plural forms (lupdate sees them only there)."""

    def cut_note(self, hidden: int) -> str:
        return "\n" + self.tr(
            "… %n more characters (double-click to see the whole message)", "", hidden
        )


def _cut_note(hidden: int) -> str:
    return BodyText().cut_note(hidden)


def shown_text(text: str) -> str:
    """The part of a message drawn in the list; very long ones are cut, with a note."""
    shown = _cut(text)
    return shown if len(shown) == len(text) else shown + _cut_note(len(text) - len(shown))


@dataclass(frozen=True)
class Body:
    """A message's text as drawn, the links in it, and (formatted messages)
    the styles over it: spans of protocol/markup.py, links apart."""

    text: str
    links: list[Link] = field(default_factory=list)
    styles: tuple[Span, ...] = ()


PARSED_LIMIT = 1024  # formatted messages whose parse is kept: more than a screen shows


@lru_cache(maxsize=PARSED_LIMIT)
def _parsed(message_id: str, text: str) -> Markup:
    """A formatted message parsed once per id and text (an edit is a new text)."""
    return parse(text)


def _code(styles: tuple[Span, ...], start: int, end: int) -> bool:
    return any(
        s.style & (Style.CODE | Style.CODE_BLOCK) and s.start < end and start < s.start + s.length
        for s in styles
    )


def formatted_body(message: Message) -> Body:
    """A formatted message as drawn: the plain text of its Markdown, cut like
    any other, its styles, its links (`[text](url)`, `<url>`) and the bare
    http(s) addresses in its text outside code. Its links open what their
    target says (shown on hover), whatever their text says."""
    text = display_text(message.text)
    markup = _parsed(message.id, text)
    shown = _cut(markup.text)
    end = len(shown)
    styles = tuple(
        span if span.start + span.length <= end else span._replace(length=end - span.start)
        for span in markup.spans
        if span.style is not Style.LINK and span.start < end
    )
    links = []
    for span in markup.spans:
        url = parse_target(span.url) if span.style is Style.LINK else None
        if url is not None:
            links.append(Link(span.start, span.start + span.length, url))
    for bare in find_links(shown):
        inside = any(link.start < bare.end and bare.start < link.end for link in links)
        if not inside and not _code(styles, bare.start, bare.end):
            links.append(bare)
    links.sort(key=lambda link: link.start)
    if end < len(markup.text):
        links = [link for link in links if link.end < end]
        shown += _cut_note(len(markup.text) - end)
    return Body(shown, links, styles)


def message_body(message: Message) -> Body:
    """What the list draws for a message: its text made visible (display_text),
    cut if very long, and, in what people wrote, the links a click opens.
    A link that runs into the cut is not offered: its end is not shown.
    A formatted one (`Message.formatted`) is parsed first: `formatted_body`."""
    if message.deleted:
        return Body(QCoreApplication.translate("BodyText", "message deleted"), [])
    if message.formatted and message.kind is not Kind.SYSTEM:
        return formatted_body(message)
    text = display_text(message.text)
    shown = _cut(text)
    links = find_links(shown) if message.kind is not Kind.SYSTEM else []
    if len(shown) < len(text):
        links = [link for link in links if link.end < len(shown)]
        shown += _cut_note(len(text) - len(shown))
    return Body(shown, links)


def has_long_words(text: str) -> bool:
    """Whether a word of `text` may not fit a line (then it wraps anywhere).
    Asked only for rows laid out exactly, never for the flood's estimates."""
    return len(text) > LONG_WORD and any(len(word) > LONG_WORD for word in text.split())
