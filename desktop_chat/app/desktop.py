"""The app at home on the desktop: notifications, tray, settings, language,
theme, keyboard and screen readers, wired around one ChatSession.

Kept apart from session.py so that the chat itself (window, client,
hosting) does not change with the desktop's features; `run.py` makes one
`Desktop` per session and closes it on the way out.
"""

from __future__ import annotations

import base64
import html
import logging
import time
from functools import partial

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Signal
from PySide6.QtGui import QCloseEvent, QIcon
from PySide6.QtWidgets import QApplication, QSplitter, QSystemTrayIcon

from desktop_chat.app.account_session import AccountSession
from desktop_chat.app.first_paint import WindowLook, restore_geometry
from desktop_chat.app.notifications import DesktopNotifications
from desktop_chat.app.session import ChatSession
from desktop_chat.client.status import ConnectionState, Status
from desktop_chat.protocol.mentions import mentions_me
from desktop_chat.protocol.messages import Message
from desktop_chat.protocol.urls import InvalidServerUrl, ServerTarget, parse_server_url
from desktop_chat.resources import icon_path
from desktop_chat.ui.accessibility import Announcer
from desktop_chat.ui.export_words import ask_export_path
from desktop_chat.ui.i18n import choose_language
from desktop_chat.ui.notify_policy import Bursts, is_replayed, should_notify
from desktop_chat.ui.settings_dialog import SettingsDialog
from desktop_chat.ui.shortcuts import ShortcutsHelp, WindowActions
from desktop_chat.ui.tr import fill
from desktop_chat.ui.tray import TrayIcon

log = logging.getLogger(__name__)
BODY_CHARS = 200  # the start of a message shown in a notification


translate = QCoreApplication.translate


class NotificationText(QObject):
    """The words of a notification (a QObject for `self.tr`'s plural forms)."""

    def of(self, message: Message, count: int) -> tuple[str, str]:
        """(summary, body): the summary plain; the body escaped, since the
        spec lets daemons read markup in it."""
        room = f"#{message.room}" if message.room else self.tr("everyone")
        sender = message.sender or self.tr("Someone")
        if count > 1:
            summary = fill(self.tr("%n new messages in %1", "", count), room)
        elif message.room:
            summary = fill(self.tr("%1 in %2"), sender, room)
        else:
            summary = sender
        text = message.text
        if len(text) > BODY_CHARS:
            text = text[:BODY_CHARS] + "…"
        body = f"{sender}: {text}" if count > 1 else text
        return summary, html.escape(body, quote=False)


# Between an account's id and a room in the key of a notification's conversation.
_ACCOUNT_SEP = "\x1f"


