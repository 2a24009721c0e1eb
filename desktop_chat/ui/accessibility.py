"""What screen readers hear: names for the window's widgets, each message
row read as one sentence, and new messages announced.

The names are set by objectName from here, in the current language, and
again on every LanguageChange, so the window's module does not carry them
and a widget added later only needs an entry in `_NAMES`.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QModelIndex, QObject, Signal
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
from PySide6.QtWidgets import QWidget

from desktop_chat.protocol.messages import Kind
from desktop_chat.ui.accessible_text import accessible_text
from desktop_chat.ui.message_model import MessageModel
from desktop_chat.ui.notify_policy import is_replayed

translate = QCoreApplication.translate


def _names() -> dict[str, tuple[str, str]]:
    """objectName: (accessible name, description), translated now."""
    return {
        "serverUrl": (
            translate("Accessibility", "Server address"),
            translate("Accessibility", "The chat server; Enter connects"),
        ),
        "connectButton": (
            translate("Accessibility", "Connect"),
            translate("Accessibility", "Connect to the server address"),
        ),
        "reconnectButton": (
            translate("Accessibility", "Reconnect now"),
            translate("Accessibility", "Try to connect again now"),
        ),
        "hostElsewhereButton": (
            translate("Accessibility", "Host on another port"),
            translate("Accessibility", "Run the chat server in this window on a free port"),
        ),
        "offlineButton": (
            translate("Accessibility", "Go offline"),
            translate("Accessibility", "Disconnect; what you write is kept"),
        ),
        "roomInput": (
            translate("Accessibility", "Room"),
            translate("Accessibility", "Room to join and send to; empty sends to everyone"),
        ),
        "joinButton": (translate("Accessibility", "Join room"), ""),
        "messageList": (
            translate("Accessibility", "Messages"),
            translate("Accessibility", "The conversation, newest at the bottom"),
        ),
        "messageInput": (
            translate("Accessibility", "Message"),
            translate("Accessibility", "Enter sends, Shift+Enter starts a new line"),
        ),
        "sendButton": (
            translate("Accessibility", "Send"),
            translate("Accessibility", "Send the message"),
        ),
        "targetLabel": (translate("Accessibility", "Sending to"), ""),
        "statusLabel": (translate("Accessibility", "Connection status"), ""),
        "nameEdit": (
            translate("Accessibility", "Your name"),
            translate("Accessibility", "The name others see; Enter changes it"),
        ),
        "conversationList": (
            translate("Accessibility", "Conversations"),
            translate("Accessibility", "Rooms and everyone, with unread counts"),
        ),
        "leaveButton": (translate("Accessibility", "Leave the room shown"), ""),
        "switcherField": (translate("Accessibility", "Conversation to switch to"), ""),
        "switcherList": (translate("Accessibility", "Matching conversations"), ""),
        "searchScope": (translate("Accessibility", "Where to search"), ""),
        "searchField": (translate("Accessibility", "Search text"), ""),
        "searchClose": (translate("Accessibility", "Close the search"), ""),
        "searchResults": (translate("Accessibility", "Search results"), ""),
        "searchCount": (translate("Accessibility", "Number of results"), ""),
        "profileCombo": (
            translate("Accessibility", "Server profile"),
            translate("Accessibility", "How this server speaks; another choice reconnects"),
        ),
        "typingIndicator": (translate("Accessibility", "Who is typing"), ""),
        "participantCount": (translate("Accessibility", "Participants"), ""),
        "inspectorFilter": (translate("Accessibility", "Filter packets by event"), ""),
        "inspectorDirection": (translate("Accessibility", "Packet direction"), ""),
        "inspectorPause": (translate("Accessibility", "Pause the packet list"), ""),
        "inspectorClear": (translate("Accessibility", "Clear the packet list"), ""),
        "inspectorCopy": (translate("Accessibility", "Copy the selected packet"), ""),
        "inspectorSave": (translate("Accessibility", "Save the packets"), ""),
        "inspectorTable": (translate("Accessibility", "Packets"), ""),
        "emitEvent": (translate("Accessibility", "Event to emit"), ""),
        "emitArgs": (translate("Accessibility", "Arguments to emit, as JSON"), ""),
        "emitAck": (translate("Accessibility", "Expect an acknowledgement"), ""),
        "emitButton": (translate("Accessibility", "Emit the event"), ""),
    }


def name_widgets(root: QWidget) -> None:
    for name, (accessible, description) in _names().items():
        widget = root.findChild(QWidget, name)
        if widget is not None:
            widget.setAccessibleName(accessible)
            widget.setAccessibleDescription(description)


class Announcer(QObject):
    """Reads new messages out through the screen reader (Qt's announcement
    event, polite): only others' messages, in the conversation on screen,
    and only live ones (not history paged or replayed in)."""

    announced = Signal(str)  # what was announced, for tests and logs

    def __init__(self, view: QWidget, model: MessageModel) -> None:
        super().__init__(view)
        self._view = view
        self._model = model
        self.shown_conversation: str | None = None  # None: every conversation
        self.live_since: float | None = None  # connection time: older is history
        model.rowsInserted.connect(self._inserted)
        view.installEventFilter(self)
        name_widgets(view.window())

    def set_model(self, model: MessageModel) -> None:
        """Another conversation is shown: its new messages are the ones read out."""
        if model is self._model:
            return
        self._model.rowsInserted.disconnect(self._inserted)
        self._model = model
        model.rowsInserted.connect(self._inserted)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LanguageChange:
            name_widgets(self._view.window())
        return False

    def _inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        if not getattr(self._view, "following", True):  # reading back: not now
            return
        for row in range(first, last + 1):
            message = self._model.message_at(row)
            if message.kind is not Kind.OTHER:
                continue
            if is_replayed(message, self.live_since):
                continue
            if self.shown_conversation not in (None, message.room):
                continue
            self.announce(accessible_text(message))

    def announce(self, text: str) -> None:
        if QAccessible.isActive():
            event = QAccessibleAnnouncementEvent(self._view, text)
            QAccessible.updateAccessibility(event)
        self.announced.emit(text)
