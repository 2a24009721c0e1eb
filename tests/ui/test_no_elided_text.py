"""No widget's text is cut at the window's default size, in English and in
Korean (#25 "Done when"): every visible label, button, check box and tab of
the window and of Settings shows its whole text (what a user reads)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QLabel,
    QPushButton,
    QStyle,
    QTabBar,
    QToolButton,
    QWidget,
)

from desktop_chat.app.session import ChatSession, Options
from desktop_chat.app.settings import Settings
from desktop_chat.server.chat_server import ChatServer
from desktop_chat.ui.status_label import StatusLabel
from tests.helpers import FAST_BACKOFF
from tests.ui.conftest import server_url, wait_connected


@pytest.fixture(params=["en", "ko"])
def desktop(
    request: pytest.FixtureRequest, arun: Any, qapp: QApplication, chat_server: ChatServer
) -> Iterator[Any]:
    from desktop_chat.app.desktop import Desktop

    session = ChatSession(
        Options(url=server_url(chat_server), name="ann", remember=False),
        Settings(),
        backoff=FAST_BACKOFF,
    )
    desk = Desktop(session, qapp, request.param)
    arun(session.start())
    yield desk
    desk.translations.apply("en")
    qapp.processEvents()
    arun(desk.close())
    arun(session.close())


def needed(button: QAbstractButton) -> int:
    """The width a button's text needs: the text, the style's margins, its
    check box indicator or menu arrow."""
    style = button.style()
    text = button.fontMetrics().horizontalAdvance(
        button.text().replace("&&", "\0").replace("&", "")
    )
    if not button.icon().isNull():
        text += button.iconSize().width() + 4
    if isinstance(button, QCheckBox):
        return (
            text
            + style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth)
            + style.pixelMetric(QStyle.PixelMetric.PM_CheckBoxLabelSpacing)
        )
    if isinstance(button, QPushButton):
        extra = 8 if button.menu() is not None else 0
        return text + 2 * style.pixelMetric(QStyle.PixelMetric.PM_ButtonMargin) + extra
    return text + 6  # a tool button's frame


def cut(top: QWidget) -> list[str]:
    """The widgets under `top` whose text does not fit, described."""
    found = []
    for widget in [top, *top.findChildren(QWidget)]:
        if not widget.isVisibleTo(top) or widget.width() <= 0:
            continue
        name = f"{type(widget).__name__} {widget.objectName() or '?'}"
        if isinstance(widget, StatusLabel):
            if widget.text() != widget.summary():
                found.append(f"{name}: {widget.text()!r} of {widget.summary()!r}")
        elif isinstance(widget, QLabel):
            text = widget.text()
            if not text or (widget.pixmap() is not None and not widget.pixmap().isNull()):
                continue
            room = widget.contentsRect().width() - 2 * widget.margin() - 2 * widget.indent()
            if widget.wordWrap():
                if widget.heightForWidth(widget.width()) > widget.height() + 1:
                    found.append(f"{name}: {text!r} wraps below its height")
            elif widget.fontMetrics().horizontalAdvance(text.replace("&", "")) > room + 1:
                found.append(f"{name}: {text!r} wider than {room}")
        elif isinstance(widget, QPushButton | QToolButton | QCheckBox):
            button: QAbstractButton = widget
            if not button.text():
                continue
            if button.objectName() == "accountButton":  # cut on purpose, with "…"
                if "…" in button.text():
                    found.append(f"{name}: {button.text()!r} cut")
                continue
            if needed(button) > button.width():
                found.append(f"{name}: {button.text()!r} {button.width()} < {needed(button)}")
        elif isinstance(widget, QTabBar):
            for i in range(widget.count()):
                if widget.tabRect(i).width() < widget.tabSizeHint(i).width():
                    found.append(f"{name}: tab {widget.tabText(i)!r}")
    return found


def test_no_text_is_cut_at_the_default_size(desktop: Any, qtbot: Any, qapp: QApplication) -> None:
    session: ChatSession = desktop.session
    wait_connected(qtbot, session)
    window = session.window
    window.show()
    qtbot.waitExposed(window)
    assert window.size().toTuple() == (760, 640)  # the default
    settled(qtbot, window)
    window.server_button.setChecked(True)  # the server row, opened
    settled(qtbot, window)
    desktop.open_settings()
    dialog = desktop.settings_dialog
    qtbot.waitExposed(dialog)
    settled(qtbot, dialog)


def settled(qtbot: Any, top: QWidget) -> None:
    """Nothing cut once the layouts have run (a text just set waits for its
    layout's turn): the findings of the last look if that does not come."""
    try:
        qtbot.waitUntil(lambda: cut(top) == [], timeout=2000)
    except Exception:
        assert cut(top) == []
        raise
