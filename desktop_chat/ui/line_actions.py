"""What the user does to a line of the conversation: answer it, edit or take
back one of theirs, react to it (issue #20's window side).

Apart from the window (ui/main_window.py) because it has state of its own:
what the next Enter does (a new message, an answer, an edit: the compose
bar shows which), what the message box held before an edit, whether the
server carries these at all, and the emoji picker. The window hands it its
message box and list, asks it what Enter means, and adds its entries to a
line's menu; it emits intents, never touching a client.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QEvent, QObject, QPoint, Signal
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QMenu, QStatusBar, QToolButton, QWidget

from desktop_chat.protocol.messages import DeliveryState, Kind, Message
from desktop_chat.ui.compose_bar import ComposeBar, Mode, changes_unsupported_text
from desktop_chat.ui.conversation_view import ConversationView
from desktop_chat.ui.emoji_picker import COMMON, EmojiPicker
from desktop_chat.ui.message_input import MessageInput
from desktop_chat.ui.message_model import MessageModel


class LineActions(QObject):
    """Reply, edit, delete and react; the intents go out as signals."""

    reply_requested = Signal(str, str, object)  # text, room, the Message answered
    edit_requested = Signal(object, str)  # a Message of ours, its new text
    delete_requested = Signal(object)  # a Message of ours, to take back
    react_requested = Signal(object, str)  # a Message, an emoji (again: taken back)
    original_requested = Signal(str)  # the id of a line a reply answers, not held here

    def __init__(
        self,
        window: QWidget,
        message_input: MessageInput,
        message_list: ConversationView,
        model: Callable[[], MessageModel],
        status: Callable[[], QStatusBar],
        show_in_box: Callable[[str], None],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._input = message_input
        self._list = message_list
        self._model = model  # the conversation shown
        self._status = status
        # The window's: text in the box that is not itself a change to keep as a draft.
        self._show_in_box = show_in_box
        self.compose_bar = ComposeBar()
        self.compose_bar.cancelled.connect(self.stop_composing)
        # Whether the server carries replies, edits, deletions, reactions (told
        # by the session once the server says so; none until then).
        self.changes_supported = False
        self._draft_before_edit = ""  # what the box held when an edit began
        # One picker for reactions and for the message box (made when first asked for).
        self.emoji_picker: EmojiPicker | None = None
        self._reacting_to: Message | None = None  # None: the pick goes into the box
        # Beside the message box: an emoji into the text. "☺" is in the text
        # fonts (DejaVu has it), so the button does not need the emoji font.
        self.emoji_button = QToolButton()
        self.emoji_button.setObjectName("emojiButton")
        self.emoji_button.setText("☺")
        self.emoji_button.setAutoRaise(True)
        self.emoji_button.clicked.connect(self.pick_for_box)
        self.emoji_button.installEventFilter(self)
        self._retranslate()
        message_input.edit_last_requested.connect(self.edit_last)
        message_input.cancel_requested.connect(self.stop_composing)
        delegate = message_list.delegate
        delegate.quote_of = lambda message_id: model().get(message_id)
        delegate.quote_activated.connect(self.show_original)
        delegate.reaction_clicked.connect(self._chip_clicked)

    # ---- what the window asks --------------------------------------------------

    def submit(self, text: str, room: str) -> bool:
        """Enter with `text` in the box: an answer or an edit under way takes it
        (True), else it is a new message for the window to send (False)."""
        mode, message = self.compose_bar.mode, self.compose_bar.message
        self.compose_bar.stop()
        if mode is Mode.EDIT and message is not None:
            self._show_in_box(self._draft_before_edit)  # what was being written before
            if text != message.text:
                self.edit_requested.emit(message, text)
            return True
        if mode is Mode.REPLY and message is not None:
            self.reply_requested.emit(text, room, message)
            return True
        return False

    def draft_text(self) -> str:
        """What the user is writing: while a line is being edited, what the box
        held before (the line's text is not a draft)."""
        if self.compose_bar.mode is Mode.EDIT:
            return self._draft_before_edit
        return self._input.toPlainText()

    def conversation_left(self) -> None:
        """Another conversation is shown: an answer or an edit under way belonged
        to the one left and ends (the box gets the new one's draft)."""
        self.compose_bar.stop()

    def add_to_menu(self, menu: QMenu, message: Message) -> None:
        """Reply, React, Edit, Delete in a line's menu, as far as they apply."""
        if message.kind is Kind.SYSTEM or message.deleted:
            return
        menu.addSeparator()
        reply = menu.addAction(self.tr("Reply"), lambda: self.start_reply(message))
        reply.setObjectName("replyAction")
        if self.changes_supported and message.state is not DeliveryState.FAILED:
            react = menu.addMenu(self.tr("React"))
            react.setObjectName("reactMenu")
            for emoji in COMMON:
                mark = "✓ " if emoji in message.reacted else ""
                react.addAction(
                    f"{mark}{emoji}", partial(self.react_requested.emit, message, emoji)
                )
            react.addSeparator()
            more = react.addAction(self.tr("More…"), lambda: self.pick_reaction(message))
            more.setObjectName("moreReactionsAction")
        if message.kind is Kind.OWN and self.changes_supported:
            edit = menu.addAction(self.tr("Edit"), lambda: self.start_edit(message))
            edit.setObjectName("editAction")
            delete = menu.addAction(self.tr("Delete"), lambda: self.delete_requested.emit(message))
            delete.setObjectName("deleteAction")

    # ---- answering, editing, reacting ----------------------------------------

    def start_reply(self, message: Message) -> None:
        """The next message answers `message` (the box keeps what was typed)."""
        if self.compose_bar.mode is Mode.EDIT:
            self.stop_composing()  # the edit's text is not the answer
        self.compose_bar.start(Mode.REPLY, message)
        self._input.setFocus()

    def start_edit(self, message: Message) -> bool:
        """The box holds a line of ours to change; Enter saves, Esc cancels.
        False (nothing changes) for a line that cannot be edited here."""
        if message.kind is not Kind.OWN or message.deleted or not self.changes_supported:
            return False
        if self.compose_bar.mode is not Mode.EDIT:
            self._draft_before_edit = self._input.toPlainText()
        self.compose_bar.start(Mode.EDIT, message)
        self._show_in_box(message.text)
        self._input.setFocus()
        return True

    def stop_composing(self) -> None:
        """Back to writing a new message; an edit cancelled gives the box back
        what was in it before (nothing typed is lost)."""
        if self.compose_bar.mode is Mode.EDIT:
            self._show_in_box(self._draft_before_edit)
        self.compose_bar.stop()

    def edit_last(self) -> None:
        """Up in an empty box: edit the newest line of mine in this conversation."""
        if not self.changes_supported:
            self._status().showMessage(changes_unsupported_text(), 8000)
            return
        model = self._model()
        for row in range(model.rowCount() - 1, -1, -1):
            message = model.message_at(row)
            if message.kind is Kind.OWN and not message.deleted:
                self.start_edit(message)
                self._list.show_row(row)
                return

    def show_original(self, message_id: str) -> None:
        """Show the line a reply answers among its neighbours: here if held,
        else the session pages it in from the local history."""
        row = self._model().show_around(message_id)
        if row >= 0:
            self._list.show_row(row)
            self._list.setCurrentIndex(self._list.model().index(row, 0))
        else:
            self.original_requested.emit(message_id)

    def picker(self) -> EmojiPicker:
        """The emoji picker, shared by reactions and the message box."""
        if self.emoji_picker is None:
            self.emoji_picker = EmojiPicker(self._window)
            self.emoji_picker.chosen.connect(self._emoji_chosen)
        return self.emoji_picker

    def pick_reaction(self, message: Message) -> None:
        """Any emoji, searched by name, for a line (the picker, at the mouse)."""
        self._reacting_to = message
        self.picker().popup(QCursor.pos())

    def pick_for_box(self) -> None:
        """An emoji into the message box, at its cursor (the picker, over the button)."""
        self._reacting_to = None
        picker = self.picker()
        button = self.emoji_button
        picker.popup(button.mapToGlobal(QPoint(0, -picker.sizeHint().height())))

    def _emoji_chosen(self, emoji: str) -> None:
        message, self._reacting_to = self._reacting_to, None
        if message is not None:
            self.react_requested.emit(message, emoji)
            return
        self._input.insertPlainText(emoji)
        self._input.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.emoji_button and event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        return super().eventFilter(watched, event)

    def _retranslate(self) -> None:
        self.emoji_button.setToolTip(self.tr("Insert an emoji"))
        self.emoji_button.setAccessibleName(self.tr("Insert an emoji"))

    def _chip_clicked(self, message: Message, emoji: str) -> None:
        """A click on a reaction adds ours, or takes it back."""
        if self.changes_supported and not message.deleted:
            self.react_requested.emit(message, emoji)

    def set_changes_supported(self, supported: bool) -> None:
        """Whether this server carries replies, edits, deletions and reactions."""
        self.changes_supported = supported
        if not supported and self.compose_bar.mode is not Mode.NEW:
            self.stop_composing()
