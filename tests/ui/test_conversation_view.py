"""The message list behind a proxy model: sizes, painting, links, the context menu,
double-click and paging all go through the view's own indexes.

The next features (a conversation per room, search) put proxies between the
model and the view; a delegate or window that read the model's row numbers
would show, size or open the wrong message. The proxies here show every
second message, so a row read through the wrong model is a different
message (and a much taller one).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import (
    QEvent,
    QIdentityProxyModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QPointF,
    QSortFilterProxyModel,
    Qt,
    QUrl,
    Slot,
)
from PySide6.QtGui import (
    QContextMenuEvent,
    QDesktopServices,
    QGuiApplication,
    QHelpEvent,
    QMouseEvent,
)
from PySide6.QtWidgets import QApplication, QMenu, QToolTip

from desktop_chat.protocol.messages import DeliveryState, Kind, Message
from desktop_chat.ui.conversation_view import ConversationView
from desktop_chat.ui.main_window import MainWindow
from desktop_chat.ui.message_delegate import GAP, MARGIN, PADDING
from desktop_chat.ui.message_model import MessageModel, Role

_Index = QModelIndex | QPersistentModelIndex
WAIT = 10_000
TALL = 6  # lines of every odd message; the even ones have one


def number_of(text: str) -> int:
    return int(text[1:].split(None, 1)[0])


def numbered(start: int, count: int) -> list[Message]:
    """Messages "#n ...": even ones one line with a link, odd ones TALL lines."""
    return [
        Message(
            text=f"#{n} see https://example.org/m{n}"
            if n % 2 == 0
            else f"#{n} " + "\n".join(["tall"] * TALL),
            kind=Kind.OTHER,
            sender="bob",
            id=f"m{n}",
        )
        for n in range(start, start + count)
    ]


class EverySecond(QSortFilterProxyModel):
    """Shows the even-numbered messages only (read from the display text)."""

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        text = self.sourceModel().index(source_row, 0, source_parent).data()
        return isinstance(text, str) and number_of(text) % 2 == 0


class Recorder(QIdentityProxyModel):
    """Passes everything through; remembers which messages were asked for as records."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: set[str] = set()

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        value = super().data(index, role)
        if role == Role.MESSAGE and isinstance(value, Message):
            self.asked.add(value.id)
        return value


class Opened(QObject):
    """The desktop's URL handler for http and https, so that no browser starts."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url.toString(QUrl.ComponentFormattingOption.FullyEncoded))


@pytest.fixture
def opened(qapp: Any) -> Iterator[Opened]:
    handler = Opened()
    for scheme in ("http", "https"):
        QDesktopServices.setUrlHandler(scheme, handler, "open")
    yield handler
    for scheme in ("http", "https"):
        QDesktopServices.unsetUrlHandler(scheme)


def settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def message_of(index: _Index) -> Message:
    message = index.data(Role.MESSAGE)
    assert isinstance(message, Message)
    return message


def visible_rows(view: ConversationView) -> list[int]:
    area = view.viewport().rect()
    shown = view.model()
    return [
        r for r in range(shown.rowCount()) if area.intersects(view.visualRect(shown.index(r, 0)))
    ]


def link_point(view: ConversationView, index: _Index) -> QPoint:
    """A point where the row's link is drawn, found as a pointer would (no coordinates assumed)."""
    rect = view.visualRect(index)
    for y in range(rect.top(), rect.bottom(), 2):
        for x in range(rect.left(), rect.right(), 2):
            if view.delegate.link_at(index, QPoint(x, y)) is not None:
                return QPoint(x, y)
    raise AssertionError(f"no link drawn in row {index.row()}")


