"""The inspector's list: the last MAX_ROWS packets, and a filter over them.

Packets arrive in bursts (a flood is tens of thousands a second), so the
model takes them in batches, one insert per frame, and keeps a bounded
ring: what falls off the front is counted ("N older packets not kept"),
never kept. What `data()` shows of a packet's arguments is decoded once,
when a row is first drawn, and folded to one short line.
"""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)

from desktop_chat.client.packet_tap import PacketRecord
from desktop_chat.ui.plain import plain_tooltip

MAX_ROWS = 10_000
FOLD = 160  # characters of arguments shown in the list; the whole packet is copied or saved
# Column titles, marked for translation here and translated in headerData.
COLUMNS = (
    QT_TRANSLATE_NOOP("PacketModel", "Time"),
    QT_TRANSLATE_NOOP("PacketModel", "Dir"),
    QT_TRANSLATE_NOOP("PacketModel", "Namespace"),
    QT_TRANSLATE_NOOP("PacketModel", "Event / kind"),
    QT_TRANSLATE_NOOP("PacketModel", "Arguments"),
    QT_TRANSLATE_NOOP("PacketModel", "Ack"),
    QT_TRANSLATE_NOOP("PacketModel", "Round trip"),
    QT_TRANSLATE_NOOP("PacketModel", "Size"),
)
_ARROWS = {"in": "⬇ in", "out": "⬆ out", "": "·"}
RECORD_ROLE = Qt.ItemDataRole.UserRole + 1

_Index = QModelIndex | QPersistentModelIndex
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_RECORD = int(RECORD_ROLE)
_ASKED = frozenset({_DISPLAY, _TOOLTIP, _RECORD})
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def args_text(record: PacketRecord) -> str:
    """The arguments on one line, folded."""
    if record.direction == "":
        text = record.note
    else:
        value = record.args()
        text = "" if value is None else json.dumps(value, ensure_ascii=False, default=repr)
        if record.note and not text:
            text = record.note
    text = text.replace("\n", "⏎").replace("\r", "␍")
    if len(text) > FOLD:
        text = f"{text[:FOLD]}… ({len(text):,} characters)"
    return text


def cells(record: PacketRecord) -> tuple[str, ...]:
    """Every column's text, computed once per packet, when its row is first drawn:
    a view asks for each cell on every repaint, and under a flood it repaints
    every frame."""
    if record.cells is None:
        if record.kind == "event":
            what = record.event
        else:
            what = f"{record.kind}: {record.event}" if record.event else record.kind
        record.cells = (
            _time(record.t),
            _ARROWS.get(record.direction, record.direction),
            record.namespace,
            what,
            args_text(record),
            "" if record.ack_id is None else str(record.ack_id),
            "" if record.rtt is None else f"{record.rtt * 1000:.1f} ms",
            f"{record.size:,} B" if record.size else "",
        )
    return record.cells


def _time(t: float) -> str:
    return time.strftime("%H:%M:%S", time.localtime(t)) + f".{int(t * 1000) % 1000:03d}"


class PacketModel(QAbstractTableModel):
    dropped_changed = Signal(int)  # packets not kept (older ones, or while paused)

    def __init__(self, parent: QObject | None = None, limit: int = MAX_ROWS) -> None:
        super().__init__(parent)
        self.limit = limit
        self._rows: deque[PacketRecord] = deque()
        self.dropped = 0
        self.paused = False

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(COLUMNS)
        ):
            return QCoreApplication.translate("PacketModel", str(COLUMNS[section]))
        return None

    def record(self, row: int) -> PacketRecord:
        return self._rows[row]

    def records(self) -> list[PacketRecord]:
        return list(self._rows)

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        # Called for every role of every visible cell on each repaint: the
        # roles that are not shown return at once, before any lookup.
        if role in _ASKED:
            row = index.row()
            if not 0 <= row < len(self._rows):
                return None
            record = self._rows[row]
            if role == _RECORD:
                return record
            column = index.column()
            if role == _TOOLTIP:
                return plain_tooltip(cells(record)[4]) if column == 4 else None
            return cells(record)[column] if 0 <= column < len(COLUMNS) else None
        if role == _ALIGN and index.column() >= 5:
            return _RIGHT
        return None

    # ---- changes -------------------------------------------------------------

    def append(self, batch: Iterable[PacketRecord], lost: int = 0) -> None:
        """Take a batch (one insert); the oldest rows go when over the limit."""
        batch = list(batch)
        if self.paused:
            self._lose(len(batch) + lost)
            return
        if len(batch) > self.limit:
            lost += len(batch) - self.limit
            batch = batch[-self.limit :]
        over = len(self._rows) + len(batch) - self.limit
        if over > 0:
            self.beginRemoveRows(QModelIndex(), 0, over - 1)
            for _ in range(over):
                self._rows.popleft()
            self.endRemoveRows()
            lost += over
        if batch:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(batch) - 1)
            self._rows.extend(batch)
            self.endInsertRows()
        if lost:
            self._lose(lost)

    def _lose(self, count: int) -> None:
        if count:
            self.dropped += count
            self.dropped_changed.emit(self.dropped)

    def clear(self) -> None:
        self.beginResetModel()
        self._rows.clear()
        self.endResetModel()
        self.dropped = 0
        self.dropped_changed.emit(0)


class PacketFilter(QSortFilterProxyModel):
    """Rows whose event (or kind) contains the text, in the chosen direction."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._direction = ""  # "", "in" or "out"

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._text = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_direction(self, direction: str) -> None:
        self.beginFilterChange()
        self._direction = direction
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        if not self._text and not self._direction:
            return True
        model = self.sourceModel()
        assert isinstance(model, PacketModel)
        record = model.record(source_row)
        if self._direction and record.direction != self._direction:
            return False
        if self._text:
            return self._text in (record.event or record.kind).casefold()
        return True
