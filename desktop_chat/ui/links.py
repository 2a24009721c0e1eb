"""Web links in message text: which ones become clickable, and what they open.

Only `http` and `https` links are offered (and, in a formatted message,
`mailto`, `parse_target`), and only when Qt parses them
strictly into a URL with a host: a message can say anything, but a click
opens nothing the reader could not see beforehand. What the reader sees
(tooltip, context menu) is the URL exactly as it will be opened, fully
encoded, so an internationalised host shows as its punycode
(`\u0430pple.com`, with a Cyrillic "a", is `xn--pple-43d.com`), and the host is
named on its own line, so `http://bank.example@evil.example/` cannot pass
for the bank. Nothing here touches the network: QUrl parsing resolves no
names, and the URL goes to the desktop's browser only on a click.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QUrl

from desktop_chat.ui.tr import fill

# A candidate: scheme, "://", then everything up to whitespace or a character
# that cannot be in a URL as people write them in chat. The end is trimmed
# of sentence punctuation below, as chat clients do.
_CANDIDATE = re.compile(r"\bhttps?://[^\s<>\"'`\u2400-\u2426\ufffd]+", re.IGNORECASE)
_TRAILING = ".,;:!?*~"
_CLOSERS = {")": "(", "]": "["}

_ENCODED = QUrl.ComponentFormattingOption.FullyEncoded


@dataclass(frozen=True)
class Link:
    """A clickable span of shown text [start, end) and the URL it opens."""

    start: int
    end: int
    url: QUrl

    @property
    def target(self) -> str:
        """The URL exactly as it is opened: fully encoded, punycode host."""
        return str(self.url.toString(_ENCODED))

    @property
    def host(self) -> str:
        return str(self.url.host(_ENCODED))

    def describe(self) -> str:
        """What hovering a link shows: where a click goes, before it goes there."""
        if self.url.scheme() == "mailto":
            text = QCoreApplication.translate(
                "Link", "%1\nClick to write to it in your mail program"
            )
            return fill(text, self.target)
        text = QCoreApplication.translate("Link", "%1\nSite: %2\nClick to open in your browser")
        return fill(text, self.target, self.host)


def _trim(candidate: str) -> str:
    """Drop what ends a sentence rather than the URL: "see http://x.org/a)." -> ".../a"."""
    while candidate:
        last = candidate[-1]
        unbalanced = last in _CLOSERS and candidate.count(last) > candidate.count(_CLOSERS[last])
        if last in _TRAILING or unbalanced:
            candidate = candidate[:-1]
        else:
            break
    return candidate


def parse_link(text: str) -> QUrl | None:
    """The URL `text` opens, or None unless it is a strictly valid http(s) URL with a host."""
    url = QUrl(text, QUrl.ParsingMode.StrictMode)
    if not url.isValid() or url.scheme() not in ("http", "https") or not url.host():
        return None
    return url


def parse_target(text: str) -> QUrl | None:
    """The URL a formatted message's link opens (protocol/markup.py): what
    `parse_link` takes, or a strictly valid mailto: address; else None."""
    if text[:7].lower() != "mailto:":
        return parse_link(text)
    url = QUrl(text, QUrl.ParsingMode.StrictMode)
    if not url.isValid() or url.scheme() != "mailto" or "@" not in url.path():
        return None
    return url


def find_links(text: str) -> list[Link]:
    """The clickable links in shown text, in order; cheap when there are none."""
    if "://" not in text:
        return []
    found = []
    for match in _CANDIDATE.finditer(text):
        candidate = _trim(match.group())
        url = parse_link(candidate)
        if url is not None:
            found.append(Link(match.start(), match.start() + len(candidate), url))
    return found
