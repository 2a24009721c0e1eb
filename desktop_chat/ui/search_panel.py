"""Search over the local history: a results model, a delegate that highlights
the match, and the panel around them (Ctrl+F: this conversation, Ctrl+Shift+F:
all of them).

Message text is untrusted plain text: the result is drawn with QTextLayout
and the match highlighted from its positions (format ranges), never by
turning the text into HTML. Text passes `display_text` first, so control and
bidi characters are drawn visibly and cannot reorder a result.
"""

from __future__ import annotations

import time
from enum import IntEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QPainter, QPalette, QTextCharFormat, QTextLayout
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.protocol.messages import Kind, Message, display_text
from desktop_chat.ui.conversation_list_model import conversation_title
from desktop_chat.ui.message_model import day_of, day_text, format_time
from desktop_chat.ui.theme import blend, message_colors

if TYPE_CHECKING:  # the history (SQLite) loads after the window is drawn
    from desktop_chat.client.history import Hit

_Index = QModelIndex | QPersistentModelIndex
SNIPPET = 160  # characters of a result shown around its first match
DEBOUNCE_MS = 250  # a pause in typing this long starts the search


class ResultRole(IntEnum):
    HIT = Qt.ItemDataRole.UserRole + 1
    WHERE = Qt.ItemDataRole.UserRole + 2  # "#room · bob · 12:30"