class Desktop(QObject):
    quit_requested = Signal()
    conversation_requested = Signal(str)  # a notification was clicked: show this one

    def __init__(
        self,
        session: ChatSession,
        app: QApplication,
        language: str | None = None,
        look: WindowLook | None = None,
    ) -> None:
        """`look`: the language, theme and font already applied, and the window
        already in its place (app/first_paint.py); else done here."""
        super().__init__()
        self.session = session
        self.settings = session.settings
        self.window = window = session.window
        self._app = app
        self._quitting = False
        self._remember = session.options.remember
        self.connected_since: float | None = None  # of the account whose status came last
        self._since: dict[int, float] = {}  # id(AccountSession) -> when it last connected
        self.bursts = Bursts()
        self.texts = NotificationText(self)
        self._latest: dict[str, Message] = {}  # newest message per conversation
        placed = look is not None
        self.look = look or WindowLook.apply(app, self.settings, language)
        self.translations = self.look.translations
        # The status line is made by the bridge: said again in the new language.
        self.translations.language_changed.connect(self._retranslate_status)
        self.theme = self.look.theme

        self.actions = WindowActions(
            window,
            {
                "server": window.server_url,
                "room": window.room_input,
                "messages": window.message_list,
                "input": window.message_input,
            },
        )
        self.actions.set_dnd(self.settings.do_not_disturb)
        self.settings_dialog: SettingsDialog | None = None
        self.help: ShortcutsHelp | None = None
        self.announcer = Announcer(window.message_list, session.model)
        # The conversation shown changes (the sidebar, another account): read out
        # that one's messages.
        session.shown_changed.connect(lambda _s: self.announcer.set_model(session.model))

        self.tray: TrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = TrayIcon(QIcon(str(icon_path())))
            self.tray.set_dnd(self.settings.do_not_disturb)
            self.tray.show_hide_requested.connect(self.toggle_window)
            self.tray.dnd_toggled.connect(lambda on: self.set_setting("do_not_disturb", on))
            self.tray.quit_requested.connect(self.quit)
            # Whose window this is: the tooltip says the name (as the title does).
            self.tray.set_name(session.client.name)
            window.windowTitleChanged.connect(self._tray_name)
            self.tray.show()
        self.notifications = DesktopNotifications(
            "desktop-chat", self._notification_action, self.bursts.closed, str(icon_path())
        )

        self.actions.settings_requested.connect(self.open_settings)
        self.window.settings_requested.connect(self.open_settings)
        self.actions.export_requested.connect(self.ask_export)
        self.actions.help_requested.connect(self.open_help)
        self.actions.quit_requested.connect(self.quit)
        self.actions.dnd_toggled.connect(lambda on: self.set_setting("do_not_disturb", on))
        for account in session.sessions:
            self._attach(account)
        session.session_added.connect(self._attach)
        session.session_removed.connect(self._unread_changed)
        window.installEventFilter(self)
        if not placed:
            restore_geometry(window, self.settings)
        if self.settings.problem:
            note = self.tr("Some settings could not be read (%1); defaults are used instead.")
            session.bridge.show_system(fill(note, self.settings.problem))

    async def start(self) -> None:
        """Reach the notification daemon (none is fine)."""
        if await self.notifications.start():
            log.info("notifications through %s", " ".join(self.notifications.server[:3]))

    def _tray_name(self, _title: str = "") -> None:
        if self.tray is not None:
            self.tray.set_name(self.session.client.name)

    async def close(self) -> None:
        """On the way out: the window may close for good now (not to the tray)."""
        self._quitting = True
        self._save_geometry()
        self.theme.stop_following()
        await self.notifications.close()
        if self.tray is not None:
            self.tray.hide()

    # ---- notifications and unread -------------------------------------------

    def window_active(self) -> bool:
        w = self.window
        return w.isVisible() and not w.isMinimized() and w.isActiveWindow()

    def _retranslate_status(self, _language: str) -> None:
        for account in self.session.sessions:
            account.bridge.refresh_status()

    def _attach(self, account: AccountSession) -> None:
        """Notifications and the tray's count cover every account of the window."""
        account.bridge.messages_added.connect(lambda batch: self._messages(account, batch))
        counts = account.conversations.list_model
        for signal in (counts.dataChanged, counts.rowsInserted, counts.rowsRemoved):
            signal.connect(self._unread_changed)
        account.bridge.status_changed.connect(lambda status: self._status(account, status))
        account.conversations.current_changed.connect(
            lambda _room: self.announcer.set_model(self.session.model)
        )

    def _status(self, account: AccountSession, status: Status) -> None:
        if status.state is ConnectionState.CONNECTED:
            self.connected_since = self._since[id(account)] = time.time()
            if account is self.session.shown:
                self.announcer.live_since = self.connected_since
            target = account.client.target
            if target is not None and self._remember and account is self.session.sessions[0]:
                self.settings.remember_server(target.url.url, target.path, self._transport())
                self.settings.save()

    def _transport(self) -> str:
        chosen = self.session.options.transports
        return ",".join(chosen) if chosen else ""

    def _messages(self, account: AccountSession, batch: list[Message]) -> None:
        s = self.settings
        shown_here = account is self.session.shown
        active = self.window_active() and shown_here
        for message in batch:
            replaying = is_replayed(message, self._since.get(id(account), self.connected_since))
            room = account.conversations.target_of(message)
            muted = room in s.muted
            shown = self.window.room() if shown_here else None  # the conversation on screen
            # Each account's conversations with its id, so that a click shows that
            # account (the first one's too: another may be shown, or be first by then).
            conversation = f"{account.id}{_ACCOUNT_SEP}{room}" if account.id else room
            mentioned = muted and mentions_me(message, account.client.name)
            if not should_notify(message, active, shown, muted, False, replaying, mentioned):
                continue  # seen, or not worth telling
            if s.do_not_disturb or not s.notifications:
                continue
            self._latest[conversation] = message
            request = self.bursts.add(conversation)
            if request is not None:
                self._notify(conversation, *request)

    @property
    def unread(self) -> int:
        """Others' messages not seen yet, in every conversation of every account
        (the sidebar's counts)."""
        return sum(account.unread() for account in self.session.sessions)

    def _unread_changed(self, *_: object) -> None:
        if self.tray is not None:
            self.tray.set_unread(self.unread)

    def _notify(self, conversation: str, count: int, replaces: int) -> None:
        summary, body = self.texts.of(self._latest[conversation], count)
        self.notifications.show(
            summary, body, replaces, partial(self._shown, conversation), self.tr("Open")
        )

    def _shown(self, conversation: str, notification_id: int) -> None:
        again = self.bursts.shown(conversation, notification_id)
        if again is not None and conversation in self._latest:
            self._notify(conversation, *again)

    def _notification_action(self, notification_id: int, action: str) -> None:
        conversation = self.bursts.conversation_for(notification_id)
        if conversation is None or action != "default":
            return
        self.bursts.closed(notification_id)
        self.show_window()
        account, _sep, room = conversation.rpartition(_ACCOUNT_SEP)
        if account:
            self.session.show_account(account)
        self.window.select_room(room)  # that conversation, shown
        self.conversation_requested.emit(room)

    def seen(self) -> None:
        """The user is looking: the notifications go (the conversation shown is
        read by the conversations themselves; the tray follows their counts)."""
        for notification_id in self.bursts.seen():
            self.notifications.close_notification(notification_id)

    # ---- the window --------------------------------------------------------

    def show_window(self) -> None:
        w = self.window
        w.show()
        w.setWindowState(w.windowState() & ~w.windowState().WindowMinimized)
        w.raise_()
        w.activateWindow()
        if self.tray is not None:
            self.tray.set_window_visible(True)

    def toggle_window(self) -> None:
        if self.window.isVisible() and not self.window.isMinimized():
            self.window.hide()
            if self.tray is not None:
                self.tray.set_window_visible(False)
        else:
            self.show_window()

    def keeps_running_in_tray(self) -> bool:
        return self.tray is not None and self.settings.keep_in_tray

    def quit(self) -> None:
        self._quitting = True
        self.quit_requested.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window:
            kind = event.type()
            if kind == QEvent.Type.Close and isinstance(event, QCloseEvent):
                self._save_geometry()
                if not self._quitting and self.keeps_running_in_tray():
                    event.ignore()
                    self.window.hide()
                    if self.tray is not None:
                        self.tray.set_window_visible(False)
                    return True  # the window's closed signal is not emitted
            elif kind == QEvent.Type.WindowActivate:
                self.seen()
        return False

    def _save_geometry(self) -> None:
        s, w = self.settings, self.window
        s.geometry = base64.b64encode(w.saveGeometry().data()).decode("ascii")
        s.window_state = base64.b64encode(w.saveState().data()).decode("ascii")
        s.splitters = {
            splitter.objectName(): base64.b64encode(splitter.saveState().data()).decode("ascii")
            for splitter in w.findChildren(QSplitter)
            if splitter.objectName()
        }
        if self._remember:
            s.save()

    # ---- settings ------------------------------------------------------------

    def ask_export(self) -> None:
        """Chat → Export…: where to, and as what; the conversation shown when asked."""
        room = self.session.conversations.current

        def chosen(path: str, fmt: str) -> None:
            self.session.export(room, path, fmt)

        ask_export_path(self.window, room, chosen)

    def open_settings(self) -> None:
        if self.settings_dialog is None:
            dialog = SettingsDialog(self.window, tray_available=self.tray is not None)
            dialog.changed.connect(self.set_setting)
            dialog.server_chosen.connect(self._server_chosen)
            dialog.show_accounts(self.session.account_rows)
            dialog.account_add_requested.connect(self.window.start_add_account)
            dialog.account_remove_requested.connect(self.window.account_remove_requested)
            dialog.account_move_requested.connect(self.window.account_move_requested)
            self.settings_dialog = dialog
        self.settings_dialog.load(self.settings)
        # The name in use (from --name, the settings or the login), as the window shows it.
        self.settings_dialog.name_edit.setText(self.session.client.name)
        self.settings_dialog.show()
        self.settings_dialog.raise_()
        self.settings_dialog.activateWindow()

    def open_help(self) -> None:
        if self.help is None:
            self.help = ShortcutsHelp(self.actions, self.window)
        self.help.retranslateUi()
        self.help.show()
        self.help.raise_()

    def set_setting(self, key: str, value: object) -> None:
        """Apply one changed setting now, and keep it."""
        if not hasattr(self.settings, key):
            return
        if key == "name":
            # As the window's name field does: the session checks it, tells the
            # server, and remembers it (a refused name is not kept).
            if isinstance(value, str) and value:
                self.window.name_change_requested.emit(value)
            return
        setattr(self.settings, key, value)
        if key == "theme":
            self.theme.apply(str(value))
        elif key == "language":
            self.translations.apply(choose_language(None, str(value)))
        elif key == "format_messages":
            self.window.set_format_messages(bool(value))
        elif key == "show_connection_id":
            self.session.show_connection_ids(bool(value))
        elif key == "font_size" and isinstance(value, int):
            self._apply_font(value)
        elif key == "do_not_disturb":
            self.actions.set_dnd(bool(value))
            if self.tray is not None:
                self.tray.set_dnd(bool(value))
        if self._remember:
            self.settings.save()

    def _apply_font(self, size: int) -> None:
        self.look.set_font_size(self._app, size)

    def _server_chosen(self, url: str, path: str, _transport: str) -> None:
        try:
            parsed = parse_server_url(url)
        except InvalidServerUrl:
            return
        self.session.connect_shown(ServerTarget(parsed, path))
