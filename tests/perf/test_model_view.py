"""The windowed model, the archive behind it, the delegate's lazy heights, and
the view paging at both ends: behaviour that keeps a flood and a million
messages cheap, checked by outcome (no clock)."""

from __future__ import annotations

import math
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, QPoint, QRect, Qt
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QApplication

from desktop_chat.client.chat_client import ChatClient
from desktop_chat.protocol.messages import (
    Change,
    ChangeType,
    DeliveryState,
    DeliveryUpdate,
    Kind,
    Message,
    own_message,
    system_message,
)
from desktop_chat.ui import message_model
from desktop_chat.ui.bridge import BUSY_BATCH, ClientBridge
from desktop_chat.ui.main_window import MainWindow
from desktop_chat.ui.message_body import has_long_words
from desktop_chat.ui.message_delegate import MessageDelegate, text_flags
from desktop_chat.ui.message_model import CHUNK, MessageModel, Role

WAIT = 10_000


def others(start: int, count: int, text: str = "message {}") -> list[Message]:
    return [
        Message(text=text.format(i), kind=Kind.OTHER, sender="bob", room="r", ts=1000.0 + i)
        for i in range(start, start + count)
    ]


def shown_texts(model: MessageModel) -> list[str]:
    return [model.message_at(row).text for row in range(model.rowCount())]


def append_following(model: MessageModel, messages: list[Message]) -> None:
    """Append as the model does under a view that follows the newest (ConversationView)."""
    model.append(messages)
    model.trim_to_newest()


# ---- the model --------------------------------------------------------------


def test_following_keeps_the_newest_window_and_reports_every_row(qtmodeltester: Any) -> None:
    model = MessageModel(window=10)
    qtmodeltester.check(model)
    inserted: list[str] = []
    model.rowsInserted.connect(
        lambda _p, first, last: inserted.extend(
            model.message_at(r).text for r in range(first, last + 1)
        )
    )
    for batch in range(20):
        append_following(model, others(batch * 7, 7))
    assert model.rowCount() == 10
    assert shown_texts(model) == [f"message {i}" for i in range(130, 140)]
    assert model.message_count() == 140
    assert [m.text for m in model.messages()] == [f"message {i}" for i in range(140)]
    assert inserted == [f"message {i}" for i in range(140)]  # nobody watching misses one
    assert model.has_older() and not model.has_newer()
    qtmodeltester.check(model)


def test_a_batch_larger_than_the_window(qtmodeltester: Any) -> None:
    model = MessageModel(window=10)
    append_following(model, others(0, 3))
    append_following(model, others(3, 500))
    assert shown_texts(model) == [f"message {i}" for i in range(493, 503)]
    qtmodeltester.check(model)


def test_paging_keeps_the_window_bounded_at_both_ends(qtmodeltester: Any) -> None:
    model = MessageModel(window=10, page=25, max_rows=60)
    append_following(model, others(0, 1000))
    while model.has_older():
        model.load_older()
        assert model.rowCount() <= 60
    assert model.message_at(0).text == "message 0"
    assert model.has_newer()
    qtmodeltester.check(model)
    while model.has_newer():
        model.load_newer()
        assert model.rowCount() <= 60
    assert model.message_at(model.rowCount() - 1).text == "message 999"
    qtmodeltester.check(model)


def test_while_reading_back_the_window_grows_to_its_bound_then_waits() -> None:
    model = MessageModel(window=10, page=20, max_rows=50)
    append_following(model, others(0, 100))
    model.load_older()  # the reader scrolled up: no more trimming
    model.append(others(100, 5))
    assert model.rowCount() == 35  # the newest were appended below the reader
    model.append(others(105, 100))
    assert model.rowCount() == 50
    assert model.has_newer()
    model.jump_to_newest()  # back at the newest: the window jumps there
    assert shown_texts(model) == [f"message {i}" for i in range(195, 205)]
    assert not model.has_newer()


