"""The packet inspector: a dock listing every packet of the connection, and an Emit row.

`InspectorPanel` is widgets only: it shows the model and emits intents
(emit this event, pause, clear, save). `Inspector` is its bridge: it owns
the `PacketTap` (set on the client only while the dock is shown, so a
closed inspector costs nothing), gathers the tap's records and hands them
to the model once per frame, and runs what the panel asks for. Widgets
never touch the socket.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import deque
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.client.chat_client import ChatClient
from desktop_chat.client.packet_tap import PacketRecord, PacketTap
from desktop_chat.client.profile import RESERVED_EVENTS
from desktop_chat.ui.packet_model import (
    COLUMNS,
    MAX_ROWS,
    RECORD_ROLE,
    PacketFilter,
    PacketModel,
)
from desktop_chat.ui.theme import message_colors
from desktop_chat.ui.tr import fill

translate = QCoreApplication.translate

log = logging.getLogger(__name__)

FRAME = 0.033  # packets reach the list at most this often (a flood is one insert per frame)
# Under a flood, less often: each insert repaints the list, and nobody reads
# packets at thirty a second; the chat's own list keeps its pace.
BUSY_FRAME = 0.1
BUSY_BATCH = 100


def parse_emit(event: str, args_text: str) -> tuple[str, tuple[object, ...]]:
    """The Emit row's fields -> (event, arguments); ValueError says what is wrong.

    A JSON array is the argument list; any other JSON value is the one argument.
    """
    event = event.strip()
    if not event:
        raise ValueError(translate("InspectorPanel", "Name the event to emit."))
    if event in RESERVED_EVENTS:
        raise ValueError(
            fill(
                translate("InspectorPanel", "%1 is reserved by Socket.IO and cannot be emitted."),
                repr(event),
            )
        )
    text = args_text.strip()
    if not text:
        return event, ()
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise ValueError(
            fill(translate("InspectorPanel", "The arguments are not JSON: %1"), exc)
        ) from None
    return event, tuple(value) if isinstance(value, list) else (value,)


def _named(widget: QWidget, name: str) -> QWidget:
    widget.setObjectName(name)
    return widget


class InspectorPanel(QWidget):
    emit_requested = Signal(str, str, bool)  # event, JSON arguments, expect an ack
    save_requested = Signal()

    def __init__(self, model: PacketModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.proxy = PacketFilter(self)
        self.proxy.setSourceModel(model)

        self.filter_text = QLineEdit()
        self.direction = QComboBox()
        for value in ("", "in", "out"):
            self.direction.addItem("", value)
        self.pause = QPushButton()
        self.pause.setCheckable(True)
        self.clear_button = QPushButton()
        self.copy_button = QPushButton()
        self.save_button = QPushButton()
        self.dropped = QLabel()
        self.dropped.setTextFormat(Qt.TextFormat.PlainText)
        for widget, name in (
            (self.filter_text, "inspectorFilter"),
            (self.direction, "inspectorDirection"),
            (self.pause, "inspectorPause"),
            (self.clear_button, "inspectorClear"),
            (self.copy_button, "inspectorCopy"),
            (self.save_button, "inspectorSave"),
            (self.dropped, "inspectorDropped"),
        ):
            _named(widget, name)

        self.table = QTableView()
        self.table.setObjectName("inspectorTable")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().setVisible(False)
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 6)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        # Wide enough for a typical value and for the header's own title.
        metrics, bold = self.fontMetrics(), header.fontMetrics()
        for column, sample in enumerate(
            ("00:00:00.000", "⬆ out", "/chat", "receive-message", "", "999", "999.9 ms", "99,999 B")
        ):
            if sample:
                title = str(model.headerData(column, Qt.Orientation.Horizontal))
                width = max(metrics.horizontalAdvance(sample), bold.horizontalAdvance(title))
                self.table.setColumnWidth(column, width + 24)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)

        self.emit_event = QLineEdit()
        self.emit_args = QLineEdit()
        self.emit_ack = QCheckBox()
        self.emit_button = QPushButton()
        self.emit_error = QLabel()
        self.emit_error.setTextFormat(Qt.TextFormat.PlainText)
        self.emit_error.setWordWrap(True)
        emit_widgets: tuple[tuple[QWidget, str], ...] = (
            (self.emit_event, "emitEvent"),
            (self.emit_args, "emitArgs"),
            (self.emit_ack, "emitAck"),
            (self.emit_button, "emitButton"),
            (self.emit_error, "emitError"),
        )
        for emit_widget, emit_name in emit_widgets:
            _named(emit_widget, emit_name)

        tools = QHBoxLayout()
        tools.addWidget(self.filter_text, 1)
        tools.addWidget(self.direction)
        tools.addWidget(self.pause)
        tools.addWidget(self.clear_button)
        tools.addWidget(self.copy_button)
        tools.addWidget(self.save_button)
        emit_row = QHBoxLayout()
        emit_row.addWidget(self.emit_event, 1)
        emit_row.addWidget(self.emit_args, 3)
        emit_row.addWidget(self.emit_ack)
        emit_row.addWidget(self.emit_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(tools)
        layout.addWidget(self.dropped)
        layout.addWidget(self.table, 1)
        layout.addLayout(emit_row)
        layout.addWidget(self.emit_error)
        self.dropped.setVisible(False)
        self.emit_error.setVisible(False)

        self.filter_text.textChanged.connect(self.proxy.set_text)
        self.direction.currentIndexChanged.connect(
            lambda _i: self.proxy.set_direction(str(self.direction.currentData()))
        )
        self.pause.toggled.connect(self._paused)
        self.clear_button.clicked.connect(model.clear)
        self.copy_button.clicked.connect(self.copy_selected)
        self.save_button.clicked.connect(self.save_requested)
        self.emit_button.clicked.connect(self._emit)
        self.emit_args.returnPressed.connect(self._emit)
        self.emit_event.returnPressed.connect(self._emit)
        model.dropped_changed.connect(self._show_dropped)
        bar = self.table.verticalScrollBar()
        bar.rangeChanged.connect(self._follow)
        self._following = True
        bar.valueChanged.connect(lambda v: setattr(self, "_following", v >= bar.maximum() - 2))
        self._dropped_count = 0
        self.retranslateUi()
        self._error_colour()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        elif event.type() == QEvent.Type.PaletteChange:
            self._error_colour()
        super().changeEvent(event)

    def _error_colour(self) -> None:
        """The emit error in the palette's readable red (ui/theme.py), light or dark."""
        palette = self.emit_error.palette()
        palette.setColor(QPalette.ColorRole.WindowText, message_colors(self.palette()).failed)
        self.emit_error.setPalette(palette)

    def retranslateUi(self) -> None:
        self.filter_text.setPlaceholderText(self.tr("Filter by event"))
        for i, label in enumerate((self.tr("In and out"), self.tr("In"), self.tr("Out"))):
            self.direction.setItemText(i, label)
        self.pause.setText(self.tr("Resume") if self.pause.isChecked() else self.tr("Pause"))
        self.pause.setToolTip(
            self.tr("Stop adding packets to the list (those meanwhile are not kept)")
        )
        self.clear_button.setText(self.tr("Clear"))
        self.copy_button.setText(self.tr("Copy"))
        self.copy_button.setToolTip(self.tr("Copy the selected packet as JSON"))
        self.save_button.setText(self.tr("Save…"))
        self.save_button.setToolTip(self.tr("Save what is in the list as JSON lines"))
        self.emit_event.setPlaceholderText(self.tr("event"))
        self.emit_args.setPlaceholderText(self.tr('JSON arguments, e.g. ["hello", {"to": "bob"}]'))
        self.emit_ack.setText(self.tr("expect ack"))
        self.emit_button.setText(self.tr("Emit"))
        self._show_dropped(self._dropped_count)
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)

    def _paused(self, paused: bool) -> None:
        self.model.paused = paused
        self.pause.setText(self.tr("Resume") if paused else self.tr("Pause"))

    def _show_dropped(self, count: int) -> None:
        self._dropped_count = count
        self.dropped.setText(
            fill(self.tr("%n older packets not kept (the list keeps %1)", "", count), MAX_ROWS)
        )
        self.dropped.setVisible(count > 0)

    def _follow(self, _minimum: int, maximum: int) -> None:
        if self._following:
            self.table.verticalScrollBar().setValue(maximum)

    def selected(self) -> PacketRecord | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        record = rows[0].data(RECORD_ROLE)
        return record if isinstance(record, PacketRecord) else None

    def copy_selected(self) -> None:
        record = self.selected()
        if record is not None:
            text = json.dumps(record.as_json(), ensure_ascii=False, default=repr)
            QGuiApplication.clipboard().setText(text)

    def _emit(self) -> None:
        try:
            parse_emit(self.emit_event.text(), self.emit_args.text())
        except ValueError as exc:
            self.show_emit_error(str(exc))
            return
        self.show_emit_error("")
        self.emit_requested.emit(
            self.emit_event.text(), self.emit_args.text(), self.emit_ack.isChecked()
        )

    def show_emit_error(self, text: str) -> None:
        self.emit_error.setText(text)
        self.emit_error.setVisible(bool(text))


