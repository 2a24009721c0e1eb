"""What the list draws of a message: its text made visible, cut if very long, and its links.

Kept apart from the painting (`message_delegate`) because it is plain text
work with no Qt painting in it: the context menu and tests use it too.
Control and bidi characters become visible stand-ins (`display_text`), so
what a stranger sends is shown as the characters it is; very long messages
are cut, with a note, since the whole of one can be opened on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication, QObject

from desktop_chat.protocol.messages import Kind, Message, display_text
from desktop_chat.ui.links import Link, find_links

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
    """A message's text as drawn, and the links in it."""

    text: str
    links: list[Link] = field(default_factory=list)


def message_body(message: Message) -> Body:
    """What the list draws for a message: its text made visible (display_text),
    cut if very long, and, in what people wrote, the links a click opens.
    A link that runs into the cut is not offered: its end is not shown."""
    if message.deleted:
        return Body(QCoreApplication.translate("BodyText", "message deleted"), [])
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
