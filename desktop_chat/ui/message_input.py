"""The message box: Enter sends, Shift+Enter starts a new line, and an
input method's composing text is never lost or doubled.

With a Korean input method (ibus-hangul, fcitx5-hangul) the syllable being
composed is *preedit*: shown in the box, not yet in its text. On Enter the
input method commits it itself, but in either order: some send the commit
before the key event, some after it (the last syllable then lands in the
emptied box, or is sent twice by apps that also read the preedit).

So, on Enter or Send: the preedit is committed here, into the text that is
sent, and remembered; the input method is told to reset. If the input
method then commits that same text (it was still holding it), the commit
is swallowed once. A commit that came before the key event leaves no
preedit, and nothing is remembered.

Mentions: `@` and the start of a name (after a space or at the start, not in
an address) pops up the names of the conversation's participants that start
so, in any case (`set_mention_names`: a model, the window's participants).
Only committed text counts: a Hangul syllable still being composed is not
part of the prefix until the input method commits it. Tab or Enter puts
"@name " in place of what was typed (Enter then does not send); Esc closes
the list and only that (a reply or an edit goes on).
"""

from __future__ import annotations

import re

from PySide6.QtCore import QAbstractItemModel, QElapsedTimer, QEvent, QMimeData, Qt, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragLeaveEvent,
    QDropEvent,
    QGuiApplication,
    QImage,
    QInputMethodEvent,
    QKeyEvent,
)
from PySide6.QtWidgets import QAbstractItemView, QCompleter, QListView, QPlainTextEdit

SWALLOW_MS = 1500  # how long an input method's late commit of what we sent is expected
# `@` and what follows it up to the cursor, with no letter or digit before the `@`:
# up to 40 characters are still completed (names may hold spaces).
_MENTION = re.compile(r"(?<!\w)@([^@\n]{0,40})\Z")
_ACCEPT = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab)


