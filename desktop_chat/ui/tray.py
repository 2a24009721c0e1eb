"""The tray icon: the unread count on the icon, and a small menu.

Only where the desktop has a tray (`QSystemTrayIcon.isSystemTrayAvailable`);
elsewhere nothing is made and closing the window quits, as before. The
icon emits intents (show or hide the window, do not disturb, quit); the
composition root acts on them.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, Qt, Signal
from PySide6.QtGui import QAction, QFont, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication, QMenu, QSystemTrayIcon

from desktop_chat.protocol.messages import display_text
from desktop_chat.ui.theme import message_colors

SIZES = (16, 22, 24, 32, 48, 64)


def badge_text(count: int) -> str:
    return "" if count <= 0 else str(count) if count < 100 else "99+"


def badged_icon(base: QIcon, count: int, palette: QPalette) -> QIcon:
    """`base` with the unread count in a round badge at the bottom right."""
    text = badge_text(count)
    if not text:
        return base
    colors = message_colors(palette)
    icon = QIcon()
    for size in SIZES:
        pixmap = base.pixmap(size, size)
        if not pixmap.isNull() and pixmap.width() != size:
            pixmap = pixmap.scaled(
                size,
                size,
                Qt.AspectRatioMode.IgnoreAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        if pixmap.isNull():
            pixmap = QPixmap(size, size)
            pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        side = max(9, int(size * (0.62 if len(text) > 1 else 0.55)))
        rect = QRect(size - side, size - side, side, side)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colors.badge)
        painter.drawEllipse(rect)
        font = QFont()
        font.setBold(True)
        font.setPixelSize(max(6, int(side * (0.55 if len(text) > 2 else 0.7))))
        painter.setFont(font)
        painter.setPen(colors.badge_text)
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), text)
        painter.end()
        icon.addPixmap(pixmap)
    return icon


class TrayIcon(QSystemTrayIcon):
    show_hide_requested = Signal()
    dnd_toggled = Signal(bool)
    quit_requested = Signal()

    def __init__(self, icon: QIcon, parent: QObject | None = None) -> None:
        super().__init__(icon, parent)
        self.setObjectName("trayIcon")
        self._base = icon
        self._unread = 0
        self._name = ""  # whose window: two windows' icons are told apart by it
        self._window_visible = True
        self.menu = QMenu()
        self.menu.setObjectName("trayMenu")
        self.show_action = QAction(self.menu)
        self.show_action.setObjectName("trayShowHide")
        self.dnd_action = QAction(self.menu)
        self.dnd_action.setObjectName("trayDoNotDisturb")
        self.dnd_action.setCheckable(True)
        self.quit_action = QAction(self.menu)
        self.quit_action.setObjectName("trayQuit")
        self.menu.addAction(self.show_action)
        self.menu.addAction(self.dnd_action)
        self.menu.addSeparator()
        self.menu.addAction(self.quit_action)
        self.setContextMenu(self.menu)
        self.show_action.triggered.connect(self.show_hide_requested)
        self.dnd_action.toggled.connect(self.dnd_toggled)
        self.quit_action.triggered.connect(self.quit_requested)
        self.activated.connect(self._activated)
        self.menu.installEventFilter(self)
        self.retranslateUi()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The menu is a widget and hears LanguageChange; the icon is not.
        if watched is self.menu and event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        return False

    def retranslateUi(self) -> None:
        self.show_action.setText(
            self.tr("Hide window") if self._window_visible else self.tr("Show window")
        )
        self.dnd_action.setText(self.tr("Do not disturb"))
        self.quit_action.setText(self.tr("Quit"))
        self._update_tooltip()

    def set_window_visible(self, visible: bool) -> None:
        self._window_visible = visible
        self.retranslateUi()

    def set_dnd(self, on: bool) -> None:
        self.dnd_action.blockSignals(True)
        self.dnd_action.setChecked(on)
        self.dnd_action.blockSignals(False)
        self._update_tooltip()

    def unread(self) -> int:
        return self._unread

    def set_name(self, name: str) -> None:
        """The name the window's account goes by, said in the tooltip."""
        self._name = name
        self._update_tooltip()

    def set_unread(self, count: int) -> None:
        if count == self._unread:
            return
        self._unread = count
        self.setIcon(badged_icon(self._base, count, QApplication.palette()))
        self._update_tooltip()

    def _update_tooltip(self) -> None:
        tip = "desktop-chat"
        if self._name:
            tip += " — " + display_text(self._name)[:40]
        if self._unread:
            tip += " — " + self.tr("%n unread message(s)", "", self._unread)
        if self.dnd_action.isChecked():
            tip += " — " + self.tr("do not disturb")
        self.setToolTip(tip)

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.show_hide_requested.emit()
