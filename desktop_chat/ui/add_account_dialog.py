"""Add account…: a server's address, the name to be seen there, and how it speaks.

The dialog only asks: it emits `account_add_requested` with what was typed;
the session checks the address and says what is wrong (`show_problem`), and
the dialog stays open with the text as typed until it is right or cancelled.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)


class AddAccountDialog(QDialog):
    account_add_requested = Signal(str, str, str)  # address, name, profile ("" = default)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("addAccountDialog")
        self.url = QLineEdit()
        self.url.setObjectName("accountUrl")
        self.url.setPlaceholderText("http://localhost:3000")
        self.name = QLineEdit()
        self.name.setObjectName("accountName")
        self.name.setMaxLength(64)
        self.profile = QComboBox()
        self.profile.setObjectName("accountProfile")
        self.problem = QLabel()
        self.problem.setObjectName("accountProblem")
        self.problem.setWordWrap(True)
        self.problem.setVisible(False)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.form = QFormLayout(self)
        self._url_label, self._name_label, self._profile_label = QLabel(), QLabel(), QLabel()
        self.form.addRow(self._url_label, self.url)
        self.form.addRow(self._name_label, self.name)
        self.form.addRow(self._profile_label, self.profile)
        self.form.addRow(self.problem)
        self.form.addRow(self.buttons)
        self.buttons.accepted.connect(self._ask)
        self.buttons.rejected.connect(self.reject)
        self.retranslateUi()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        super().changeEvent(event)

    def retranslateUi(self) -> None:
        self.setWindowTitle(self.tr("Add account"))
        self._url_label.setText(self.tr("Server address"))
        self._name_label.setText(self.tr("Your name there"))
        self._profile_label.setText(self.tr("How it speaks"))
        self.url.setAccessibleName(self.tr("Server address"))
        self.name.setAccessibleName(self.tr("Your name there"))
        self.profile.setAccessibleName(self.tr("How it speaks"))

    def start(self, profiles: list[tuple[str, str]], name: str) -> None:
        """Open for a new account: `profiles` as (name, title), the name suggested."""
        self.profile.clear()
        for key, title in profiles:
            self.profile.addItem(title, key)
        if not self.name.text():
            self.name.setText(name)
        self.problem.setVisible(False)
        self.open()
        self.url.setFocus()

    def show_problem(self, text: str) -> None:
        """What is wrong with what was typed: said, and the dialog stays open."""
        self.problem.setText(text)
        self.problem.setVisible(True)

    def _ask(self) -> None:
        profile = self.profile.currentData()
        self.account_add_requested.emit(
            self.url.text().strip(),
            self.name.text().strip(),
            profile if isinstance(profile, str) else "",
        )