def snippet(text: str, query: str) -> str:
    """One line of the text around the first match, as it is drawn."""
    shown = display_text(text).replace("\n", " ")
    at = max(0, shown.lower().find(query.lower()))
    start = max(0, at - SNIPPET // 3)
    cut = shown[start : start + SNIPPET]
    return ("…" if start else "") + cut + ("…" if start + SNIPPET < len(shown) else "")


class SearchResultsModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._hits: list[Hit] = []
        self._shown: list[str] = []
        self.query = ""

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._shown[index.row()]
        if role == ResultRole.HIT:
            return hit
        if role == ResultRole.WHERE:
            who = self._who(hit.message)
            when = format_time(hit.message.ts)
            if day_of(hit.message.ts) != day_of(time.time()):
                when = f"{day_text(hit.message.ts)} {when}"
            return f"{conversation_title(hit.room)} · {who} · {when}"
        return None

    def _who(self, message: Message) -> str:
        """Who wrote a result, as the conversation says it: "You" for one's own
        lines, a word for the app's notices, else the sender's name."""
        if message.kind is Kind.OWN:
            return self.tr("You")
        if message.kind is Kind.SYSTEM:
            return self.tr("Notice")
        return display_text(message.sender)[:40] or self.tr("Someone")

    def set_results(self, query: str, hits: list[Hit]) -> None:
        self.beginResetModel()
        self.query = query
        self._hits = list(hits)
        self._shown = [snippet(hit.message.text, query) for hit in hits]
        self.endResetModel()

    def hits(self) -> list[Hit]:
        return list(self._hits)


class ResultDelegate(QStyledItemDelegate):
    """Two lines: where and when, then the text with every match highlighted."""

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        line = option.fontMetrics.lineSpacing()
        return QSize(option.rect.width(), 2 * line + 8)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        model = index.model()
        query = getattr(model, "query", "")
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        where = str(index.data(ResultRole.WHERE) or "")
        palette = option.palette
        colors = message_colors(palette)  # readable on the selected row in both themes
        painter.save()
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(
                option.rect, blend(colors.selected, palette.color(QPalette.ColorRole.Base))
            )
        line = option.fontMetrics.lineSpacing()
        left, top = option.rect.left() + 4, option.rect.top() + 4
        painter.setPen(colors.muted)
        painter.drawText(
            option.rect.adjusted(4, 4, -4, 0),
            int(Qt.AlignmentFlag.AlignLeft),
            option.fontMetrics.elidedText(
                where, Qt.TextElideMode.ElideRight, option.rect.width() - 8
            ),
        )
        layout = QTextLayout(text, option.font)
        marked = QTextCharFormat()
        marked.setBackground(palette.color(QPalette.ColorRole.Highlight))
        marked.setForeground(palette.color(QPalette.ColorRole.HighlightedText))
        from desktop_chat.client.history import spans_of  # loaded by the time there are results

        ranges = []
        for start, length in spans_of(text, query):
            fr = QTextLayout.FormatRange()
            fr.start, fr.length, fr.format = start, length, marked
            ranges.append(fr)
        layout.setFormats(ranges)
        layout.beginLayout()
        body = layout.createLine()
        if body.isValid():
            body.setLineWidth(max(10, option.rect.width() - 8))
        layout.endLayout()
        painter.setPen(colors.text)
        painter.setClipRect(option.rect)
        layout.draw(painter, QPointF(left, top + line))
        painter.restore()


class SearchPanel(QWidget):
    """The search field and its results; emits what the user asks for."""

    search_requested = Signal(str, bool)  # query, in all conversations
    result_chosen = Signal(object)  # a Hit, to be shown in its conversation
    results_shown = Signal()  # the results of the query asked for are listed
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchPanel")
        self.everywhere = False
        self.model = SearchResultsModel(self)
        self.scope = QLabel()
        self.scope.setObjectName("searchScope")
        self.field = QLineEdit()
        self.field.setObjectName("searchField")
        self.field.setClearButtonEnabled(True)
        self.close_button = QPushButton()
        self.close_button.setObjectName("searchClose")
        self.results = QListView()
        self.results.setObjectName("searchResults")
        self.results.setModel(self.model)
        self.results.setItemDelegate(ResultDelegate(self.results))
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setUniformItemSizes(True)
        self.count = QLabel()
        self.count.setObjectName("searchCount")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.scope)
        row.addWidget(self.field, 1)
        row.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.count)
        layout.addWidget(self.results, 1)
        # One line per result: a long one is cut, never scrolled sideways.
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Search as one types, once the typing pauses (DEBOUNCE_MS).
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(DEBOUNCE_MS)
        self._pause.timeout.connect(self._run)
        self._pending = ""  # the query asked for and not answered yet
        self.field.textChanged.connect(self._typed)
        self.field.returnPressed.connect(self._search)
        self.results.activated.connect(self._chosen)
        self.close_button.clicked.connect(self.finish)
        self._title = ""
        self.retranslateUi()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        super().changeEvent(event)

    def retranslateUi(self) -> None:
        """The texts in the current language (at start and on LanguageChange)."""
        self.field.setPlaceholderText(self.tr("Search messages"))
        self.close_button.setText(self.tr("Close"))
        if self._title or self.everywhere:
            self._show_scope()
        if self._pending:
            self.count.setText(self.tr("Searching…"))
        elif self.model.rowCount() or self.count.text():
            self._show_count(self.model.rowCount())

    def _show_scope(self) -> None:
        self.scope.setText(self.tr("All conversations:") if self.everywhere else f"{self._title}:")

    def _show_count(self, found: int) -> None:
        self.count.setText(
            self.tr("No messages found") if not found else self.tr("%n message(s) found", "", found)
        )

    def start(self, everywhere: bool, title: str) -> None:
        """Open for this conversation (`title`) or for all of them (a query
        already typed is searched again where asked)."""
        changed = (everywhere, title) != (self.everywhere, self._title)
        self.everywhere = everywhere
        self._title = title
        self._show_scope()
        if changed and self.field.text().strip():
            self.search_now()
        self.setVisible(True)
        self.field.setFocus()
        self.field.selectAll()

    def finish(self) -> None:
        self.setVisible(False)
        self.closed.emit()

    @property
    def searching(self) -> bool:
        """Whether a query was asked for and its results are still to come."""
        return bool(self._pending) or self._pause.isActive()

    def show_results(self, query: str, hits: list[Hit]) -> None:
        """The results of `query`; those of a query typed over since are not shown."""
        if query != self._pending:
            return
        self._pending = ""
        self.model.set_results(query, hits)
        self._show_count(len(hits))
        if hits:
            self.results.setCurrentIndex(self.model.index(0))
        self.results_shown.emit()

    def _typed(self, text: str) -> None:
        if text.strip():
            self._pause.start()  # again from the start: the user is still typing
            return
        self._pause.stop()
        self._pending = ""
        self.model.set_results("", [])
        self.count.setText("")

    def search_now(self) -> None:
        """Search for what the field holds now, even if it was searched before."""
        self._pending = ""
        self._run()

    def _run(self) -> None:
        """Ask for the query in the field now, and say so meanwhile."""
        self._pause.stop()
        query = self.field.text().strip()
        if not query or query == self._pending:
            return
        self._pending = query
        self.count.setText(self.tr("Searching…"))
        self.search_requested.emit(query, self.everywhere)

    def _search(self) -> None:
        """Enter: the search at once, or, when its results are shown, the first of them."""
        query = self.field.text().strip()
        if query and query == self.model.query and not self.searching and self.model.rowCount():
            self._chosen(self.results.currentIndex())  # Enter again: go to the result
        elif query:
            self._run()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.finish()
            return
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.model.rowCount():
            row = self.results.currentIndex().row() + (1 if key == Qt.Key.Key_Down else -1)
            row = max(0, min(self.model.rowCount() - 1, row))
            self.results.setCurrentIndex(self.model.index(row))
            return
        super().keyPressEvent(event)

    def _chosen(self, index: QModelIndex) -> None:
        from desktop_chat.client.history import Hit

        hit = index.data(ResultRole.HIT) if index.isValid() else None
        if isinstance(hit, Hit):
            self.result_chosen.emit(hit)
