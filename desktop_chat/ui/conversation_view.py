"""The list of messages: a QListView that follows the newest messages and pages the conversation.

Whether the list follows the newest messages is view state: it changes when
the user moves the scroll bar (up: they read back; down to the end: they
follow again), never when rows come or go. The view owns it, and tells
the conversation (`MessageModel`) what to do through explicit calls:

- after each batch, while following: `trim_to_newest` (the window stays
  the newest rows, trimmed before the view lays out);
- at the top of the window: `load_older`; at the bottom of a window that is
  not at the newest: `load_newer`; the row the user looked at stays put;
- sending a message: `jump_to_newest`, then follow (`follow_newest`).

The view may show the conversation through a proxy (`setModel(proxy)`, for
a filter or a conversation per room): paging still goes to the
conversation, the anchors kept across paging are the view's own indexes,
and the delegate reads every row through the index it is given.
"""

from __future__ import annotations

from PySide6.QtCore import QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QListView, QWidget

from desktop_chat.ui.appending_view import AppendingListView
from desktop_chat.ui.message_delegate import MessageDelegate
from desktop_chat.ui.message_model import MessageModel

_AT_BOTTOM = 4  # pixels from the end of the scroll range that still count as at the newest


class ConversationView(AppendingListView):
    """The messages of one conversation, painted by a `MessageDelegate`."""

    # The user reached the newest message (or left it): with the window
    # active and this conversation shown, that is when it counts as read.
    following_changed = Signal(bool)
    # At the top of everything the conversation holds: the local history may
    # have older messages to prepend (the session asks it).
    older_wanted = Signal()

    def __init__(self, conversation: MessageModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._conversation = conversation
        self._following = True
        self.setModel(conversation)
        self.delegate = MessageDelegate(self, following=self._is_following)
        self.setItemDelegate(self.delegate)
        self.setWordWrap(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        bar = self.verticalScrollBar()
        bar.valueChanged.connect(self._scrolled)
        bar.rangeChanged.connect(self._follow)
        conversation.appended.connect(self._appended)
        conversation.changed.connect(self._line_changed)
        conversation.modelReset.connect(self.delegate.forget_quotes)
        conversation.rowsInserted.connect(self.delegate.forget_quotes)  # older lines paged in

    def _layout_stale(self) -> bool:
        """Every kept height is stale when the delegate's width or fonts changed."""
        return self.delegate.stale

    def set_conversation(self, conversation: MessageModel) -> None:
        """Show another conversation, at its newest messages (switching in the sidebar).

        The model keeps a window of at most `max_rows` rows, so this is one
        layout of those rows however long the conversation is.
        """
        if conversation is self._conversation:
            return
        self._conversation.appended.disconnect(self._appended)
        self._conversation.changed.disconnect(self._line_changed)
        self._conversation.modelReset.disconnect(self.delegate.forget_quotes)
        self._conversation.rowsInserted.disconnect(self.delegate.forget_quotes)
        self._conversation = conversation
        conversation.appended.connect(self._appended)
        conversation.changed.connect(self._line_changed)
        conversation.modelReset.connect(self.delegate.forget_quotes)
        conversation.rowsInserted.connect(self.delegate.forget_quotes)
        self.delegate.forget_quotes()
        self.setModel(conversation)
        self._following = False
        self._set_following(True)
        if conversation.has_newer():
            conversation.jump_to_newest()
        self.scrollToBottom()

    def _line_changed(self, message_id: str, row: int) -> None:
        """An edited, deleted or reacted-to line is measured and laid out again."""
        self.delegate.forget(message_id)
        if row >= 0 and self.model() is self._conversation:
            self.delegate.sizeHintChanged.emit(self._conversation.index(row))

    def show_row(self, row: int) -> None:
        """Show the row `row` of the conversation in the middle, chosen (a search
        result); the view stops following the newest messages."""
        self._set_following(False)
        index = self.model().index(row, 0)
        self.setCurrentIndex(index)
        self.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    def _set_following(self, following: bool) -> None:
        if following != self._following:
            self._following = following
            self.following_changed.emit(following)

    @property
    def conversation(self) -> MessageModel:
        """The model this view pages, whether it shows it directly or through a proxy."""
        return self._conversation

    @property
    def following(self) -> bool:
        """Whether the view stays at the newest messages as they come (the user has not
        scrolled up)."""
        return self._following

    def _is_following(self) -> bool:
        return self._following

    def follow_newest(self) -> None:
        """Back to the newest messages, and follow them (sending a message does this).

        While following, the view is there already and stays: nothing is done,
        so no layout pass runs before a message is on its way.
        """
        if self._following:
            return
        self._set_following(True)
        if self._conversation.has_newer():
            self._conversation.jump_to_newest()
        self.scrollToBottom()

    def _appended(self, _count: int) -> None:
        """A batch came: while following, the window stays the newest rows."""
        self.delegate.forget_quotes()  # a reply's line may be among them
        if self._following:
            self._conversation.trim_to_newest()

    def _follow(self, _minimum: int, maximum: int) -> None:
        """New rows grew the list: stay at the newest unless the user scrolled up.

        Whether we follow changes only when the user moves the scroll bar,
        not when rows come or go (the range changes, the value stays).
        """
        if self._following:
            self.verticalScrollBar().setValue(maximum)

    def _scrolled(self, value: int) -> None:
        """Follow new messages only while at the newest; page in at either end.

        The model holds a bounded window of the conversation: at the top of
        it older messages are paged in, at the bottom of a window that is
        not at the newest, newer ones. The row the user looked at stays put.
        """
        bar = self.verticalScrollBar()
        conversation = self._conversation
        shown = self.model()  # the conversation, or a proxy over it: anchors are its indexes
        at_bottom = value >= bar.maximum() - _AT_BOTTOM
        if at_bottom and conversation.has_newer():
            self._set_following(False)
            anchor = QPersistentModelIndex(shown.index(shown.rowCount() - 1, 0))
            conversation.load_newer()
            self.scrollTo(anchor, QAbstractItemView.ScrollHint.PositionAtBottom)
            return
        self._set_following(at_bottom)
        if value == bar.minimum() and bar.maximum() > 0:
            if not conversation.has_older():
                self.older_wanted.emit()  # may prepend from the local history
            if conversation.has_older():
                anchor = QPersistentModelIndex(shown.index(0, 0))
                conversation.load_older()
                self.scrollTo(anchor, QAbstractItemView.ScrollHint.PositionAtTop)
