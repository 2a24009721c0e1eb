"""Sign in…: the form a server with accounts needs (issue #24).

Shown when the server refuses the connection for want of a sign-in, with
the reason in words, or when the user asks (the account menu's "Sign in…").
It only asks: it emits `signin_requested` with what was typed, and the
account's sign-in link (app/signin_link.py) connects with it and keeps it
where the user chose. Not modal: the conversations stay readable and the
compose box keeps what was typed in it while the form is open.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.protocol.messages import display_text
from desktop_chat.ui.tr import fill

translate = QCoreApplication.translate

PASSWORD_TAB, TOKEN_TAB = 0, 1


class SignInDialog(QDialog):
    # user, password, token (one of the two ways is filled), remember in a file
    signin_requested = Signal(str, str, str, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signInDialog")
        self.setModal(False)
        self._code = ""
        self._server = ""
        self._keyring: bool | None = None
        self.reason = QLabel()
        self.reason.setObjectName("signInReason")
        self.reason.setTextFormat(Qt.TextFormat.PlainText)  # a server's address in it
        self.reason.setWordWrap(True)
        self.user = QLineEdit()
        self.user.setObjectName("signInUser")
        self.user.setMaxLength(64)
        self.password = QLineEdit()
        self.password.setObjectName("signInPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.token = QLineEdit()
        self.token.setObjectName("signInToken")
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.method = QTabWidget()
        self.method.setObjectName("signInMethod")
        password_page, token_page = QWidget(), QWidget()
        password_form = QFormLayout(password_page)
        self._user_label, self._password_label, self._token_label = QLabel(), QLabel(), QLabel()
        password_form.addRow(self._user_label, self.user)
        password_form.addRow(self._password_label, self.password)
        token_form = QFormLayout(token_page)
        token_form.addRow(self._token_label, self.token)
        self.method.addTab(password_page, "")
        self.method.addTab(token_page, "")
        # Where no keyring answers: said, and the file offered instead.
        self.keyring_note = QLabel()
        self.keyring_note.setObjectName("signInKeyringNote")
        self.keyring_note.setWordWrap(True)
        self.keyring_note.setVisible(False)
        self.remember_file = QCheckBox()
        self.remember_file.setObjectName("signInRememberFile")
        self.remember_file.setVisible(False)
        self.problem = QLabel()
        self.problem.setObjectName("signInProblem")
        self.problem.setWordWrap(True)
        self.problem.setVisible(False)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.sign_in_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.sign_in_button.setObjectName("signInButton")
        layout = QVBoxLayout(self)
        for widget in (
            self.reason,
            self.method,
            self.keyring_note,
            self.remember_file,
            self.problem,
            self.buttons,
        ):
            layout.addWidget(widget)
        self.buttons.accepted.connect(self._ask)
        self.buttons.rejected.connect(self.reject)
        self.retranslateUi()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        super().changeEvent(event)

    def retranslateUi(self) -> None:
        self.setWindowTitle(self.tr("Sign in"))
        self._user_label.setText(self.tr("Name:"))
        self._password_label.setText(self.tr("Password:"))
        self._token_label.setText(self.tr("Sign-in token:"))
        self.token.setPlaceholderText(self.tr("Paste the token your server's admin gave you"))
        self.method.setTabText(PASSWORD_TAB, self.tr("Name and password"))
        self.method.setTabText(TOKEN_TAB, self.tr("Sign-in token"))
        self.sign_in_button.setText(self.tr("Sign in"))
        self.keyring_note.setText(
            self.tr(
                "No keyring answers on this computer, so what you sign in with is not kept: "
                "you will be asked again at the next start, unless you keep it in a file."
            )
        )
        self.remember_file.setText(self.tr("Remember on this computer in a file only I can read"))
        self._reason()

    def reason_text(self, code: str) -> str:
        """Why the form is shown, for each refusal code of the server."""
        server = display_text(self._server)
        if code == "bad-credentials":
            return fill(
                self.tr(
                    "%1 did not accept that name and password or token. Check them and try again."
                ),
                server,
            )
        if code == "revoked":
            return fill(
                self.tr(
                    "Your sign-in to %1 was taken back (a new token was made, the password "
                    "changed, or the account removed). Sign in again: ask the admin for the "
                    "new token."
                ),
                server,
            )
        if code == "signin-rate":
            return fill(
                self.tr(
                    "Too many sign-in attempts at %1. Wait a minute; the window tries again "
                    "on its own."
                ),
                server,
            )
        return fill(self.tr("%1 asks you to sign in."), server)

    def _reason(self) -> None:
        self.reason.setText(self.reason_text(self._code) if self._server else "")

    def ask(self, code: str, server: str, user: str, keyring: bool | None) -> None:
        """Show the form: why (`code`), for which server, the name last used, and
        whether a keyring answers (None: not known yet)."""
        self._code, self._server = code, server
        self._reason()
        if user and not self.user.text():
            self.user.setText(user)
        self.password.clear()
        self.token.clear()
        self.problem.setVisible(False)
        self.set_keyring(keyring)
        self.sign_in_button.setEnabled(True)
        self.show()
        self.raise_()
        (self.password if self.user.text() else self.user).setFocus()

    def set_keyring(self, available: bool | None) -> None:
        self._keyring = available
        self.keyring_note.setVisible(available is False)
        self.remember_file.setVisible(available is False)

    def _ask(self) -> None:
        if self.method.currentIndex() == TOKEN_TAB:
            token = self.token.text().strip()
            if not token:
                return self._show_problem(self.tr("Paste the sign-in token."))
            user, password = "", ""
        else:
            user, password, token = self.user.text().strip(), self.password.text(), ""
            if not user or not password:
                return self._show_problem(self.tr("Type your name and password."))
        self.problem.setVisible(False)
        self.sign_in_button.setEnabled(False)  # until the server answers
        self.signin_requested.emit(user, password, token, self.remember_file.isChecked())

    def _show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(True)

    @staticmethod
    def kept_text(kept: str, path: str) -> str:
        """Where the credentials just taken by the server were kept (app/credentials.py)."""
        if kept == "keyring":
            return translate(
                "SignInDialog",
                "Signed in. What you signed in with is kept in your desktop's keyring.",
            )
        if kept == "file":
            return fill(
                translate(
                    "SignInDialog",
                    "Signed in. What you signed in with is kept in %1, which only you can read.",
                ),
                path,
            )
        return translate(
            "SignInDialog",
            "Signed in. No keyring answers on this computer, so what you signed in with is "
            "not kept: you will be asked again at the next start.",
        )

    def signed_in(self) -> None:
        self.password.clear()
        self.token.clear()
        self.hide()