# A popup menu grabs the keyboard; the offscreen platform (tests) cannot.
@pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard")
def test_delegate_menu_and_double_click_read_the_right_message_through_a_proxy(
    qtbot: Any, qtmodeltester: Any, opened: Opened
) -> None:
    model = MessageModel()
    window = MainWindow(model)
    qtbot.addWidget(window)
    recorder, proxy = Recorder(), EverySecond()
    recorder.setSourceModel(model)
    proxy.setSourceModel(recorder)
    view = window.message_list
    view.setModel(proxy)
    window.show()
    qtbot.waitExposed(window)

    messages = numbered(0, 40)
    failed = Message(text="#10 did not go", kind=Kind.OWN, id="m10")
    failed.state, failed.error = DeliveryState.FAILED, "too long"
    messages[10] = failed
    model.append(messages)
    qtmodeltester.check(model)
    assert proxy.rowCount() == 20
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum(), timeout=WAIT)
    view.viewport().grab()  # painted, as a user sees it

    # Sizes and painting: the delegate asked for the shown (even) messages
    # only, the ones on screen among them, and sized each as one line.
    asked = set(recorder.asked)
    shown = visible_rows(view)
    assert shown and {f"m{2 * r}" for r in shown} <= asked
    assert all(int(i[1:]) % 2 == 0 for i in asked), sorted(asked)
    delegate = view.delegate
    line = delegate._body_metrics.lineSpacing()
    two_lines = delegate._header_height + GAP + 2 * line + 2 * PADDING + MARGIN
    heights = [view.visualRect(proxy.index(r, 0)).height() for r in range(proxy.rowCount())]
    # (The first row carries the day's band above it.)
    assert all(0 < h < two_lines for h in heights[1:]), heights  # an odd one is TALL lines
    for row in range(proxy.rowCount()):
        assert message_of(proxy.index(row, 0)).id == f"m{2 * row}"

    # Links: the one under the pointer is the proxy row's message's own.
    row = shown[-1]
    index = proxy.index(row, 0)
    target = f"https://example.org/m{2 * row}"
    pos = link_point(view, index)
    link = delegate.link_at(index, pos)
    assert link is not None and link.target == target
    viewport = view.viewport()
    none = Qt.MouseButton.NoButton
    move = QMouseEvent(
        QEvent.Type.MouseMove,
        QPointF(pos),
        QPointF(viewport.mapToGlobal(pos)),
        none,
        none,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(viewport, move)
    qtbot.waitUntil(lambda: viewport.cursor().shape() == Qt.CursorShape.PointingHandCursor)
    QToolTip.hideText()
    QApplication.sendEvent(
        viewport, QHelpEvent(QEvent.Type.ToolTip, pos, viewport.mapToGlobal(pos))
    )
    assert QToolTip.isVisible() and QToolTip.text().startswith(target + "\n")
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.waitUntil(lambda: opened.urls == [target], timeout=WAIT)

    # The context menu of a right click there offers that message's link and text.
    menus_before = set(view.findChildren(QMenu))
    menu_event = QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, pos, viewport.mapToGlobal(pos), Qt.KeyboardModifier(0)
    )
    QApplication.sendEvent(viewport, menu_event)
    qtbot.waitUntil(lambda: bool(set(view.findChildren(QMenu)) - menus_before), timeout=WAIT)
    (menu,) = set(view.findChildren(QMenu)) - menus_before
    assert menu.objectName() == "messageMenu"
    actions = {a.text(): a for a in menu.actions() if a.text()}
    assert f"Open {target}" in actions
    actions["Copy text"].trigger()
    assert QGuiApplication.clipboard().text() == f"#{2 * row} see {target}"
    menu.close()

    # A double-click on the failed message (proxy row 5) offers that one for sending again.
    failed_index = proxy.index(5, 0)
    view.scrollTo(failed_index)
    settle()
    center = view.visualRect(failed_index).center()
    with qtbot.waitSignal(window.retry_requested, timeout=WAIT) as retried:
        # What a double-click delivers: a click, then the double-click event
        # (QTest's mouseDClick sends only the latter, which a view ignores).
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=center)
        qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=center)
    assert retried.args == [failed.id]
    assert opened.urls == [target]  # nothing else opened on the way