class MessageInput(QPlainTextEdit):
    submitted = Signal()
    edit_last_requested = Signal()  # Up in an empty box: edit my last message
    cancel_requested = Signal()  # Esc: stop answering or editing
    # Files (issue #21): local files dropped or pasted into the box (their paths),
    # an image pasted from the clipboard, files held over the box (or no longer).
    files_dropped = Signal(list)
    image_pasted = Signal(QImage)
    drag_hovered = Signal(bool)

    def __init__(self) -> None:
        super().__init__()
        self._preedit = ""
        self._sent_preedit = ""  # committed by us on send; the IME may commit it again
        self._since = QElapsedTimer()
        self.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, True)
        self._completer: QCompleter | None = None
        self._popup: QAbstractItemView | None = None  # the completer's list
        self._mention_at = -1  # where the `@` being completed is in the text

    # ---- mentions -----------------------------------------------------------------

    def set_mention_names(self, model: QAbstractItemModel, role: int) -> None:
        """Complete `@` from the names `model` holds in `role` (its rows shown as they are)."""
        completer = QCompleter(model, self)
        completer.setWidget(self)
        completer.setCompletionRole(role)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchStartsWith)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        popup = self._popup = QListView()
        popup.setObjectName("mentionPopup")
        completer.setPopup(popup)
        completer.activated.connect(self._mention_chosen)  # a click: the name (its role)
        self._completer = completer

    def mention_popup(self) -> QAbstractItemView | None:
        """The list of names (a window of its own: not a child of the box)."""
        return self._popup

    def mention_popup_open(self) -> bool:
        return self._popup is not None and self._popup.isVisible()

    def _complete_mention(self) -> None:
        """After typing: offer the names that start as the text after `@` does."""
        completer, popup = self._completer, self._popup
        if completer is None or popup is None:
            return
        cursor = self.textCursor()
        block = cursor.block()
        before = block.text()[: cursor.positionInBlock()]
        found = _MENTION.search(before) if "@" in before else None
        if found is None or cursor.hasSelection():
            self._close_mentions()
            return
        completer.setCompletionPrefix(found.group(1))
        if completer.completionCount() == 0:
            self._close_mentions()
            return
        self._mention_at = block.position() + found.start()
        popup.setCurrentIndex(completer.completionModel().index(0, 0))
        rect = self.cursorRect()
        rect.setWidth(popup.sizeHintForColumn(0) + popup.verticalScrollBar().sizeHint().width())
        completer.complete(rect)

    def _close_mentions(self) -> None:
        self._mention_at = -1
        if self._popup is not None:
            self._popup.hide()

    def _mention_chosen(self, name: str) -> None:
        """Put "@name " in place of the `@` and what was typed after it."""
        start = self._mention_at
        self._close_mentions()
        if start < 0 or not name:
            return
        cursor = self.textCursor()
        if cursor.position() < start:
            return
        cursor.setPosition(start, cursor.MoveMode.KeepAnchor)
        cursor.insertText(f"@{name} ")
        self.setTextCursor(cursor)

    def _accept_mention(self) -> None:
        """Tab or Enter: the name chosen in the list (the first if none is)."""
        completer, popup = self._completer, self._popup
        if completer is None or popup is None:
            return
        index = popup.currentIndex()
        if not index.isValid():
            index = completer.completionModel().index(0, 0)
        name = index.data(completer.completionRole())
        self._mention_chosen(name if isinstance(name, str) else "")

    def event(self, event: QEvent) -> bool:
        # Tab would move the focus (tabChangesFocus) before keyPressEvent sees it.
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Tab
            and self.mention_popup_open()
        ):
            self._accept_mention()
            return True
        return super().event(event)

    def preedit(self) -> str:
        """What the input method is composing, not yet part of the text."""
        return self._preedit

    def commit_preedit(self) -> None:
        """Make the composing text part of the text now (before it is sent)."""
        pending = self._preedit
        if not pending:
            return
        # Clear the composing text shown in the box, then insert it as text.
        super().inputMethodEvent(QInputMethodEvent())
        self._preedit = ""
        self.insertPlainText(pending)
        self._sent_preedit = pending
        self._since.start()
        QGuiApplication.inputMethod().reset()

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:
        commit = event.commitString()
        late = self._sent_preedit
        if late and self._since.isValid() and self._since.elapsed() > SWALLOW_MS:
            late = self._sent_preedit = ""
        if late and commit:
            self._sent_preedit = ""
            if commit == late:
                # The input method commits what we already sent: drop the commit,
                # keep whatever else the event says (a new preedit, attributes).
                rest = QInputMethodEvent(event.preeditString(), event.attributes())
                self._preedit = event.preeditString()
                super().inputMethodEvent(rest)
                return
        elif late and event.preeditString():
            self._sent_preedit = ""  # a new syllable began: the old one is not coming
        self._preedit = event.preeditString()
        super().inputMethodEvent(event)
        if commit:
            self._complete_mention()  # committed text only: the preedit is not a prefix yet

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.mention_popup_open():
            if event.key() in _ACCEPT:
                self._accept_mention()  # not sent: the name goes in
                return
            if event.key() == Qt.Key.Key_Escape:
                self._close_mentions()  # and only that: a reply or an edit goes on
                return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
            event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            self.commit_preedit()
            self.submitted.emit()
            return
        no_modifiers = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if (
            event.key() == Qt.Key.Key_Up
            and no_modifiers
            and self.document().isEmpty()
            and not self._preedit
        ):
            self.edit_last_requested.emit()
            return
        if event.key() == Qt.Key.Key_Escape and not self._preedit:
            self.cancel_requested.emit()
            return
        self._sent_preedit = ""  # typing went on: no late commit is expected
        super().keyPressEvent(event)
        if self._completer is not None and (event.text() or self.mention_popup_open()):
            self._complete_mention()

    # ---- files: dropped and pasted ------------------------------------------------

    @staticmethod
    def _files_in(source: QMimeData) -> list[str]:
        if not source.hasUrls():
            return []
        return [u.toLocalFile() for u in source.urls() if u.isLocalFile() and u.toLocalFile()]

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return (
            source.hasImage()
            or bool(self._files_in(source))
            or super().canInsertFromMimeData(source)
        )

    def insertFromMimeData(self, source: QMimeData) -> None:
        """A pasted or dropped file is sent as a file and an image as an image,
        never put in the box as its path or as nothing."""
        files = self._files_in(source)
        if files:
            self.files_dropped.emit(files)
            return
        if source.hasImage():
            image = source.imageData()
            if isinstance(image, QImage) and not image.isNull():
                self.image_pasted.emit(image)
            return
        super().insertFromMimeData(source)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        data = event.mimeData()
        if data is not None and self._files_in(data):
            event.acceptProposedAction()
            self.drag_hovered.emit(True)
            return
        super().dragEnterEvent(event)

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.drag_hovered.emit(False)
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        data = event.mimeData()
        files = self._files_in(data) if data is not None else []
        if files:
            event.acceptProposedAction()
            self.drag_hovered.emit(False)
            self.files_dropped.emit(files)
            return
        super().dropEvent(event)

    def clear(self) -> None:
        self._preedit = ""
        self._close_mentions()
        super().clear()