def test_the_archive_keeps_every_field_and_own_messages_live(qtmodeltester: Any) -> None:
    model = MessageModel(window=10, hot=10)
    odd = "lone surrogate \ud800, emoji \U0001f600, ctrl \x00"
    sample = [
        Message(text=odd, kind=Kind.OTHER, room="garden", sender="bob", ts=1.5, id="x1"),
        system_message("joined"),
    ]
    mine = own_message("mine", "garden", "me")
    append_following(model, [*sample, mine])
    append_following(model, others(0, 3 * CHUNK))
    assert model.message_count() == 3 + 3 * CHUNK
    assert model._archive and len(model._recent) < 10 + CHUNK  # archived, not kept as objects
    first = model.messages()[:3]
    assert first[0] == sample[0]
    assert first[1].kind is Kind.SYSTEM and first[1].text == "joined"
    assert first[2] == mine
    # A delivery update to an archived own message shows when paged back in.
    model.update_state(DeliveryUpdate(mine.id, DeliveryState.DELIVERED))
    while model.has_older():
        model.load_older()
    assert model.message_at(2).state is DeliveryState.DELIVERED
    assert model.data(model.index(2), Role.STATE) == "delivered"
    assert model.data(model.index(0), Role.MESSAGE) == sample[0]
    qtmodeltester.check(model)


def test_a_delivery_update_outside_the_window_changes_no_row(qtbot: Any) -> None:
    model = MessageModel(window=5)
    mine = own_message("early", "", "me")
    append_following(model, [mine, *others(0, 50)])
    changed: list[Any] = []
    model.dataChanged.connect(lambda *args: changed.append(args))
    model.update_state(DeliveryUpdate(mine.id, DeliveryState.SENT))
    assert changed == []
    late = own_message("late", "", "me")
    append_following(model, [late])
    with qtbot.waitSignal(model.dataChanged) as blocker:
        model.update_state(DeliveryUpdate(late.id, DeliveryState.DELIVERED))
    assert blocker.args[0].row() == model.rowCount() - 1


# ---- the window ---------------------------------------------------------------


@pytest.fixture
def window(qtbot: Any) -> MainWindow:
    model = MessageModel()
    win = MainWindow(model)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def test_a_flood_keeps_the_view_at_the_newest_with_a_bounded_window(
    window: MainWindow, qtbot: Any
) -> None:
    model = window.model
    bar = window.message_list.verticalScrollBar()
    for batch in range(50):
        model.append(others(batch * 300, 300, "a flood line {} " + "x" * 80))
        settle()
    qtbot.waitUntil(lambda: bar.value() == bar.maximum() and bar.maximum() > 0, timeout=WAIT)
    assert window.message_list.following
    assert model.rowCount() == message_model.WINDOW
    assert model.message_count() == 15_000
    last = model.index(model.rowCount() - 1)
    viewport = window.message_list.viewport().rect()
    assert viewport.intersects(window.message_list.visualRect(last))


def test_scrolling_to_the_top_pages_older_in_and_keeps_the_row_in_place(
    window: MainWindow, qtbot: Any
) -> None:
    model = window.model
    view = window.message_list
    bar = view.verticalScrollBar()
    model.append(others(0, 3000))
    settle()
    seen_tops: list[str] = []
    for _ in range(5):
        top = model.message_at(0).text
        bar.setValue(bar.minimum())
        settle()
        # The row that was at the top is still at the top of the viewport...
        row = next(r for r in range(model.rowCount()) if model.message_at(r).text == top)
        qtbot.waitUntil(lambda row=row: abs(view.visualRect(model.index(row)).top()) <= 8)
        # ...and the scroll bar left the top, so scrolling up again pages again.
        assert bar.value() > bar.minimum()
        seen_tops.append(model.message_at(0).text)
        assert not view.following
    assert len(set(seen_tops)) == 5
    assert model.rowCount() <= model.max_rows
    # Down again: at the bottom of the window newer messages page in, until
    # the newest, where the view follows again.
    for _ in range(100):
        if not model.has_newer() and view.following:
            break
        bar.setValue(bar.maximum())
        settle()
    assert not model.has_newer() and view.following
    model.append(others(3000, 1))
    settle()
    qtbot.waitUntil(lambda: bar.value() == bar.maximum(), timeout=WAIT)
    assert model.message_at(model.rowCount() - 1).text == "message 3000"


def test_sending_while_reading_back_jumps_to_the_newest(window: MainWindow, qtbot: Any) -> None:
    model = window.model
    bar = window.message_list.verticalScrollBar()
    model.append(others(0, 2000))
    settle()
    for _ in range(3):
        bar.setValue(bar.minimum())
        settle()
    assert model.has_newer()
    sent: list[str] = []
    window.send_requested.connect(lambda text, _room: sent.append(text))
    window.message_input.setPlainText("back to now")
    window.send_button.click()
    settle()
    assert sent == ["back to now"]
    assert window.message_list.following and not model.has_newer()
    qtbot.waitUntil(lambda: bar.value() == bar.maximum(), timeout=WAIT)


