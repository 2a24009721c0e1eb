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
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, Qt, Signal
from PySide6.QtGui import QGuiApplication, QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import QPlainTextEdit

SWALLOW_MS = 1500  # how long an input method's late commit of what we sent is expected


class MessageInput(QPlainTextEdit):
    submitted = Signal()
    edit_last_requested = Signal()  # Up in an empty box: edit my last message
    cancel_requested = Signal()  # Esc: stop answering or editing

    def __init__(self) -> None:
        super().__init__()
        self._preedit = ""
        self._sent_preedit = ""  # committed by us on send; the IME may commit it again
        self._since = QElapsedTimer()
        self.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, True)

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

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
            event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            self.commit_preedit()
            self.submitted.emit()
            return
        no_modifiers = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if event.key() == Qt.Key.Key_Up and no_modifiers and self.document().isEmpty() \
                and not self._preedit:
            self.edit_last_requested.emit()
            return
        if event.key() == Qt.Key.Key_Escape and not self._preedit:
            self.cancel_requested.emit()
            return
        self._sent_preedit = ""  # typing went on: no late commit is expected
        super().keyPressEvent(event)

    def clear(self) -> None:
        self._preedit = ""
        super().clear()
