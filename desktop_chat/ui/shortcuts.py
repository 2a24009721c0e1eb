"""The window's menu, its keyboard shortcuts, and the help window listing them.

Added to the main window from outside (`WindowActions(window)`), so the
window's own module stays about the conversation. Every action has a
shortcut or a mnemonic; F1 lists them all (`ShortcutsHelp`).
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMainWindow,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


def _key(sequence: str) -> QKeySequence:
    return QKeySequence(sequence)


class WindowActions(QObject):
    """The menu bar's actions, their shortcuts, and the focus moves."""

    settings_requested = Signal()
    help_requested = Signal()
    quit_requested = Signal()
    dnd_toggled = Signal(bool)
    export_requested = Signal()  # Chat → Export…: the conversation shown

    def __init__(self, window: QMainWindow, focus_targets: dict[str, QWidget]) -> None:
        super().__init__(window)
        self._window = window
        self._targets = focus_targets
        bar = window.menuBar()
        bar.setObjectName("menuBar")
        self.chat_menu = QMenu(bar)
        self.chat_menu.setObjectName("chatMenu")
        self.help_menu = QMenu(bar)
        self.help_menu.setObjectName("helpMenu")
        # Chat first and Help last, whatever menus the window has already (View).
        existing = bar.actions()
        if existing:
            bar.insertMenu(existing[0], self.chat_menu)
        else:
            bar.addMenu(self.chat_menu)
        bar.addMenu(self.help_menu)

        def action(name: str, keys: str | QKeySequence.StandardKey, menu: QMenu | None) -> QAction:
            act = QAction(window)
            act.setObjectName(name)
            act.setShortcut(QKeySequence(keys))
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            window.addAction(act)
            if menu is not None:
                menu.addAction(act)
            return act

        self.focus_server = action("actionFocusServer", "Ctrl+L", self.chat_menu)
        self.focus_room = action("actionFocusRoom", "Ctrl+J", self.chat_menu)
        self.focus_list = action("actionFocusMessages", "Ctrl+Shift+M", self.chat_menu)
        self.focus_input = action("actionFocusInput", "Ctrl+T", self.chat_menu)
        self.chat_menu.addSeparator()
        self.export = action("actionExport", "Ctrl+Shift+E", self.chat_menu)
        self.dnd = action("actionDoNotDisturb", "Ctrl+D", self.chat_menu)
        self.dnd.setCheckable(True)
        self.settings = action("actionSettings", "Ctrl+,", self.chat_menu)
        self.chat_menu.addSeparator()
        self.quit = action("actionQuit", "Ctrl+Q", self.chat_menu)
        self.help = action("actionShortcuts", "F1", self.help_menu)

        for act, key in (
            (self.focus_server, "server"),
            (self.focus_room, "room"),
            (self.focus_list, "messages"),
            (self.focus_input, "input"),
        ):
            act.triggered.connect(lambda _=False, key=key: self._focus(key))
        self.dnd.toggled.connect(self.dnd_toggled)
        self.export.triggered.connect(self.export_requested)
        self.settings.triggered.connect(self.settings_requested)
        self.quit.triggered.connect(self.quit_requested)
        self.help.triggered.connect(self.help_requested)
        bar.installEventFilter(self)
        self.retranslateUi()

    def _focus(self, key: str) -> None:
        widget = self._targets.get(key)
        if widget is not None and widget.isVisible():
            widget.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def set_dnd(self, on: bool) -> None:
        self.dnd.blockSignals(True)
        self.dnd.setChecked(on)
        self.dnd.blockSignals(False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        return False

    def retranslateUi(self) -> None:
        self.chat_menu.setTitle(self.tr("&Chat"))
        self.help_menu.setTitle(self.tr("&Help"))
        self.focus_server.setText(self.tr("Go to the server &address"))
        self.focus_room.setText(self.tr("Go to the &room"))
        self.focus_list.setText(self.tr("Go to the &messages"))
        self.focus_input.setText(self.tr("&Write a message"))
        self.export.setText(self.tr("&Export conversation…"))
        self.dnd.setText(self.tr("&Do not disturb"))
        self.settings.setText(self.tr("&Settings…"))
        self.quit.setText(self.tr("&Quit"))
        self.help.setText(self.tr("&Keyboard shortcuts"))

    def rows(self) -> list[tuple[str, str]]:
        """(keys, what they do) for the help window, as shown in this language."""

        def text(act: QAction) -> str:
            # Without the mnemonic, "&Quit" or Korean's "종료(&Q)" alike.
            return re.sub(r"\(&\w\)|&(?=\w)", "", act.text()).rstrip("…")

        native = QKeySequence.SequenceFormat.NativeText
        listed = [
            (act.shortcut().toString(native), text(act))
            for act in (
                self.focus_server, self.focus_room, self.focus_list, self.focus_input,
                self.export, self.dnd, self.settings, self.help, self.quit,
            )
        ]  # fmt: skip
        return [
            (_key("Return").toString(native), self.tr("Send the message")),
            (_key("Shift+Return").toString(native), self.tr("New line in the message")),
            *listed,
            (_key("Tab").toString(native), self.tr("Next control")),
            (_key("Shift+Tab").toString(native), self.tr("Previous control")),
            (_key("Ctrl+K").toString(native), self.tr("Switch to a conversation by name")),
            (_key("Alt+Up").toString(native), self.tr("Previous conversation")),
            (_key("Alt+Down").toString(native), self.tr("Next conversation")),
            (
                _key("Ctrl+Shift+A").toString(native),
                self.tr("Next conversation with unread messages"),
            ),
            (_key("Ctrl+F").toString(native), self.tr("Search this conversation")),
            (_key("Ctrl+Shift+F").toString(native), self.tr("Search all conversations")),
            (
                _key("Ctrl+Shift+P").toString(native),
                self.tr("Show or hide how your message will look when sent"),
            ),
            (self.tr("Up, Down"), self.tr("Previous or next message in the list")),
            (
                _key("Return").toString(native),
                self.tr("In the list: open the message, or send a failed one again"),
            ),
            (_key("Menu").toString(native), self.tr("Message menu: copy, links, send again")),
            (_key("Alt").toString(native), self.tr("The menu bar; underlined letters")),
        ]


class ShortcutsHelp(QDialog):
    """F1: every keyboard shortcut, in a table a screen reader can walk."""

    def __init__(self, actions: WindowActions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsHelp")
        self._actions = actions
        self.table = QTableWidget(0, 2, self)
        self.table.setObjectName("shortcutsTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(540, 560)
        self.retranslateUi()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        super().changeEvent(event)

    def retranslateUi(self) -> None:
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.table.setHorizontalHeaderLabels([self.tr("Keys"), self.tr("Action")])
        self.table.setAccessibleName(self.tr("Keyboard shortcuts"))
        rows = self._actions.rows()
        self.table.setRowCount(len(rows))
        for row, (keys, what) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(keys))
            self.table.setItem(row, 1, QTableWidgetItem(what))