def test_estimated_heights_become_exact_once_rows_are_seen(window: MainWindow, qtbot: Any) -> None:
    """Rows off screen while following get a height from their length; the
    ones the user scrolls to are measured and laid out again."""
    model = window.model
    view = window.message_list
    delegate = view.itemDelegate()
    assert isinstance(delegate, MessageDelegate)
    texts = [
        "x" * 300,  # no spaces: wraps anywhere (its estimate is a line short)
        "short",
        "a long line that wraps " * 12,
        "several\nlines\nof\ntext",
    ]
    # Two senders in turn: every row has its header (none grouped under the one before).
    model.append(
        [
            Message(text=texts[i % 4], kind=Kind.OTHER, id=f"m{i}", sender=f"u{i % 2}")
            for i in range(400)
        ]
    )
    settle()
    assert len(delegate._estimates) > 0  # most rows were never on screen
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum() // 3)
    settle()

    def exact(row: int) -> bool:
        """Laid out at its measured height: the next row starts that far below.

        (visualRect() asks the delegate for the size again; the positions are
        the layout's.)"""
        message = model.message_at(row)
        metrics = delegate._body_metrics
        if has_long_words(message.text):  # laid out: breaks inside that word only
            height = math.ceil(delegate._layout_of(message).boundingRect().height())
        else:
            height = metrics.boundingRect(
                QRect(0, 0, delegate._width, 1_000_000), text_flags(message.text), message.text
            ).height()
        expected = delegate._header_height + height + 2 + 2 * 6 + 6
        top = view.visualRect(model.index(row)).top()
        return view.visualRect(model.index(row + 1)).top() - top == expected

    def visible_rows() -> list[int]:
        area = view.viewport().rect()
        return [
            r for r in range(model.rowCount()) if area.intersects(view.visualRect(model.index(r)))
        ]

    qtbot.waitUntil(lambda: bool(visible_rows()) and all(map(exact, visible_rows())), timeout=WAIT)


# ---- the bridge -------------------------------------------------------------


def test_a_burst_reaches_the_model_as_one_batch(loop: Any, qtbot: Any) -> None:
    client = ChatClient("me")
    bridge = ClientBridge(client)
    batches: list[int] = []
    bridge.messages_added.connect(lambda batch: batches.append(len(batch)))
    try:
        for message in others(0, 5 * BUSY_BATCH):
            client.on_message(message)
        qtbot.waitUntil(lambda: sum(batches) == 5 * BUSY_BATCH, timeout=WAIT)
        assert batches == [5 * BUSY_BATCH]
        client.on_message(others(0, 1)[0])
        qtbot.waitUntil(lambda: sum(batches) == 5 * BUSY_BATCH + 1, timeout=WAIT)
        assert batches[-1] == 1
    finally:
        bridge.detach()
        client.outbox.close()


def test_own_words_reach_the_model_on_the_same_turn(loop: Any, qtbot: Any) -> None:
    client = ChatClient("me")
    bridge = ClientBridge(client)
    model = MessageModel()
    bridge.messages_added.connect(model.append)
    try:
        bridge.send("hello", "")
        qtbot.waitUntil(lambda: model.message_count() == 1, timeout=WAIT)
        assert model.message_at(0).kind is Kind.OWN
    finally:
        bridge.detach()
        client.outbox.close()


# ---- the kept leads (what is above each line) -----------------------------------


def _height(window: MainWindow, text: str) -> int:
    model = window.model
    row = next(r for r in range(model.rowCount()) if model.message_at(r).text == text)
    return window.message_list.visualRect(model.index(row)).height()


def _rows_asked_while_following(window: MainWindow, qtbot: Any, role: Role) -> list[int]:
    """The rows whose `role` went through Qt's data() while a full window
    followed five messages that came, each shown before the next."""
    model = window.model
    model.append(others(0, message_model.WINDOW))
    settle()
    asked: list[int] = []
    wanted = int(role)
    data = MessageModel.data

    def counting(self: MessageModel, index: Any, role: int = 0) -> object:
        if role == wanted:
            asked.append(index.row())
        return data(self, index, role)

    model.data = counting.__get__(model)  # type: ignore[method-assign]
    for i in range(5):
        model.append(others(i, 1, "news {}"))
        model.trim_to_newest()
        qtbot.waitUntil(lambda i=i: _height(window, f"news {i}") > 0, timeout=WAIT)
    return asked


