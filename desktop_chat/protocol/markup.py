"""Formatted messages: a CommonMark subset turned into plain text and styled spans.

A message whose sender marked it as Markdown (`Message.formatted`) is shown
as plain text with spans over it (bold, italic, strikethrough, inline code,
code blocks, block quotes, links); the window paints the spans as format
ranges over that plain text, so nothing the sender wrote is ever handed to
a rich-text or HTML renderer. What is outside the subset (headings, lists,
tables, images, HTML) keeps its characters as typed: `<b>x</b>` is seven
characters on screen, `# Title` keeps its `#`, an image is `!` and a link to
where it is (never fetched). Links are offered for http, https and mailto
only; `[x](javascript:…)` stays text.

The parser is markdown-it-py (a maintained CommonMark implementation),
imported on the first parse: starting the app and the flood path never pay
for it, only a formatted message that is shown. `parse` never raises (on a
bug it returns the text unformatted, and logs), reads at most
`MAX_PARSED` characters (the rest is kept as plain text after them), and
leaves a text without any markup character exactly as it is.

Qt-free, like the rest of `protocol`: the spans are plain offsets.
"""

from __future__ import annotations

import enum
import logging
import re
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

log = logging.getLogger(__name__)

# More than a list row shows (message_body's cut is 4000 characters), less
# than what could take markdown-it long on hostile input.
MAX_PARSED = 10_000

LINK_SCHEMES = ("http://", "https://", "mailto:")


class Style(enum.IntFlag):
    BOLD = 1
    ITALIC = 2
    STRIKE = 4
    CODE = 8  # inline code
    CODE_BLOCK = 16  # a fenced or indented block, kept verbatim
    QUOTE = 32
    LINK = 64


class Span(NamedTuple):
    """[start, start + length) of the plain text in `style`; `url` for a link, else ""."""

    start: int
    length: int
    style: Style
    url: str = ""


class Markup(NamedTuple):
    text: str
    spans: tuple[Span, ...] = ()


# A text with none of these can hold no markup of the subset: it is shown
# as it is, without a parse (and without markdown-it's normalisations).
_MAYBE_MARKUP = re.compile(r"[*_~`\[<\\]|^ {0,3}>|^(?: {4}|\t)", re.MULTILINE)

_INLINE_STYLES = {
    "strong_open": Style.BOLD,
    "em_open": Style.ITALIC,
    "s_open": Style.STRIKE,
    "link_open": Style.LINK,
}
_CLOSERS = {"strong_close", "em_close", "s_close", "link_close"}


def _valid_link(url: str) -> bool:
    return url.lower().startswith(LINK_SCHEMES)


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt  # here: see the module docstring

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("strikethrough")
    # Outside the subset: shown as the characters typed. (With "html" off,
    # html_block and html_inline never match; disabled all the same.)
    md.disable(
        [
            "table", "hr", "list", "reference", "html_block", "heading", "lheading",
            "image", "html_inline", "entity", "linkify", "replacements", "smartquotes",
        ],
        ignoreInvalid=True,
    )  # fmt: skip
    md.validateLink = _valid_link  # type: ignore[method-assign]
    return md


def has_markup(text: str) -> bool:
    """Whether `text` may hold markup (if not, `parse` returns it unchanged)."""
    return _MAYBE_MARKUP.search(text) is not None


def parse(text: str) -> Markup:
    """The plain text shown for `text` as Markdown, and its styled spans."""
    if not has_markup(text):
        return Markup(text)
    head, rest = _split(text)
    try:
        shown, spans, last_line = _Renderer().render(_parser().parse(head))
    except Exception:  # a bug here must not lose the message: shown as typed
        log.exception("cannot format a message; shown as typed")
        return Markup(text)
    if rest:
        # Blank lines at the end of the parsed part, then the rest as it is.
        shown += "\n" * max(0, head.count("\n") - last_line) + rest
    return Markup(shown, tuple(spans))


def _split(text: str) -> tuple[str, str]:
    """The part parsed and the rest kept as plain text; split at a line's end when
    there is one in the second half of what is parsed."""
    if len(text) <= MAX_PARSED:
        return text, ""
    cut = text.rfind("\n", MAX_PARSED // 2, MAX_PARSED)
    if cut < 0:
        cut = MAX_PARSED
    return text[:cut], text[cut:]


class _Renderer:
    """Walks markdown-it's tokens once, writing the plain text and the spans.

    Blocks are placed on the lines they were written on (their source line
    map): blank lines between paragraphs stay, the lines of a fence's
    delimiters and a quote's `>` go.
    """

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.spans: list[Span] = []
        self.line = 0  # the source line the end of the text is on
        self.after_block = False  # a block was written: the next starts on a new line

    def write(self, text: str) -> None:
        if text:
            self.parts.append(text)
            self.length += len(text)

    def span(self, start: int, style: Style, url: str = "") -> None:
        if self.length > start:
            self.spans.append(Span(start, self.length - start, style, url))

    def to_line(self, token: Token) -> None:
        """Move to the first line of a block."""
        if token.map is None:
            start = self.line + 1 if self.after_block else self.line
        else:
            start = token.map[0]
        breaks = start - self.line
        if self.after_block:
            breaks = max(1, breaks)
        self.write("\n" * max(0, breaks))
        self.line = max(self.line, start)
        self.after_block = False

    def end_block(self, token: Token, written: str) -> None:
        if token.map is not None:
            self.line = max(self.line, token.map[1] - 1)
        else:
            self.line += written.count("\n")
        self.after_block = True

    def render(self, tokens: list[Token]) -> tuple[str, list[Span], int]:
        quotes: list[int] = []
        for token in tokens:
            kind = token.type
            if kind == "blockquote_open":
                self.to_line(token)
                quotes.append(self.length)
            elif kind == "blockquote_close":
                if quotes:
                    self.span(quotes.pop(), Style.QUOTE)
            elif kind == "inline":
                self.to_line(token)
                self.inline(token.children or [])
                self.end_block(token, token.content)
            elif kind in ("fence", "code_block"):
                self.to_line(token)
                code = token.content[:-1] if token.content.endswith("\n") else token.content
                start = self.length
                self.write(code)
                self.span(start, Style.CODE_BLOCK)
                self.end_block(token, code)
            elif token.content and not kind.endswith(("_open", "_close")):
                self.to_line(token)  # nothing else is enabled; its text, should one come
                self.write(token.content)
                self.end_block(token, token.content)
        return "".join(self.parts), self.spans, self.line

    def inline(self, children: list[Token]) -> None:
        opened: list[tuple[int, Style, str]] = []
        for child in children:
            kind = child.type
            style = _INLINE_STYLES.get(kind)
            if style is not None:
                href = child.attrGet("href") if kind == "link_open" else None
                opened.append((self.length, style, str(href or "")))
            elif kind in _CLOSERS:
                if opened:
                    start, style, url = opened.pop()
                    if style is not Style.LINK or _valid_link(url):
                        self.span(start, style, url)
            elif kind in ("softbreak", "hardbreak"):
                self.write("\n")
            elif kind == "code_inline":
                start = self.length
                self.write(child.content)
                self.span(start, Style.CODE)
            else:  # text, and whatever else carries characters
                self.write(child.content)
