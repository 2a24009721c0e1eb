"""Who a message mentions: `@name`, the rule the window, the unread counts and
the notifications share (Qt-free, so it is tested without a display).

A mention is `@` + a name, with no letter or digit before the `@` (so an
e-mail address mentions nobody) and none right after the name (so "@bob"
mentions bob, not bobby). Case does not matter (Unicode case folding: "@ALICE"
and "@Alice" are alice); Hangul is a letter like any other ("@김민수" mentions
김민수, "@김민수님" does not). A name may hold spaces: "@Kim Min hi" mentions
"Kim Min". Where two names start alike ("bob" and "bob smith"), the longest
that matches wins: "@bob smith" mentions bob smith, not bob.

`@everyone` and `@here` are not mentions (yet): a server that lists who is in
a room could make them cheaply, but nothing asks for them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from desktop_chat.protocol.messages import Kind, Message

_MOST_CACHED = 256  # names whose pattern is kept compiled


@lru_cache(maxsize=_MOST_CACHED)
def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)@" + re.escape(name) + r"(?!\w)", re.IGNORECASE)


def _starts(text: str, name: str) -> list[int]:
    """Where `@name` stands in `text` as a mention (the index of each `@`)."""
    if not name or "@" not in text:
        return []
    return [m.start() for m in _pattern(name).finditer(text)]


def mentions(text: str, name: str, others: Iterable[str] = ()) -> bool:
    """Whether `text` mentions `name`; with `others` (the conversation's other
    participants), not where a longer one of them matches at the same `@`."""
    starts = _starts(text, name)
    if not starts:
        return False
    longer = [o for o in others if len(o) > len(name) and o.casefold() != name.casefold()]
    if not longer:
        return True
    taken = {start for other in longer for start in _starts(text, other)}
    return any(start not in taken for start in starts)


def mentions_me(message: Message, me: str) -> bool:
    """Whether someone else's message mentions this window's user (called `me`):
    never one's own lines, the app's notes or a line taken back."""
    return (
        message.kind is Kind.OTHER
        and not message.deleted
        and message.sender != me
        and mentions(message.text, me)
    )
