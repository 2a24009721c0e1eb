"""The CommonMark subset of formatted messages: plain text plus spans, never HTML."""

from __future__ import annotations

import re
import subprocess
import sys
import time

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from desktop_chat.protocol import markup
from desktop_chat.protocol.markup import MAX_PARSED, Markup, Span, Style, parse


def styled(text: str) -> list[tuple[str, Style, str]]:
    """Each span as the characters it covers."""
    m = parse(text)
    return [(m.text[s.start : s.start + s.length], s.style, s.url) for s in m.spans]


@pytest.mark.parametrize(
    ("source", "shown", "spans"),
    [
        ("a **bold** b", "a bold b", [("bold", Style.BOLD, "")]),
        ("a __bold__ b", "a bold b", [("bold", Style.BOLD, "")]),
        ("*it* and _it_", "it and it", [("it", Style.ITALIC, ""), ("it", Style.ITALIC, "")]),
        ("~~gone~~ here", "gone here", [("gone", Style.STRIKE, "")]),
        ("call `f(*x)` now", "call f(*x) now", [("f(*x)", Style.CODE, "")]),
        (
            "***both***",
            "both",
            [("both", Style.BOLD, ""), ("both", Style.ITALIC, "")],
        ),
        (
            "```py\nx = 1\n  **y**\n```",
            "x = 1\n  **y**",
            [("x = 1\n  **y**", Style.CODE_BLOCK, "")],
        ),
        ("see:\n\n    a  *b*\n    c", "see:\n\na  *b*\nc", [("a  *b*\nc", Style.CODE_BLOCK, "")]),
        (
            "> quoted\n> **line**\n\nafter",
            "quoted\nline\n\nafter",
            [("line", Style.BOLD, ""), ("quoted\nline", Style.QUOTE, "")],
        ),
        (
            "[the site](https://example.org/a?b=1)",
            "the site",
            [("the site", Style.LINK, "https://example.org/a?b=1")],
        ),
        (
            "<http://example.org>",
            "http://example.org",
            [("http://example.org", Style.LINK, "http://example.org")],
        ),
        (
            "mail <a@example.org>",
            "mail a@example.org",
            [("a@example.org", Style.LINK, "mailto:a@example.org")],
        ),
        ("[me](mailto:me@example.org)", "me", [("me", Style.LINK, "mailto:me@example.org")]),
        (
            "[**b**](http://x.example)",
            "b",
            [("b", Style.BOLD, ""), ("b", Style.LINK, "http://x.example")],
        ),
    ],
)
def test_each_construct_gives_its_span(
    source: str, shown: str, spans: list[tuple[str, Style, str]]
) -> None:
    assert parse(source).text == shown
    assert styled(source) == spans


@pytest.mark.parametrize(
    "source",
    [
        "[x](javascript:alert(1))",
        "[x](ftp://files.example/a)",
        "[x](file:///etc/passwd)",
        "[x](data:text/html,<b>hi</b>)",
        "<javascript:alert(1)>",
        "[x](relative/path)",
    ],
)
def test_other_schemes_stay_text(source: str) -> None:
    assert parse(source) == Markup(source)


@pytest.mark.parametrize(
    "source",
    [
        "<b>x</b>",
        "<script>alert(1)</script>",
        "<div>\nblock\n</div>",
        "a <img src=http://x.example/i.png> b",
        "<!-- hidden -->",
        "&lt;b&gt; &amp; &#65;",
    ],
)
def test_html_and_entities_stay_literal(source: str) -> None:
    assert parse(source) == Markup(source)


def test_html_inside_formatted_text_stays_literal_around_the_formats() -> None:
    m = parse("**<b>x</b>** <i>y</i>")
    assert m.text == "<b>x</b> <i>y</i>"
    assert m.spans == (Span(0, 8, Style.BOLD),)


@pytest.mark.parametrize(
    "source",
    [
        "# Title",
        "## Sub\ntext",
        "- one\n- two",
        "1. one\n2. two",
        "a | b\n--|--\n1 | 2",
        "---",
        "Title\n=====",
        "[ref]: http://example.org",
    ],
)
def test_what_is_outside_the_subset_keeps_its_characters(source: str) -> None:
    assert parse(source) == Markup(source)


