"""The reaction chips under a message: layout, hits, colours, and the tooltip's words.

Layout is checked on geometry (wrapping, order, the add chip, a long key
cut), painting on pixels (the user's own chip is filled with the accent),
and the tooltip in both languages, with a name that looks like markup
shown as typed.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QColor, QFont, QImage, QPainter, Qt, QTextDocument
from PySide6.QtWidgets import QApplication, QToolTip

from desktop_chat.ui.contrast import contrast_ratio
from desktop_chat.ui.emoji_font import color_emoji_family, emoji_font
from desktop_chat.ui.i18n import Translations
from desktop_chat.ui.reaction_chips import (
    GAP,
    chip_at,
    chip_colors,
    chips_height,
    layout_chips,
    paint_chips,
    reactors_sentence,
    reactors_text,
)
from desktop_chat.ui.theme import palette_for
from tests.helpers import unavailable

REACTIONS = {"👍": ["alice", "bob"], "❤️": ["carol"], "😂": ["dave", "erin", "frank"]}


@pytest.fixture
def font(qapp: Any) -> QFont:
    font = QFont(qapp.font())
    font.setPointSize(10)
    return font


def same(a: QColor, b: QColor) -> bool:
    """Equal to 8 bits and a rounding."""
    return all(abs(x - y) <= 1 for x, y in zip(a.getRgb(), b.getRgb(), strict=True))


@pytest.fixture
def language(qapp: Any) -> Iterator[Translations]:
    translations = Translations(qapp)
    yield translations
    translations.apply("en")
    qapp.processEvents()


def test_chips_follow_the_reactions_in_order_on_one_line_when_wide(font: QFont) -> None:
    chips = layout_chips(REACTIONS, ("❤️",), QRect(10, 20, 1000, 0), font)
    assert [(c.emoji, c.count, c.mine) for c in chips] == [
        ("👍", 2, False),
        ("❤️", 1, True),
        ("😂", 3, False),
    ]
    assert {c.rect.top() for c in chips} == {20}
    assert chips[0].rect.left() == 10
    for before, after in itertools.pairwise(chips):
        assert after.rect.left() == before.rect.right() + 1 + GAP
    assert chips_height(REACTIONS, 1000, font) == chips[0].rect.height()


def test_chips_wrap_onto_more_lines_when_narrow(font: QFont) -> None:
    wide = layout_chips(REACTIONS, (), QRect(0, 0, 1000, 0), font)
    narrow_width = wide[0].rect.width() + wide[1].rect.width() + GAP  # room for two
    narrow = layout_chips(REACTIONS, (), QRect(0, 0, narrow_width, 0), font)
    assert [c.rect.top() for c in narrow] == [0, 0, narrow[0].rect.height() + GAP]
    assert narrow[2].rect.left() == 0
    assert all(c.rect.right() < narrow_width for c in narrow)
    one_line = chips_height(REACTIONS, 1000, font)
    assert chips_height(REACTIONS, narrow_width, font) == 2 * one_line + GAP
    # Narrower than any chip: one per line, none dropped.
    assert chips_height(REACTIONS, 5, font) == 3 * one_line + 2 * GAP


def test_no_reactions_take_no_room_unless_the_add_chip_is_asked_for(font: QFont) -> None:
    assert layout_chips(None, (), QRect(0, 0, 300, 0), font) == []
    assert chips_height(None, 300, font) == 0
    assert chips_height({"👍": []}, 300, font) == 0  # everyone took theirs back
    [add] = layout_chips(None, (), QRect(0, 0, 300, 0), font, add=True)
    assert add.add and add.emoji == "" and not add.mine
    chips = layout_chips(REACTIONS, (), QRect(0, 0, 1000, 0), font, add=True)
    assert [c.add for c in chips] == [False, False, False, True]
    assert chips_height(None, 300, font, add=True) == add.rect.height()


def test_chip_at_finds_the_chip_under_a_point(font: QFont) -> None:
    chips = layout_chips(REACTIONS, ("😂",), QRect(5, 5, 1000, 0), font, add=True)
    for chip in chips:
        assert chip_at(chips, chip.rect.center()) is chip
    hit = chip_at(chips, chips[2].rect.center())
    assert hit is not None and hit.emoji == "😂" and hit.mine and hit.count == 3
    gap = QPoint(chips[0].rect.right() + 1 + GAP // 2, chips[0].rect.center().y())
    assert chip_at(chips, gap) is None
    assert chip_at(chips, QPoint(0, 0)) is None
    assert chip_at(chips, QPoint(chips[0].rect.left(), chips[0].rect.bottom() + 1)) is None


def test_a_long_key_from_a_server_makes_no_wide_chip(font: QFont) -> None:
    """Any string can come as a reaction; a long one is cut, not laid out whole."""
    [normal, long] = layout_chips({"👍": ["a"], "x" * 5000: ["b"]}, (), QRect(0, 0, 10**6, 0), font)
    assert long.emoji == "x" * 5000  # what a click reports is the key as sent
    assert long.rect.width() < 6 * normal.rect.width()


def test_own_reactions_are_painted_in_the_accent_colour(font: QFont) -> None:
    palette = palette_for(dark=False)
    colors = chip_colors(palette)
    image = QImage(400, 60, QImage.Format.Format_ARGB32)
    image.fill(palette.color(palette.ColorRole.Base))
    chips = layout_chips({"👍": ["a"], "🎉": ["b"]}, ("🎉",), QRect(4, 4, 392, 0), font)
    painter = QPainter(image)
    paint_chips(painter, chips, colors, font)
    painter.end()
    theirs, mine = chips

    def near_right_edge(chip: Any) -> QColor:  # inside the chip, past the count
        return image.pixelColor(chip.rect.right() - 3, chip.rect.center().y())

    assert same(near_right_edge(mine), colors.mine_fill)
    assert same(near_right_edge(theirs), colors.fill)
    assert colors.mine_fill != colors.fill
    # The border: accent for one's own.
    assert image.pixelColor(mine.rect.center().x(), mine.rect.top()).blue() > 150
    for dark in (False, True):
        colors = chip_colors(palette_for(dark=dark))
        assert contrast_ratio(colors.text, colors.fill) >= 4.5
        assert contrast_ratio(colors.mine_text, colors.mine_fill) >= 4.5


def test_emoji_are_drawn_in_colour(qapp: Any, font: QFont) -> None:
    """With a colour emoji font installed (CI installs fonts-noto-color-emoji),
    a chip's emoji has coloured pixels, not a grey glyph."""
    if color_emoji_family() is None:
        unavailable("no colour emoji font installed (.ci/run installs fonts-noto-color-emoji)")
    assert emoji_font(font).families()[0] == color_emoji_family()
    image = QImage(200, 40, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    chips = layout_chips({"❤️": ["a"]}, (), QRect(2, 2, 196, 0), font)
    painter = QPainter(image)
    paint_chips(painter, chips, chip_colors(palette_for(dark=False)), font)
    painter.end()
    rect = chips[0].rect
    reds = [
        image.pixelColor(x, y)
        for x in range(rect.left(), rect.left() + rect.width() // 2)
        for y in range(rect.top(), rect.bottom())
    ]
    assert any(c.red() > 180 and c.green() < 90 and c.blue() < 90 for c in reds)


@pytest.mark.parametrize(
    ("names", "english", "korean"),
    [
        (["alice"], "alice reacted with 👍", "alice 님이 👍로 반응했습니다"),
        (
            ["alice", "bob"],
            "alice and bob reacted with 👍",
            "alice 님과 bob 님이 👍로 반응했습니다",
        ),
        (
            ["alice", "bob", "carol"],
            "alice, bob and carol reacted with 👍",
            "alice 님, bob 님, carol 님이 👍로 반응했습니다",
        ),
        (
            ["alice", "bob", "carol", "dave", "erin"],
            "alice, bob and 3 others reacted with 👍",
            "alice 님, bob 님 외 3명이 👍로 반응했습니다",
        ),
    ],
)
def test_who_reacted_in_english_and_korean(
    language: Translations, names: list[str], english: str, korean: str
) -> None:
    assert language.apply("en")
    assert reactors_sentence("👍", names) == english
    assert language.apply("ko")
    assert reactors_sentence("👍", names) == korean
    assert reactors_sentence("👍", []) == ""


def test_a_name_is_put_in_as_it_came(language: Translations) -> None:
    """A name that looks like a placeholder is not filled again."""
    assert language.apply("en")
    assert reactors_sentence("%1", ["%2", "%3"]) == "%2 and %3 reacted with %1"


def test_a_name_that_looks_like_markup_shows_literally_in_the_tooltip(
    qapp: QApplication, qtbot: Any, language: Translations
) -> None:
    assert language.apply("en")
    names = ["<b>x</b>", "<img src=y>", "bob"]
    sentence = reactors_sentence("👍", names)
    assert sentence == "<b>x</b>, <img src=y> and bob reacted with 👍"
    # Shown as it is, Qt would take the sentence for markup: the danger.
    assert Qt.mightBeRichText(sentence)
    tip = reactors_text("👍", names)
    document = QTextDocument()
    document.setHtml(tip)
    assert document.toPlainText() == sentence
    # And in a real tooltip: its label renders the same characters.
    from PySide6.QtWidgets import QLabel, QWidget

    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    QToolTip.showText(widget.mapToGlobal(QPoint(1, 1)), tip, widget)
    labels = [w for w in qapp.topLevelWidgets() if w.objectName() == "qtooltip_label"]
    assert labels and isinstance(labels[0], QLabel)
    shown = QTextDocument()
    shown.setHtml(labels[0].text())
    assert shown.toPlainText() == sentence
    QToolTip.hideText()
