"""Every kind of notice the client reports, and every way a server address can
be wrong, is worded in English and in Korean.

The kinds are found, not listed: a notice kind added to client/notices.py
without words in ui/notice_text.py, or without a Korean translation in the
.qm the app ships, fails here.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator

from desktop_chat.client.notices import (
    Disconnected,
    HistoryTrimmed,
    JoinRefused,
    Notice,
    PacketTooBig,
    notice_kinds,
)
from desktop_chat.protocol.urls import InvalidServerUrl, UrlProblem, parse_server_url
from desktop_chat.ui.i18n import i18n_dir
from desktop_chat.ui.notice_text import notice_text, url_problem_text

HANGUL = re.compile("[\uac00-\ud7a3]")

# Sample values per field type; each combination of them is worded (a kind may
# say something else for "" than for a room, or for True than for False).
SAMPLES: dict[str, tuple[object, ...]] = {
    "str": ("", "garden"),
    "int": (1_500_000,),
    "bool": (False, True),
}


def samples(kind: type[Notice]) -> list[Notice]:
    fields = dataclasses.fields(kind)  # type: ignore[arg-type]
    choices = [SAMPLES[str(field.type)] for field in fields]
    return [
        kind(**{f.name: value for f, value in zip(fields, values, strict=True)})
        for values in itertools.product(*choices)
    ]


@pytest.fixture
def korean(qapp: Any) -> Iterator[QTranslator]:
    """The Korean .qm the app ships, installed (tests/desktop/test_translations.py)."""
    translator = QTranslator()
    assert translator.load("desktop_chat_ko", str(i18n_dir()))
    yield translator
    QCoreApplication.removeTranslator(translator)


def test_the_kinds_are_found() -> None:
    kinds = notice_kinds()
    assert {Disconnected, JoinRefused, PacketTooBig, HistoryTrimmed} <= set(kinds)
    assert all(dataclasses.is_dataclass(kind) for kind in kinds)


@pytest.mark.parametrize("kind", notice_kinds(), ids=lambda kind: kind.__name__)
def test_each_kind_is_worded_in_english_and_in_korean(kind: type[Notice], korean: Any) -> None:
    for notice in samples(kind):
        english = notice_text(notice)
        assert english.strip() and not HANGUL.search(english), notice
        QCoreApplication.installTranslator(korean)
        try:
            text = notice_text(notice)
        finally:
            QCoreApplication.removeTranslator(korean)
        assert text != english, f"{notice!r} has no Korean translation"
        assert HANGUL.search(text), f"{notice!r} is not Korean: {text!r}"
        for field in dataclasses.fields(notice):  # type: ignore[arg-type]
            value = getattr(notice, field.name)
            if isinstance(value, str) and value and not field.metadata.get("placement"):
                assert value in text and value in english, (notice, text)


@pytest.mark.parametrize("problem", list(UrlProblem), ids=lambda problem: problem.name)
def test_each_address_problem_is_worded_in_english_and_in_korean(
    problem: UrlProblem, korean: Any
) -> None:
    error = InvalidServerUrl("(the command line's words)", problem, "ftp://x", "ftp")
    english = url_problem_text(error)
    assert english.strip() and not HANGUL.search(english)
    QCoreApplication.installTranslator(korean)
    try:
        text = url_problem_text(error)
    finally:
        QCoreApplication.removeTranslator(korean)
    assert text != english and HANGUL.search(text), f"{problem} has no Korean translation"


def test_the_window_says_what_the_command_line_says_in_english() -> None:
    for typed in (
        "",
        "http://a b",
        "ftp://example.com",
        "http://",
        "http://u:p@example.com",
        "http://example.com/chat",
        "http://example.com:0",
        "http://example.com:99999",
    ):
        with pytest.raises(InvalidServerUrl) as caught:
            parse_server_url(typed)
        assert url_problem_text(caught.value) == str(caught.value)


def test_a_server_s_reason_is_quoted_as_it_came() -> None:
    """A stranger's text that looks like a placeholder is put in as it is."""
    text = notice_text(JoinRefused("%2", "names are at most %1 characters"))
    assert text == "Could not join %2: “names are at most %1 characters”"
    assert notice_text(PacketTooBig(1_500_000, 1_000_000)).startswith(
        "The message is 1,500,000 bytes as sent"
    )


def test_a_kind_without_words_fails() -> None:
    @dataclasses.dataclass(frozen=True)
    class Unworded(Notice):
        what: str

    with pytest.raises(TypeError, match="no words"):
        notice_text(Unworded("x"))