def test_an_image_is_never_an_image_only_a_link_to_where_it_is() -> None:
    m = parse("![cat](https://example.org/cat.png)")
    assert m.text == "!cat"
    assert m.spans == (Span(1, 3, Style.LINK, "https://example.org/cat.png"),)


def test_paragraphs_and_line_breaks_stay_as_written() -> None:
    assert parse("**a**\nb\n\n\nc\n\nd").text == "a\nb\n\n\nc\n\nd"


def test_escapes_are_the_characters_they_escape() -> None:
    assert parse(r"\*not italic\* 2\*3") == Markup("*not italic* 2*3")


@pytest.mark.parametrize(
    "source",
    [
        "plain text",
        "2 + 3 = 5, isn't it?",
        "점심 먹었어요?",
        "snake case: a b c",
        "",
        "  leading spaces\n\n\ntrailing  \n",
        "# not a heading (nothing parsed)",
        "😀 e\u0301",
    ],
)
def test_text_without_markup_comes_back_unchanged(source: str) -> None:
    assert parse(source) == Markup(source)


_PLAIN = st.text(
    st.characters(blacklist_characters="*_~`[<\\>\t", blacklist_categories=("Cs",)), max_size=200
)


@settings(max_examples=300, deadline=None)
@given(_PLAIN)
def test_any_text_without_markup_characters_is_unchanged(text: str) -> None:
    assume(not re.search(r"^ {4}", text, re.MULTILINE))  # that is an indented code block
    assert parse(text) == Markup(text)


# Markup characters, often, so that hypothesis builds nested and broken constructs.
_MARKDOWNISH = st.lists(
    st.one_of(
        st.sampled_from(list("*_~`[]()<>!\\#-> \n\t:/.@&;")),
        st.sampled_from(["http://a.example", "mailto:x@y.example", "```", "    ", "<b>", "**"]),
        st.characters(blacklist_categories=("Cs",)),
    ),
    max_size=150,
).map("".join)


@settings(max_examples=600, deadline=None)
@given(_MARKDOWNISH)
def test_never_raises_and_spans_stay_within_the_text(text: str) -> None:
    m = parse(text)
    assert isinstance(m.text, str)
    for span in m.spans:
        assert span.length > 0
        assert span.start >= 0 and span.start + span.length <= len(m.text)
        assert isinstance(span.style, Style)
        assert bool(span.url) == (span.style is Style.LINK)
        if span.url:
            assert span.url.lower().startswith(("http://", "https://", "mailto:"))


@pytest.mark.parametrize(
    "hostile",
    [
        "*[" * 500_000,
        "[" * 200_000 + "a",
        "[a](" * 100_000,
        "**_" * 200_000,
        "<" * 300_000,
        ">" * 300_000 + "a",
        "`" * 300_000,
        ("**a** " * 20 + "\n") * 20_000,
    ],
)
def test_huge_input_is_bounded(hostile: str) -> None:
    started = time.perf_counter()
    m = parse(hostile)
    assert time.perf_counter() - started < 3.0
    # Only the head is parsed; the rest is there as it was written.
    assert m.text.endswith(hostile[-(len(hostile) - MAX_PARSED) :])
    assert all(s.start + s.length <= MAX_PARSED for s in m.spans)


def test_the_rest_after_the_parsed_part_starts_on_its_own_line() -> None:
    head = "**a**\n" * (MAX_PARSED // 6)
    m = parse(head + "\n\n**tail**")
    assert m.text.endswith("a\n\n\n**tail**")


def test_a_bug_in_the_walk_shows_the_text_as_typed(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: object, tokens: object) -> None:
        raise ValueError("bug")

    monkeypatch.setattr(markup._Renderer, "render", broken)
    assert parse("**x**") == Markup("**x**")


def test_importing_the_module_does_not_import_the_parser() -> None:
    code = (
        "import sys, desktop_chat.protocol.markup as m; "
        "assert 'markdown_it' not in sys.modules; m.parse('plain'); "
        "assert 'markdown_it' not in sys.modules; m.parse('**x**'); "
        "assert 'markdown_it' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
