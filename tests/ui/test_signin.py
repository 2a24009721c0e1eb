"""Signing in from the window, and private rooms (issue #24), with real windows
against a real desktop-chat-server with `--accounts` on loopback, whose
accounts and rooms are made by the real admin commands
(`desktop-chat-server users add|password|token`, `rooms remove-member`).

Every test runs with a keyring or none made for it (tests/fixtures/keyring_bus.py):
the user's own keyring is never asked.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from PySide6.QtCore import Qt

from desktop_chat.app.session import ChatSession
from desktop_chat.app.settings import Settings
from desktop_chat.client import connection
from desktop_chat.client.chat_client import ConnectionState
from desktop_chat.protocol.messages import Kind
from desktop_chat.server.chat_server import ChatServer
from desktop_chat.ui.conversation_list_model import LOCK, ConversationRole
from desktop_chat.ui.signin_dialog import TOKEN_TAB, SignInDialog
from tests.fixtures.keyring_bus import (  # noqa: F401 (fixtures)
    SecretServiceBus,
    no_keyring,
    secret_service,
)
from tests.server.test_accounts import Place
from tests.ui.conftest import server_url, texts, type_and_send, wait_connected

PASSWORD = "correct horse battery staple"


class AccountsServer:
    """desktop-chat-server with --accounts, in this process, on a database file
    the admin commands (separate processes) change while it runs."""

    def __init__(self, server: ChatServer, db: Path) -> None:
        self.server = server
        self.db = db
        # The admin commands as the server tests run them.
        self.place = Place([server_url(server)], ["--db", str(db)], lambda: "")

    @property
    def url(self) -> str:
        return server_url(self.server)

    async def admin(self, *args: str, stdin: str = "") -> str:
        """`desktop-chat-server ARGS --db DB` in a process of its own (the server tests' Place)."""
        return await self.place.admin(*args, stdin=stdin)

    async def account(self, name: str, password: str = "") -> str:
        """`users add NAME` (and `users password`): the account's sign-in token."""
        token = await self.place.account(name)
        if password:
            await self.admin("users", "password", name, "--password-file", "-", stdin=password)
        return token


@pytest.fixture
def accounts_server(arun: Callable[..., Any], tmp_path: Path) -> Iterator[AccountsServer]:
    db = tmp_path / "server.db"
    server = ChatServer(db=db, accounts=True)
    arun(server.start("127.0.0.1", 0))
    yield AccountsServer(server, db)
    arun(server.stop())


def form(qtbot: Any, session: ChatSession, reason: str) -> SignInDialog:
    """The sign-in form, shown, saying `reason` (part of its words)."""
    qtbot.waitUntil(
        lambda: (
            (d := session.shown.signin.dialog) is not None
            and d.isVisible()
            and reason in d.reason.text()
        ),
        timeout=10_000,
    )
    dialog = session.shown.signin.dialog
    assert dialog is not None
    return dialog


def sign_in(
    qtbot: Any,
    dialog: SignInDialog,
    *,
    user: str = "",
    password: str = "",
    token: str = "",
    remember_file: bool = False,
) -> None:
    """Type as a user does and press Sign in."""
    if token:
        dialog.method.setCurrentIndex(TOKEN_TAB)
        dialog.token.setText(token)
    else:
        dialog.user.setText(user)
        dialog.password.setText(password)
    if remember_file:
        assert dialog.remember_file.isVisible()
        qtbot.mouseClick(dialog.remember_file, Qt.MouseButton.LeftButton)
        assert dialog.remember_file.isChecked()
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)


def signed_in(qtbot: Any, session: ChatSession, name: str) -> None:
    wait_connected(qtbot, session)
    qtbot.waitUntil(lambda: session.client.account == name, timeout=10_000)


def system_lines(session: ChatSession) -> list[str]:
    return texts(session, Kind.SYSTEM)


def files_holding(secret: str, *folders: Path) -> list[Path]:
    """Every file under `folders` whose bytes hold `secret` (UTF-8)."""
    needle = secret.encode()
    return [
        path
        for folder in folders
        for path in folder.rglob("*")
        if path.is_file() and needle in path.read_bytes()
    ]


