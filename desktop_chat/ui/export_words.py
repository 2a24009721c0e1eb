"""The words of an exported conversation's HTML page, in the user's language
(client/export.py takes them from its caller: the client layer holds no words),
and the save dialog of Chat → Export…."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtWidgets import QFileDialog, QWidget

from desktop_chat.ui.tr import fill


def export_labels() -> dict[str, str]:
    translate = QCoreApplication.translate
    return {
        "room": translate("ExportWords", "Room"),
        "account": translate("ExportWords", "Account"),
        "exported": translate("ExportWords", "Exported"),
        "no_room": translate("ExportWords", "everyone"),
        "system": translate("ExportWords", "system"),
        "edited": translate("ExportWords", "edited"),
        "deleted": translate("ExportWords", "message deleted"),
        "reply": translate("ExportWords", "in reply to {sender}: {text}"),
        "reply_missing": translate("ExportWords", "in reply to a message not in this export"),
        "not_delivered": translate("ExportWords", "not delivered"),
    }


def export_title(room: str) -> str:
    if room:
        return QCoreApplication.translate("ExportWords", "desktop-chat: #{room}").format(room=room)
    return QCoreApplication.translate("ExportWords", "desktop-chat: everyone")


class ExportText(QObject):
    """What the window says about an export (plural forms need `self.tr`)."""

    def done(self, path: str, count: int) -> str:
        return fill(self.tr("Exported %n line(s) to %1", "", count), path)

    def failed(self, path: str, reason: str) -> str:
        return fill(self.tr("Could not export to %1: %2"), path, reason)

    def dialog_title(self) -> str:
        return self.tr("Export conversation")

    def filters(self) -> tuple[str, str]:
        """(HTML page, JSON lines) file filters of the save dialog."""
        return self.tr("Readable page (*.html)"), self.tr("JSON lines, every field (*.jsonl)")


def ask_export_path(parent: QWidget, room: str, chosen: Callable[[str, str], None]) -> QFileDialog:
    """A save dialog for an export of `room`; `chosen(path, format)` when the user saves."""
    words = ExportText()
    html_filter, jsonl_filter = words.filters()
    dialog = QFileDialog(parent, words.dialog_title())
    dialog.setObjectName("exportDialog")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setNameFilters([html_filter, jsonl_filter])
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in room)[:60]
    dialog.selectFile(f"desktop-chat-{safe or 'everyone'}.html")
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def accepted(path: str) -> None:
        fmt = "jsonl" if dialog.selectedNameFilter() == jsonl_filter else "html"
        if not path.endswith(f".{fmt}"):
            path = f"{path.rsplit('.', 1)[0] if path.endswith(('.html', '.jsonl')) else path}.{fmt}"
        chosen(path, fmt)

    dialog.fileSelected.connect(accepted)
    dialog.open()
    return dialog