class Inspector(QObject):
    """The dock, its menu entry (View → Inspector, Ctrl+Shift+I) and the tap."""

    def __init__(self, window: QMainWindow, client: ChatClient) -> None:
        super().__init__(window)
        self.client = client
        self.model = PacketModel(self)
        self.panel = InspectorPanel(self.model)
        self.dock = QDockWidget(window)
        self.dock.setObjectName("inspectorDock")
        self.dock.setWidget(self.panel)
        self.dock.setVisible(False)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        self.dock.hide()
        self.action = self.dock.toggleViewAction()
        self.action.setObjectName("inspectorAction")
        self.action.setShortcut(QKeySequence("Ctrl+Shift+I"))
        self.view_menu = view = window.menuBar().addMenu("")
        view.setObjectName("viewMenu")
        view.addAction(self.action)
        self.dock.installEventFilter(self)
        self.retranslateUi()

        self.tap = PacketTap(self._gather)
        self._pending: deque[PacketRecord] = deque(maxlen=MAX_ROWS)
        self._lost = 0
        self._flush_handle: asyncio.TimerHandle | None = None
        self._interval = FRAME
        self._dialog: QFileDialog | None = None
        self.dock.visibilityChanged.connect(self._shown)
        self.panel.emit_requested.connect(self.emit_event)
        self.panel.save_requested.connect(self.ask_save)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.dock and event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        return False

    def retranslateUi(self) -> None:
        self.dock.setWindowTitle(self.tr("Packets"))
        self.action.setText(self.tr("Inspector"))
        self.view_menu.setTitle(self.tr("&View"))

    def _shown(self, visible: bool) -> None:
        """Tap the connection only while the list is on screen."""
        self.client.set_packet_tap(self.tap if visible else None)

    def set_client(self, client: ChatClient) -> None:
        """Another account shown: its connection is the one tapped and emitted on."""
        if client is self.client:
            return
        self.client.set_packet_tap(None)
        self.client = client
        self.client.set_packet_tap(self.tap if self.dock.isVisible() else None)

    def open(self) -> None:
        self.dock.show()
        self.dock.raise_()

    def close(self) -> None:
        """Stop tapping and drop what waits for a frame (the window is closing)."""
        self.client.set_packet_tap(None)
        if self._flush_handle is not None:
            self._flush_handle.cancel()
            self._flush_handle = None
        self._pending.clear()

    def _gather(self, record: PacketRecord) -> None:
        """Called per packet: keep it (a bounded number) until the next frame."""
        if len(self._pending) == MAX_ROWS:
            self._lost += 1
        self._pending.append(record)
        if self._flush_handle is None:
            self._flush_handle = asyncio.get_running_loop().call_later(self._interval, self._flush)

    def _flush(self) -> None:
        self._flush_handle = None
        batch, self._pending = self._pending, deque(maxlen=MAX_ROWS)
        lost, self._lost = self._lost, 0
        self._interval = BUSY_FRAME if len(batch) >= BUSY_BATCH else FRAME
        self.model.append(batch, lost)

    def emit_event(self, event: str, args_text: str, ack: bool) -> None:
        """An intent from the Emit row: put it on the wire; the tap shows it and its ack."""
        try:
            name, args = parse_emit(event, args_text)
        except ValueError as exc:
            self.panel.show_emit_error(str(exc))
            return
        if not self.client.emit(name, args, ack):
            self.panel.show_emit_error(self.tr("Not connected: nothing was emitted."))

    def ask_save(self) -> None:
        """A file dialog opened with open(), not exec(): a nested loop breaks qasync."""
        dialog = QFileDialog(self.panel, self.tr("Save packets as JSON lines"))
        dialog.setObjectName("inspectorSaveDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter(self.tr("JSON lines (*.jsonl)"))
        dialog.setDefaultSuffix("jsonl")
        dialog.fileSelected.connect(self.save)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._dialog = dialog
        dialog.open()

    def save(self, path: str) -> int:
        """Write what the list holds as JSON lines; how many packets were written."""
        records = self.model.records()
        try:
            with Path(path).open("w", encoding="utf-8") as out:
                for record in records:
                    out.write(json.dumps(record.as_json(), ensure_ascii=False, default=repr))
                    out.write("\n")
        except OSError as exc:
            self.panel.show_emit_error(
                fill(self.tr("Could not save to %1: %2"), path, exc.strerror or exc)
            )
            return 0
        return len(records)