def window_logs_holding(secret: str, caplog: pytest.LogCaptureFixture) -> list[str]:
    """Log lines holding `secret`, but for the server's own password check: the
    server here shares the window's qasync loop, whose executor logs each
    callback's arguments at DEBUG (the server's argon2 `_verify`); a real
    server runs on its own loop, in its own process."""
    return [
        r.getMessage()
        for r in caplog.records
        if secret in r.getMessage() and "function _verify" not in r.getMessage()
    ]


def app_folders() -> list[Path]:
    import os

    return [Path(os.environ[k]) for k in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME")]


# ---- signing in ----------------------------------------------------------------------


def test_sign_in_with_a_password_kept_in_the_keyring(
    open_window: Callable[..., ChatSession],
    accounts_server: AccountsServer,
    arun: Callable[..., Any],
    qtbot: Any,
    secret_service: SecretServiceBus,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    # Which threads the keyring is called on (a D-Bus round trip each: never the Qt thread's).
    backend = keyring.get_keyring()
    on_main: list[bool] = []
    for method in ("get_password", "set_password"):
        real = getattr(backend, method)

        def called(*args: Any, real: Any = real) -> Any:
            on_main.append(threading.current_thread() is threading.main_thread())
            return real(*args)

        monkeypatch.setattr(backend, method, called)
    arun(accounts_server.account("alice", PASSWORD))
    session = open_window(accounts_server.url, settings=Settings())
    dialog = form(qtbot, session, "asks you to sign in")
    assert session.client.status.state is ConnectionState.OFFLINE
    # What the user had begun to write stays in the compose box.
    box = session.window.message_input
    box.setFocus()
    box.insertPlainText("half a thought")
    sign_in(qtbot, dialog, user="alice", password=PASSWORD)
    signed_in(qtbot, session, "alice")
    assert not dialog.isVisible()
    assert box.toPlainText() == "half a thought"
    # The account (the one owner of accounts) remembers the name, not the secret.
    account = session.shown.account
    stored = session.accounts.store.get(account.id)
    assert stored is not None and stored.signin == "alice"
    # In the real keyring, read back by libsecret's own tool on the same bus.
    qtbot.waitUntil(
        lambda: any("kept in your desktop's keyring" in t for t in system_lines(session)),
        timeout=10_000,
    )
    found = secret_service.lookup(service="desktop-chat", username=account.id)
    assert found is not None, "nothing in the keyring"
    assert json.loads(found) == {"user": "alice", "password": PASSWORD, "token": ""}
    # Never in the settings, client.db (and its journal), the history or the logs.
    session.history.flush()
    assert files_holding(PASSWORD, *app_folders()) == []
    assert window_logs_holding(PASSWORD, caplog) == []
    # The next start signs in from the keyring, asking nothing.
    arun(session.close())
    again = open_window(accounts_server.url, settings=Settings())
    signed_in(qtbot, again, "alice")
    assert again.shown.signin.dialog is None
    assert files_holding(PASSWORD, *app_folders()) == []
    assert len(on_main) >= 3 and not any(on_main), on_main  # probe, save, load


def test_sign_in_with_a_token_and_no_keyring(
    open_window: Callable[..., ChatSession],
    accounts_server: AccountsServer,
    arun: Callable[..., Any],
    qtbot: Any,
    no_keyring: None,  # noqa: F811
) -> None:
    token = arun(accounts_server.account("bob"))
    session = open_window(accounts_server.url, name="whoever")
    dialog = form(qtbot, session, "asks you to sign in")
    # No keyring answers: said before anything is typed, and the file offered.
    qtbot.waitUntil(lambda: dialog.keyring_note.isVisible(), timeout=15_000)
    assert "No keyring answers" in dialog.keyring_note.text()
    assert dialog.remember_file.isVisible() and not dialog.remember_file.isChecked()
    sign_in(qtbot, dialog, token=token)
    signed_in(qtbot, session, "bob")
    # The name others see is the account's, whatever the window was called.
    assert session.client.account == "bob"
    qtbot.waitUntil(
        lambda: any("asked again at the next start" in t for t in system_lines(session)),
        timeout=10_000,
    )
    assert files_holding(token, *app_folders()) == []


def test_no_keyring_and_the_file_only_i_can_read(
    open_window: Callable[..., ChatSession],
    accounts_server: AccountsServer,
    arun: Callable[..., Any],
    qtbot: Any,
    no_keyring: None,  # noqa: F811
) -> None:
    arun(accounts_server.account("carol", PASSWORD))
    session = open_window(accounts_server.url, settings=Settings())
    dialog = form(qtbot, session, "asks you to sign in")
    qtbot.waitUntil(lambda: dialog.remember_file.isVisible(), timeout=15_000)
    sign_in(qtbot, dialog, user="carol", password=PASSWORD, remember_file=True)
    signed_in(qtbot, session, "carol")
    path = session.vault.path
    qtbot.waitUntil(
        lambda: any(str(path) in t and "only you can read" in t for t in system_lines(session)),
        timeout=10_000,
    )
    assert path.stat().st_mode & 0o777 == 0o600
    kept = json.loads(path.read_text())
    assert kept[session.shown.account.id]["password"] == PASSWORD
    # Only that file holds it.
    assert files_holding(PASSWORD, *app_folders()) == [path]
    # The next start signs in from the file.
    arun(session.close())
    again = open_window(accounts_server.url, settings=Settings())
    signed_in(qtbot, again, "carol")
    assert again.shown.signin.dialog is None


def test_a_wrong_password_is_said_and_not_retried(
    open_window: Callable[..., ChatSession],
    accounts_server: AccountsServer,
    arun: Callable[..., Any],
    qtbot: Any,
    no_keyring: None,  # noqa: F811
) -> None:
    arun(accounts_server.account("dave", PASSWORD))
    session = open_window(accounts_server.url)
    dialog = form(qtbot, session, "asks you to sign in")
    sign_in(qtbot, dialog, user="dave", password="not it")
    dialog = form(qtbot, session, "did not accept that name and password")
    attempts = session.client.attempts
    assert attempts == 2  # the first, unsigned, and the one with the wrong password
    assert "did not accept" in session.window.status_label.toolTip() + (
        session.window.status_label.text()
    )
    # The window's backoff here retries within 0.05-0.5 s: a second and a
    # half without a new attempt is several retries that did not happen.
    qtbot.wait(1500)
    assert session.client.attempts == attempts
    assert session.client.status.state is ConnectionState.OFFLINE
    sign_in(qtbot, dialog, user="dave", password=PASSWORD)
    signed_in(qtbot, session, "dave")


def test_a_token_taken_back_signs_the_window_out_and_asks(
    open_window: Callable[..., ChatSession],
    accounts_server: AccountsServer,
    arun: Callable[..., Any],
    qtbot: Any,
    no_keyring: None,  # noqa: F811
) -> None:
    token = arun(accounts_server.account("erin"))
    session = open_window(accounts_server.url)
    sign_in(qtbot, form(qtbot, session, "asks you to sign in"), token=token)
    signed_in(qtbot, session, "erin")
    box = session.window.message_input
    box.insertPlainText("unsent words")
    arun(accounts_server.admin("users", "token", "erin"))  # a new token: the old one revoked
    dialog = form(qtbot, session, "was taken back")
    assert any("You were signed out by the server" in t for t in system_lines(session))
    assert session.client.status.state is ConnectionState.OFFLINE
    attempts = session.client.attempts
    qtbot.wait(1500)
    assert session.client.attempts == attempts, "the window retried a revoked token"
    assert box.toPlainText() == "unsent words"
    assert dialog.isVisible()


# ---- private rooms ---------------------------------------------------------------------


def _row(session: ChatSession, room: str) -> Any:
    model = session.conversations.list_model
    row = model.row_of(room)
    return model.index(row) if row >= 0 else None


def test_new_private_room_invite_and_removal(
    open_window: Callable[..., ChatSession],
    accounts_server: AccountsServer,
    arun: Callable[..., Any],
    qtbot: Any,
    no_keyring: None,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alice_token = arun(accounts_server.account("alice"))
    bob_token = arun(accounts_server.account("bob"))
    alice = open_window(accounts_server.url, name="a")
    sign_in(qtbot, form(qtbot, alice, "asks you to sign in"), token=alice_token)
    signed_in(qtbot, alice, "alice")
    bob = open_window(accounts_server.url, name="b")
    sign_in(qtbot, form(qtbot, bob, "asks you to sign in"), token=bob_token)
    signed_in(qtbot, bob, "bob")

    # Alice: the conversation list's menu → New private room…
    actions = alice.window.private_rooms
    qtbot.waitUntil(lambda: actions.available, timeout=10_000)
    menu = actions.menu(None)
    assert menu is not None
    new = menu.findChild(type(menu.actions()[0]), "newPrivateRoomAction")
    new.trigger()
    create = actions.create_dialog
    assert create is not None and create.isVisible()
    create.room.setText("ops")
    qtbot.mouseClick(create.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not create.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: _row(alice, "ops") is not None, timeout=10_000)
    qtbot.waitUntil(lambda: bool(_row(alice, "ops").data(ConversationRole.PRIVATE)))
    index = _row(alice, "ops")
    assert index.data(ConversationRole.TITLE) == f"{LOCK} #ops"
    assert "private room" in index.data(Qt.ItemDataRole.AccessibleTextRole)

    # Invite…: an unknown name is said beside the field; bob is let in.
    menu = actions.menu("ops")
    assert menu is not None
    invite_action = menu.findChild(type(menu.actions()[0]), "inviteAction")
    assert invite_action.isEnabled()
    invite_action.trigger()
    invite = actions.invite_dialog
    assert invite is not None and invite.isVisible()
    invite.name.setText("nobody")
    qtbot.mouseClick(invite.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: invite.problem.isVisible(), timeout=10_000)
    assert "There is no account named nobody" in invite.problem.text()
    invite.name.setText("bob")
    qtbot.mouseClick(invite.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not invite.isVisible(), timeout=10_000)

    # Bob's window shows the room, locked, and what alice says in it.
    qtbot.waitUntil(lambda: _row(bob, "ops") is not None, timeout=10_000)
    qtbot.waitUntil(lambda: bool(_row(bob, "ops").data(ConversationRole.PRIVATE)))
    assert any("You are a member of the private room #ops" in t for t in system_lines(bob))
    qtbot.waitUntil(lambda: "ops" in bob.client.rooms)
    type_and_send(qtbot, alice, "for members only", room="ops")

    def bob_sees(text: str) -> bool:
        model = bob.conversations.model("ops")
        return model is not None and text in [m.text for m in model.messages()]

    qtbot.waitUntil(lambda: bob_sees("for members only"), timeout=10_000)

    # The admin takes bob out: the room leaves his sidebar with a notice, is
    # not joined again, and what he saw of it stays in his history here.
    arun(accounts_server.admin("rooms", "remove-member", "ops", "bob"))
    qtbot.waitUntil(lambda: _row(bob, "ops") is None, timeout=10_000)
    assert any("You were removed from the private room #ops" in t for t in system_lines(bob))
    assert "ops" not in bob.client.rooms
    bob.history.flush()
    kept = [m.text for m in bob.history.last(bob.shown.account.id, "ops", 50)]
    assert "for members only" in kept
    # Still out after the next list of private rooms (not rejoined).
    qtbot.wait(1000)
    assert _row(bob, "ops") is None and "ops" not in bob.client.rooms


def test_too_many_attempts_say_wait_and_retry_later_on_their_own(
    open_window: Callable[..., ChatSession],
    accounts_server: AccountsServer,
    arun: Callable[..., Any],
    qtbot: Any,
    no_keyring: None,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A minute, in the app; a second here, to see the retry come on its own.
    monkeypatch.setattr(connection, "SIGNIN_RATE_WAIT", 1.0)
    arun(accounts_server.account("frank", PASSWORD))
    session = open_window(accounts_server.url)
    dialog = form(qtbot, session, "asks you to sign in")
    # The server takes 5 password attempts for an account, then one every 30 s.
    for tried in range(5):
        sign_in(qtbot, dialog, user="frank", password="guess")
        # Refused (the first attempt was the one without a sign-in) and asked again.
        qtbot.waitUntil(
            lambda tried=tried: (
                session.client.attempts == tried + 2
                and session.client.held is not None
                and dialog.sign_in_button.isEnabled()
            ),
            timeout=10_000,
        )
        assert "did not accept" in dialog.reason.text()
    sign_in(qtbot, dialog, user="frank", password="guess again")
    form(qtbot, session, "Too many sign-in attempts")
    qtbot.waitUntil(
        lambda: "Too many sign-in attempts" in session.window.status_label.toolTip(),
        timeout=10_000,
    )
    # Not asked again at once, not hammered: tried again after the wait, unasked.
    attempts = session.client.attempts
    qtbot.waitUntil(lambda: session.client.attempts > attempts, timeout=10_000)
    assert session.client.held is None


def test_sign_out_forgets_what_the_keyring_kept_and_asks(
    open_window: Callable[..., ChatSession],
    accounts_server: AccountsServer,
    arun: Callable[..., Any],
    qtbot: Any,
    secret_service: SecretServiceBus,  # noqa: F811
) -> None:
    token = arun(accounts_server.account("gina"))
    session = open_window(accounts_server.url, settings=Settings())
    sign_in(qtbot, form(qtbot, session, "asks you to sign in"), token=token)
    signed_in(qtbot, session, "gina")
    account = session.shown.account.id
    qtbot.waitUntil(
        lambda: secret_service.lookup(service="desktop-chat", username=account) is not None,
        timeout=10_000,
    )
    # The account's menu: Sign out.
    sidebar = session.window.sidebar
    qtbot.waitUntil(lambda: sidebar.accounts.row_of(account) >= 0)
    menu = sidebar.account_menu(sidebar.accounts.index(sidebar.accounts.row_of(account)))
    assert menu is not None
    action = next(a for a in menu.actions() if a.objectName() == "signOutAction")
    action.trigger()
    form(qtbot, session, "asks you to sign in")
    assert session.client.status.state is ConnectionState.OFFLINE
    qtbot.waitUntil(
        lambda: secret_service.lookup(service="desktop-chat", username=account) is None,
        timeout=10_000,
    )
    # And the next start asks again.
    arun(session.close())
    again = open_window(accounts_server.url, settings=Settings())
    form(qtbot, again, "asks you to sign in")


def test_a_private_room_left_here_is_not_joined_again(
    open_window: Callable[..., ChatSession],
    accounts_server: AccountsServer,
    arun: Callable[..., Any],
    qtbot: Any,
    no_keyring: None,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    token = arun(accounts_server.account("hana"))
    arun(accounts_server.admin("rooms", "add", "plans", "--private", "--member", "hana"))
    session = open_window(accounts_server.url, settings=Settings())
    sign_in(qtbot, form(qtbot, session, "asks you to sign in"), token=token)
    signed_in(qtbot, session, "hana")
    # A private room the admin made with her in it shows up on its own, locked.
    qtbot.waitUntil(lambda: _row(session, "plans") is not None, timeout=10_000)
    qtbot.waitUntil(lambda: bool(_row(session, "plans").data(ConversationRole.PRIVATE)))
    # She leaves it (the Leave button): the list of private rooms still has it,
    # but the window does not join it again when it next reads that list (the
    # admin adds her to another room: `room-added`, the list asked, that room
    # joined, and not this one).
    session.window.select_room("plans")
    qtbot.waitUntil(lambda: session.window.sidebar.leave_button.isEnabled())
    qtbot.mouseClick(session.window.sidebar.leave_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _row(session, "plans") is None, timeout=10_000)
    arun(accounts_server.admin("rooms", "add", "later", "--private", "--member", "hana"))
    qtbot.waitUntil(lambda: _row(session, "later") is not None, timeout=10_000)
    assert _row(session, "plans") is None and "plans" not in session.client.rooms
    arun(session.close())

    # The next start (as `desktop-chat` alone): still not joined when the
    # server lists her private rooms, which it does at every connection.
    again = open_window(None, "", settings=Settings())
    sign_in(qtbot, form(qtbot, again, "asks you to sign in"), token=token)
    signed_in(qtbot, again, "hana")
    qtbot.waitUntil(lambda: {"plans", "later"} <= again.client.private_rooms.rooms, timeout=10_000)
    qtbot.waitUntil(lambda: _row(again, "later") is not None, timeout=10_000)
    assert _row(again, "plans") is None and "plans" not in again.client.rooms
    # Taken out of it and then added again by the admin: a new invitation,
    # shown again (leaving once is not refusing every later invitation).
    arun(accounts_server.admin("rooms", "remove-member", "plans", "hana"))
    qtbot.waitUntil(lambda: "plans" not in again.client.private_rooms.rooms, timeout=10_000)
    arun(accounts_server.admin("rooms", "add-member", "plans", "hana"))
    qtbot.waitUntil(lambda: _row(again, "plans") is not None, timeout=10_000)