def test_a_message_that_comes_works_out_only_its_own_lead(window: MainWindow, qtbot: Any) -> None:
    """While following, each message that comes lays out the shown rows again:
    what is above each of the other rows (a band, a header or none) is kept,
    not worked out again from the line before (most of a layout's cost)."""
    model = window.model
    asked = _rows_asked_while_following(window, qtbot, Role.LEAD)
    assert model.rowCount() == message_model.WINDOW
    assert 0 < len(asked) <= 10, asked  # the new row's, not the hundred others'


def test_a_kept_lead_follows_what_changes_it(window: MainWindow, qtbot: Any) -> None:
    """A line grouped under the one before (no header of its own) gets its
    header back when the one before fails, and a band when the "New messages"
    line moves above it: the kept lead is let go each time."""
    model = window.model
    first, second = own_message("first", "r", "me"), own_message("second", "r", "me")
    model.append([first, second])
    settle()
    header = window.delegate._header_height
    qtbot.waitUntil(lambda: _height(window, "second") > 0, timeout=WAIT)
    grouped = _height(window, "second")
    assert model.index(1).data(Role.GROUPED) is True
    model.update_state(DeliveryUpdate(first.id, DeliveryState.FAILED, "no"))
    qtbot.waitUntil(lambda: _height(window, "second") >= grouped + header, timeout=WAIT)
    alone = _height(window, "second")
    model.divider_id = second.id
    qtbot.waitUntil(lambda: _height(window, "second") >= alone + header, timeout=WAIT)


def test_the_rows_shown_are_read_without_a_round_trip_through_qt(
    window: MainWindow, qtbot: Any
) -> None:
    """Each message that comes while following lays out every shown row: the
    delegate reads a conversation's records straight from it (a call through
    Qt's data() for each was a third of a layout), and the rows it draws are
    still the conversation's, newest last."""
    model = window.model
    asked = _rows_asked_while_following(window, qtbot, Role.MESSAGE)
    assert asked == []
    last = model.index(model.rowCount() - 1)
    assert (
        window.message_list.visualRect(last).bottom()
        > window.message_list.visualRect(model.index(0)).bottom()
    )
    assert window.delegate.painted_lines(model.message_at(model.rowCount() - 1)) == ["news 4"]


# ---- the view's own layout (AppendingListView) -----------------------------------


def _shown(window: MainWindow) -> QImage:
    """The message list as it is on screen now: the window's backing store (what
    was painted and scrolled so far), not a fresh paint."""
    viewport = window.message_list.viewport()
    screen = QGuiApplication.primaryScreen()
    whole = screen.grabWindow(window.winId()).toImage()
    at = viewport.mapTo(window, QPoint(0, 0))
    return whole.copy(at.x(), at.y(), viewport.width(), viewport.height())


def _painted_anew(window: MainWindow) -> QImage:
    viewport = window.message_list.viewport()
    return viewport.grab().toImage().convertToFormat(_shown(window).format())


def _chat(start: int, count: int) -> list[Message]:
    """Lines of different heights from two senders in turn (some grouped)."""
    return [
        Message(
            text=("words " * (1 + 9 * (i % 5))) + str(i),
            kind=Kind.OTHER,
            id=f"c{i}",
            sender=f"u{(i // 3) % 2}",
            room="r",
            ts=1000.0 + 30 * i,
        )
        for i in range(start, start + count)
    ]