def test_the_view_follows_and_pages_the_conversation_through_a_proxy(qtbot: Any) -> None:
    model = MessageModel(window=60, page=60, max_rows=200)
    view = ConversationView(model)
    assert view.conversation is model
    proxy = EverySecond()
    proxy.setSourceModel(model)
    view.setModel(proxy)
    qtbot.addWidget(view)
    view.resize(400, 300)
    view.show()
    qtbot.waitExposed(view)
    bar = view.verticalScrollBar()

    for start in range(0, 1000, 100):
        model.append(numbered(start, 100))
        settle()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum(), timeout=WAIT)
    assert view.following
    assert (model.rowCount(), proxy.rowCount()) == (60, 30)  # trimmed after each batch
    assert message_of(proxy.index(29, 0)).id == "m998"

    # Up to the top: older messages page in, and the message that was at the
    # top stays at the top of the viewport.
    top = message_of(proxy.index(0, 0)).id
    bar.setValue(bar.minimum())
    settle()
    assert not view.following
    assert (model.rowCount(), proxy.rowCount()) == (120, 60)
    row = next(r for r in range(proxy.rowCount()) if message_of(proxy.index(r, 0)).id == top)
    qtbot.waitUntil(lambda: abs(view.visualRect(proxy.index(row, 0)).top()) <= 8, timeout=WAIT)

    # Reading back, new messages neither trim the window nor move the view.
    value = bar.value()
    model.append(numbered(1000, 10))
    settle()
    assert model.rowCount() == 130 and bar.value() == value

    # Sending goes back to the newest; from the next batch on, the window is trimmed again.
    view.follow_newest()
    model.append(numbered(1010, 2))
    settle()
    qtbot.waitUntil(lambda: bar.value() == bar.maximum(), timeout=WAIT)
    assert view.following and model.rowCount() == 60
    assert message_of(proxy.index(proxy.rowCount() - 1, 0)).id == "m1010"


def test_a_batch_beyond_max_rows_while_following_reports_every_row(
    qtbot: Any, qtmodeltester: Any
) -> None:
    """The model shows a batch up to max_rows; the following view's trim inserts the
    rest before dropping what scrolled out, so whoever watches rowsInserted sees all."""
    model = MessageModel(window=10, page=20, max_rows=50)
    view = ConversationView(model)
    qtbot.addWidget(view)
    inserted: list[str] = []
    model.rowsInserted.connect(
        lambda _parent, first, last: inserted.extend(
            model.message_at(r).id for r in range(first, last + 1)
        )
    )
    model.append(numbered(0, 5))
    model.append(numbered(5, 200))
    assert inserted == [f"m{n}" for n in range(205)]
    shown = [model.message_at(r).id for r in range(model.rowCount())]
    assert shown == [f"m{n}" for n in range(195, 205)]
    assert view.following and not model.has_newer()
    qtmodeltester.check(model)


def test_the_new_messages_band_is_painted_above_the_line_it_moves_to(qtbot: Any) -> None:
    """The band and the headers are drawn from each row's lead, kept per
    message between layouts: when the New messages line moves, the painted
    rows must show it above its new line and no longer above the old one."""
    model = MessageModel()
    model.append(
        [Message(text=f"line {n}", kind=Kind.OTHER, sender="bob", id=f"g{n}") for n in range(8)]
    )
    view = ConversationView(model)
    view.resize(700, 600)
    view.show()
    qtbot.waitExposed(view)
    ink = view.delegate._colors_of(view.palette()).failed.name()
    band = view.delegate._header_height + GAP * 2

    def band_painted(row: int) -> bool:
        """The band's line, in the New messages colour, across the row's top."""
        image = view.viewport().grab().toImage()
        ratio = image.devicePixelRatio()
        rect = view.visualRect(model.index(row))
        x = int((rect.left() + MARGIN + 4) * ratio)
        return any(
            image.pixelColor(x, int(y * ratio)).name() == ink
            for y in range(rect.top(), rect.top() + band)
        )

    settle()
    assert not any(band_painted(r) for r in range(8))  # grouped: no band, one header
    model.divider_id = "g3"
    qtbot.waitUntil(lambda: band_painted(3), timeout=WAIT)
    assert not band_painted(4)
    model.divider_id = "g5"
    qtbot.waitUntil(lambda: band_painted(5), timeout=WAIT)
    assert not band_painted(3)