def test_a_message_that_comes_while_following_lays_out_and_paints_only_its_row(
    window: MainWindow, qtbot: Any
) -> None:
    """QListView laid out every shown row for each message that came (114 size
    hints and 264 row counts into Python, 13 rows painted, with 100 rows held);
    the view now measures the new row, scrolls what is drawn and paints what
    came into view, and still follows."""
    model, view = window.model, window.message_list
    window.resize(900, 700)
    model.append(_chat(0, 300))
    settle()
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.value() == bar.maximum() > 0, timeout=WAIT)
    delegate = view.delegate
    counts = {"rows": 0, "sizes": 0, "painted": 0}
    row_count, size_hint, paint = (
        MessageModel.rowCount,
        MessageDelegate.sizeHint,
        MessageDelegate.paint,
    )

    def rows(self: MessageModel, parent: Any = QModelIndex()) -> int:  # noqa: B008
        counts["rows"] += 1
        return row_count(self, parent)

    def sizes(self: MessageDelegate, option: Any, index: Any) -> Any:
        counts["sizes"] += 1
        return size_hint(self, option, index)

    def painted(self: MessageDelegate, painter: Any, option: Any, index: Any) -> None:
        counts["painted"] += 1
        paint(self, painter, option, index)

    model.rowCount = rows.__get__(model)  # type: ignore[method-assign]
    delegate.sizeHint = sizes.__get__(delegate)  # type: ignore[method-assign]
    delegate.paint = painted.__get__(delegate)  # type: ignore[method-assign]
    came = 10
    for i in range(came):
        model.append(_chat(300 + i, 1))
        last = model.index(model.rowCount() - 1)
        qtbot.waitUntil(
            lambda last=last: view.viewport().rect().contains(view.visualRect(last)),
            timeout=WAIT,
        )
        settle()
    assert model.rowCount() == message_model.WINDOW and view.following
    assert bar.value() == bar.maximum()
    assert counts["sizes"] <= 2 * came, counts  # QListView: 114 a message
    assert counts["painted"] <= 2 * came, counts  # QListView: 13 a message
    assert counts["rows"] <= 40 * came, counts  # QListView: 264 a message
    assert _shown(window) == _painted_anew(window)


def test_what_is_drawn_as_lines_come_change_and_go_is_what_a_full_paint_draws(
    window: MainWindow, qtbot: Any
) -> None:
    """Only what changed is painted, the rest scrolled: after messages came
    while following, a line grew (a long edit) and one shrank, and messages
    came while the user read back (nothing they read moves), the list on
    screen is pixel for pixel what painting all of it draws."""
    model, view = window.model, window.message_list
    window.resize(900, 700)
    bar = view.verticalScrollBar()
    model.append(_chat(0, 150))
    settle()
    for i in range(25):  # following: the oldest row dropped for each
        model.append(_chat(150 + i, 1))
        settle()
    qtbot.waitUntil(lambda: bar.value() == bar.maximum() > 0, timeout=WAIT)
    assert _shown(window) == _painted_anew(window)

    last = model.message_at(model.rowCount() - 1)
    near = model.message_at(model.rowCount() - 3)
    before = view.visualRect(model.index(model.rowCount() - 3)).height()
    model.apply_change(Change(ChangeType.EDIT, near.id, text="grown " * 80))
    model.apply_change(Change(ChangeType.EDIT, last.id, text="short"))
    qtbot.waitUntil(
        lambda: view.visualRect(model.index(model.rowCount() - 3)).height() > before,
        timeout=WAIT,
    )
    settle()
    assert _shown(window) == _painted_anew(window)

    bar.setValue(bar.maximum() // 2)  # reading back
    settle()
    assert not view.following
    value, top = bar.value(), view.indexAt(QPoint(10, 10)).data(Role.MESSAGE)
    for i in range(5):
        model.append(_chat(175 + i, 1))
        settle()
    assert bar.value() == value and view.indexAt(QPoint(10, 10)).data(Role.MESSAGE) == top
    assert _shown(window) == _painted_anew(window)


def test_keys_and_clicks_move_through_the_kept_layout(window: MainWindow, qtbot: Any) -> None:
    """The keyboard and the mouse reach rows through the view's own layout:
    a click selects the row under it; Up, Page Up, Home and End go where they
    say and show the row they reach."""
    model, view = window.model, window.message_list
    window.resize(900, 700)
    model.append(_chat(0, 100))
    settle()
    shown = view.viewport().rect()
    below = view.viewport().rect().bottom() - 5
    clicked = view.indexAt(QPoint(50, below))
    assert clicked.isValid()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(50, below))
    assert view.currentIndex().row() == clicked.row()
    assert view.selectionModel().isSelected(clicked)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Up)
    assert view.currentIndex().row() == clicked.row() - 1
    qtbot.keyClick(view, Qt.Key.Key_PageUp)
    paged = view.currentIndex().row()
    assert paged < clicked.row() - 2
    assert shown.intersects(view.visualRect(view.currentIndex()))
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert view.currentIndex().row() == 0
    assert shown.intersects(view.visualRect(model.index(0)))
    qtbot.keyClick(view, Qt.Key.Key_End)
    assert view.currentIndex().row() == model.rowCount() - 1
    assert shown.contains(view.visualRect(view.currentIndex()))
