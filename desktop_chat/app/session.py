"""The composition root: Qt application, asyncio-on-Qt loop, wiring, one shutdown path.

(Why over 400 lines: it is the composition root; every intent of the window
is routed here to the account shown, one connect per line, and the start and
shutdown paths stay together so that there is one of each. What each part
does lives apart: an account's client, conversations, history and presence
(`account_session.py`), the accounts of the window and the switch between
them (`window_accounts.py`), the accounts on disk (`accounts_link.py`), the
local files (`local_data.py`), hosting (`window_hosting.py`) and the desktop
(`desktop.py`).)

`ChatSession` is one window with its accounts (and the server it hosts, if
any); `run()` is what the `desktop-chat` command does with it. Tests build
sessions in their own loop and drive them as a user would.
"""

from __future__ import annotations

import asyncio
import logging

from PySide6.QtCore import QCoreApplication, QObject, SignalInstance

from desktop_chat.accounts.account import Account
from desktop_chat.accounts.store import AccountStore
from desktop_chat.app.account_session import AccountSession, ClientOptions
from desktop_chat.app.accounts_link import AccountsLink
from desktop_chat.app.credentials import CredentialVault
from desktop_chat.app.exporting import Exporter
from desktop_chat.app.hosting import HostedServer
from desktop_chat.app.keeping import Keeping
from desktop_chat.app.local_data import open_local_data
from desktop_chat.app.options import Options
from desktop_chat.app.presence_link import PresenceLink
from desktop_chat.app.profile_choice import ProfileChoice, profiles_dir
from desktop_chat.app.settings import Settings, default_name
from desktop_chat.app.window_accounts import WindowAccounts
from desktop_chat.app.window_hosting import WindowHosting
from desktop_chat.client.chat_client import Backoff, ChatClient
from desktop_chat.client.history import Hit
from desktop_chat.client.local_db import data_dir
from desktop_chat.client.profile import Profile
from desktop_chat.protocol.messages import (
    Message,
    display_text,
)
from desktop_chat.protocol.urls import (
    DEFAULT_PATH,
    InvalidServerUrl,
    ServerTarget,
    normalize_path,
    parse_server_url,
)
from desktop_chat.ui.account_list_model import AccountListModel
from desktop_chat.ui.bridge import ClientBridge
from desktop_chat.ui.compose_bar import answered_not_kept_text
from desktop_chat.ui.conversations import Conversations
from desktop_chat.ui.export_words import ExportText
from desktop_chat.ui.inspector import Inspector
from desktop_chat.ui.main_window import MainWindow
from desktop_chat.ui.message_model import MessageModel

log = logging.getLogger(__name__)
translate = QCoreApplication.translate

MAX_NAME_CHARS = 64  # as desktop-chat-server keeps them (it cuts longer ones)


class ChatSession(QObject):
    """One window: its accounts (one `AccountSession` each), the one shown, the
    server it hosts if any, and the wiring of the window's intents."""

    def __init__(
        self,
        options: Options,
        settings: Settings | None = None,
        backoff: Backoff | None = None,
        window: MainWindow | None = None,
    ) -> None:
        """`window`: one already shown (app/first_paint.py), else a new one."""
        super().__init__()
        self.options = options
        self.settings = settings if settings is not None else Settings()
        self.name = options.name or self.settings.name or default_name()
        # What this window keeps on disk (or in memory): app/local_data.py.
        local = open_local_data(options.remember)
        self.database, self.identity, self.history = local.database, local.identity, local.history
        self._notes: list[str] = local.notes  # said in the window once it is up
        # The accounts: this window's identity on each server it uses (accounts/).
        self.accounts = AccountsLink(AccountStore(self.database), self.history, self.identity.key)
        # What accounts sign in with: the keyring, or the user's own file (credentials.py).
        self.vault = CredentialVault(data_dir())
        self._client_options = ClientOptions(
            backoff=backoff,
            token=options.token,
            send_token_over_http=options.send_token_over_http,
            tls=options.tls,
            transports=options.transports,
        )
        # The first account speaks with the key of the window's first listed
        # account (or the identity's own): it is the one that may host.
        listed = self.accounts.accounts()
        self._first_listed = listed[0] if listed and not options.urls else None
        first = self._first_listed
        provisional = Account(
            "", self.identity.key, first.key if first else self.identity.key, "", "", ""
        )
        self.window = window if window is not None else MainWindow(MessageModel())
        self.exporter = Exporter(self.history, self)
        self.exporter.exported.connect(self._exported)
        self.exporter.failed.connect(self._export_failed)
        self.window.set_format_messages(self.settings.format_messages)
        self.in_window = WindowAccounts(self.accounts, self.window, self._make_session)
        self.window.show_accounts(self.in_window.rows)
        # The first listed account speaks with its own name (it may have been
        # moved first; the settings' name is that of the window's first account).
        first_name = first.name if first is not None and not options.name else ""
        self.in_window.add(provisional, first_name or self.name)
        self.profiles = ProfileChoice(
            profiles_dir(options.remember, options.profiles_dir), self.settings, options.profile
        )
        self.inspector = Inspector(self.window, self.shown.client)
        # The server this window hosts, on its own thread (app/window_hosting.py).
        # It belongs to the window's first account, whatever the order shown later.
        self.hosting_account = self.shown
        self.hosted = WindowHosting(options, lambda: self.hosting_account, self.window)
        self._closed = False
        self._searching: asyncio.Future[list[Hit]] | None = None  # the newest search
        self._opening: set[asyncio.Future[None]] = set()  # accounts being opened
        self._wire()

    # ---- the account shown ------------------------------------------------------

    @property
    def sessions(self) -> list[AccountSession]:
        """The window's accounts, in order."""
        return self.in_window.sessions

    @property
    def shown(self) -> AccountSession:
        shown = self.in_window.shown
        assert shown is not None  # the first account is made with the window
        return shown

    @property
    def account_rows(self) -> AccountListModel:
        return self.in_window.rows

    @property
    def session_added(self) -> SignalInstance:
        return self.in_window.session_added

    @property
    def session_removed(self) -> SignalInstance:
        return self.in_window.session_removed

    @property
    def shown_changed(self) -> SignalInstance:
        return self.in_window.shown_changed

    @property
    def client(self) -> ChatClient:
        return self.shown.client

    @property
    def bridge(self) -> ClientBridge:
        return self.shown.bridge

    @property
    def conversations(self) -> Conversations:
        return self.shown.conversations

    @property
    def keeping(self) -> Keeping:
        return self.shown.keeping

    @property
    def presence(self) -> PresenceLink:
        return self.shown.presence

    @property
    def account(self) -> Account | None:
        """The account shown (None until the window knows where it connects)."""
        return self.shown.account if self.shown.account.id else None

    @property
    def model(self) -> MessageModel:
        """The conversation shown."""
        return self.conversations.current_model

    def messages(self) -> list[Message]:
        """Every message of every conversation of the account shown (tests, automation)."""
        return self.conversations.messages()

    def session_of(self, account: str) -> AccountSession | None:
        return self.in_window.session_of(account)

    # ---- accounts -------------------------------------------------------------

    def _make_session(self, account: Account, name: str) -> AccountSession:
        session = AccountSession(
            account,
            name,
            self.database,
            self.history,
            self.window,
            self._client_options,
            self.vault,
            self.accounts,
        )
        b, c = session.bridge, session.conversations
        b.show_connection_id = self.settings.show_connection_id
        b.status_text_changed.connect(
            lambda summary, details, s=session: self._show_status(s, summary, details)
        )
        b.connected_to.connect(lambda target, s=session: self._connected(s, target))
        b.send_refused.connect(lambda text, why, s=session: self._send_refused(s, text, why))
        b.join_problem.connect(lambda room, why, s=session: self._join_problem(s, room, why))
        b.retry_pending.connect(lambda waiting, s=session: self._retry_pending(s, waiting))
        b.info_received.connect(lambda s=session: self._changes_known(s))
        b.status_changed.connect(lambda _status, s=session: self._changes_known(s))
        c.current_changed.connect(lambda room, s=session: self._conversation_shown(s, room))
        b.room_answered.connect(
            lambda kind, room, code, name, s=session: (
                self.window.private_rooms.answered(kind, room, code, name)
                if s is self.shown
                else None
            )
        )
        return session

    def show_connection_ids(self, on: bool) -> None:
        """The Settings check box: "You connected with id : …" lines from the next
        connection on, on the tutorial's profile (ClientBridge._notice)."""
        self.settings.show_connection_id = on
        for session in self.sessions:
            session.bridge.show_connection_id = on

    def show_account(self, account: str) -> None:
        """Show another account: its conversations, and its name, address, profile
        and status in the window."""
        session = self.in_window.show(account)
        if session is not None:
            self._shown_parts(session)
            self.in_window.announce_shown()

    def _shown_parts(self, session: AccountSession) -> None:
        self.window.show_name(session.client.name)
        self._title()
        if session.target is not None:
            self.window.show_address(session.target.url.url)
        self._show_profile(session.client.profile)
        session.presence.known()  # its participants and count (the profile reset the bar)
        self.window.show_status(
            self._status_words(session.status_summary), self._status_words(session.status_text)
        )
        self.window.show_reconnect(session.status.retry_at is not None)
        self.window.show_offline(session.status.user_offline)
        self.window.lines.set_changes_supported(session.bridge.has_changes)
        self.window.files.set_files_supported(session.files.supported(), session.account.id)
        self.window.private_rooms.set_available(session.client.has_accounts)

    def _add_requested(self, text: str, name: str, profile_name: str) -> None:
        """Add account… : check the address, make the account, connect it, show it."""
        try:
            url = parse_server_url(text)
        except InvalidServerUrl as exc:
            self.window.show_account_problem(
                self.bridge.texts.invalid_address(self.bridge.texts.url_problem(exc))
            )
            return
        name = name.strip() or self.name
        if len(name) > MAX_NAME_CHARS:
            self.window.show_account_problem(
                QCoreApplication.translate(
                    "ChatSession", "A name has 1 to {most} characters."
                ).format(most=MAX_NAME_CHARS)
            )
            return
        target = ServerTarget(url, self._path)
        profile = (
            self.profiles.get(profile_name)
            if profile_name
            else (self.profiles.for_server(target.key))
        )
        account = self.accounts.add(target, name, profile.name)
        self.window.account_added()
        self.open_account(account, target, profile)
        self.show_account(account.id)

    def add_account(self, url: str, name: str = "", profile: str = "") -> Account | None:
        """An account added from outside the window (automation): as the dialog does."""
        before = {s.account.id for s in self.sessions}
        self._add_requested(url, name, profile)
        added = [s.account for s in self.sessions if s.account.id not in before]
        return added[0] if added else None

    def open_account(
        self, account: Account, target: ServerTarget, profile: Profile | None = None
    ) -> AccountSession:
        """An account of this window, connected (another one than the first): once
        what it kept is shown (after an earlier version's lines are its own)."""
        session = self.in_window.add(account, account.name or self.name)
        self.in_window.refresh()
        profile = profile or self.profiles.for_server(target.key)
        opening = asyncio.ensure_future(self._restore_and_connect(session, target, profile))
        self._opening.add(opening)
        opening.add_done_callback(self._opening.discard)
        return session

    async def _restore_and_connect(
        self, session: AccountSession, target: ServerTarget, profile: Profile
    ) -> None:
        await self._adopted(session)
        session.keeping.restore(session.account)
        await session.signin.restore()
        session.bridge.connect_to(target, profile)

    async def _adopted(self, session: AccountSession) -> None:
        """Wait, with the window answering, until the lines an earlier version
        kept for this account's server are its own (once, at the first start)."""
        if self.accounts.adopting(session.account):
            session.bridge.show_system(
                translate(
                    "ChatSession",
                    "Bringing over the messages an earlier version of desktop-chat kept "
                    "for this server…",
                )
            )
        await self.accounts.adopted(session.account)

    def remove_account(self, account: str) -> None:
        """Forget an account (the last one stays); its history stays on disk."""
        removed = self.session_of(account)
        instead = self.in_window.remove(account)
        if removed is self.hosting_account and removed not in self.sessions:
            # What the hosting says goes to an account still in the window.
            self.hosting_account = self.sessions[0]
        if instead is not None:
            self._shown_parts(instead)
            self.in_window.announce_shown()

    def move_account(self, account: str, offset: int) -> None:
        self.in_window.move(account, offset)

    # ---- the window's intents ---------------------------------------------------

    def _wire(self) -> None:
        w = self.window
        w.conversation_requested.connect(lambda room: self.conversations.show(room))
        w.seen_changed.connect(lambda seen: self.conversations.set_seen(seen))
        w.leave_requested.connect(lambda room: self.shown.leave(room))
        w.name_change_requested.connect(self.rename)
        w.send_requested.connect(
            lambda text, room: self.bridge.send(text, room, formatted=self.settings.format_messages)
        )
        w.lines.reply_requested.connect(
            lambda text, room, message: self.bridge.send(
                text, room, reply_to=message, formatted=self.settings.format_messages
            )
        )
        w.lines.edit_requested.connect(
            lambda message, text: self.bridge.edit(
                message, text, formatted=self.settings.format_messages
            )
        )
        w.lines.delete_requested.connect(lambda message: self.bridge.delete(message))
        w.lines.react_requested.connect(lambda message, emoji: self.bridge.react(message, emoji))
        w.lines.original_requested.connect(self._show_original)
        f = w.files
        f.attach_requested.connect(
            lambda paths, caption, room: self.shown.files.attach(paths, caption, room)
        )
        f.image_pasted.connect(
            lambda image, caption, room: self.shown.files.paste(image, caption, room)
        )
        f.download_requested.connect(
            lambda message, folder: self.shown.files.download(message, folder)
        )
        f.view_requested.connect(lambda message: self.shown.files.view(message))
        f.cancel_requested.connect(lambda id_: self.bridge.cancel_transfer(id_))
        f.retry_requested.connect(lambda id_: self.bridge.retry(id_))
        f.thumbnail_requested.connect(lambda message: self.bridge.request_thumbnail(message))
        w.join_requested.connect(lambda room: self.shown.join(room))
        w.retry_requested.connect(lambda id_: self.bridge.retry(id_))
        w.discard_requested.connect(lambda id_: self.bridge.discard(id_))
        w.connect_requested.connect(self._connect_typed)
        w.offline_toggled.connect(lambda offline: self.bridge.set_offline(offline))
        w.reconnect_requested.connect(lambda: self.bridge.reconnect_now())
        w.host_elsewhere_requested.connect(self.hosted.host_elsewhere_requested)
        w.search_requested.connect(self._search)
        w.result_chosen.connect(self._show_hit)
        w.account_requested.connect(self.show_account)
        w.account_add_requested.connect(self._add_requested)
        w.account_remove_requested.connect(self.remove_account)
        w.account_move_requested.connect(self.move_account)
        w.signin_requested.connect(self._sign_in_asked)
        w.signout_requested.connect(self._sign_out_asked)
        w.private_rooms.create_requested.connect(
            lambda room, members: self.bridge.create_private_room(room, members)
        )
        w.private_rooms.invite_requested.connect(lambda room, name: self.bridge.invite(room, name))
        self.accounts.account_reported.connect(self._account_reported)
        self.shown_changed.connect(lambda s: self.inspector.set_client(s.client))

    def _sign_in_asked(self, account: str) -> None:
        session = self.session_of(account)
        if session is not None:
            session.signin.ask()

    def _sign_out_asked(self, account: str) -> None:
        session = self.session_of(account)
        if session is not None:
            session.signin.sign_out()

    def _account_reported(self, account: Account, change: str) -> None:
        for session in self.sessions:
            if session.account.id == account.id and change != "removed":
                session.account = account

    def export(self, room: str, path: str, fmt: str) -> asyncio.Task[int]:
        """Export the conversation of `room` of the account shown (Chat → Export…);
        the window says how it went."""
        task = asyncio.ensure_future(self.exporter.export(self.shown, room, path, fmt))
        # A failure is said in the window (`failed`); whoever asked may look too.
        task.add_done_callback(lambda done: done.cancelled() or done.exception())
        return task

    def _exported(self, path: str, count: int) -> None:
        self.window.statusBar().showMessage(ExportText().done(path, count), 10_000)

    def _export_failed(self, path: str, reason: str) -> None:
        self.window.statusBar().showMessage(ExportText().failed(path, reason), 15_000)

    def _show_original(self, message_id: str) -> None:
        if not self.shown.keeping.show_line(message_id):
            self.window.statusBar().showMessage(answered_not_kept_text(), 8000)

    def _changes_known(self, session: AccountSession) -> None:
        if session is self.shown:
            self.window.private_rooms.set_available(session.client.has_accounts)
            self.window.lines.set_changes_supported(session.bridge.has_changes)
            self.window.files.set_files_supported(session.files.supported(), session.account.id)

    def _search(self, query: str, everywhere: bool) -> None:
        """Search what this window can show: the conversation shown, or every
        conversation of every account of the window. As the user types: on a
        worker thread (a large history takes a while), and a newer query
        makes an older one's answer moot."""
        sessions = self.sessions if everywhere else [self.shown]
        jobs = [s.keeping.search_job(query, everywhere) for s in sessions]

        def work() -> list[Hit]:
            hits = [hit for job in jobs for hit in job()]
            hits.sort(key=lambda hit: hit.message.ts, reverse=True)
            return hits

        if self._searching is not None:
            self._searching.cancel()  # its thread finishes; its answer is not shown
        task = asyncio.ensure_future(asyncio.to_thread(work))
        self._searching = task

        def done(finished: asyncio.Future[list[Hit]]) -> None:
            if finished is self._searching:
                self._searching = None
            if finished.cancelled() or finished.exception() is not None or self._closed:
                return
            self.window.show_search_results(query, finished.result())

        task.add_done_callback(done)

    def _show_hit(self, hit: Hit) -> None:
        if hit.account and hit.account != self.shown.account.id:
            self.show_account(hit.account)
        self.shown.keeping.show_hit(hit)

    def _conversation_shown(self, session: AccountSession, room: str) -> None:
        if session is not self.shown:
            return
        model = session.conversations.model(room)
        if model is not None:
            self.window.show_conversation(room, model)

    def _join_problem(self, session: AccountSession, room: str, why: str) -> None:
        if session is self.shown:
            self.window.show_join_problem(room, why)

    def _send_refused(self, session: AccountSession, text: str, why: str) -> None:
        if session is self.shown:
            self.window.restore_input(text, why)

    def _retry_pending(self, session: AccountSession, waiting: bool) -> None:
        if session is self.shown:
            self.window.show_reconnect(waiting)

    def rename(self, typed: str) -> None:
        """Be called otherwise from now on, without a restart: remembered, and the
        server told (ours says it to the others) or reconnected to with the new name."""
        name = typed.strip()
        if name == self.client.name:
            return  # unchanged (Settings closed untouched): nothing to tell anyone
        if not name or len(name) > MAX_NAME_CHARS:
            self.window.show_name(self.client.name)
            self.bridge.show_system(
                QCoreApplication.translate(
                    "ChatSession", "A name has 1 to {most} characters; you are still {name}."
                ).format(most=MAX_NAME_CHARS, name=display_text(self.client.name))
            )
            return
        self.client.rename(name)
        self.window.show_name(name)
        if self.shown.account.id:
            self.shown.account = self.accounts.change(self.shown.account, name=name)
            self.account_rows.update(self.shown.account.id, name=name)
        self._title()
        if self.shown is self.sessions[0]:
            self.name = name
            self.settings.name = name
            if self.options.remember:
                self.settings.save()
        self.bridge.show_system(
            QCoreApplication.translate("ChatSession", "You are now called {name}.").format(
                name=display_text(name)
            )
        )

    def _title(self) -> None:
        title = f"desktop-chat — {display_text(self.client.name)}"
        if self.options.tls.insecure:
            title += translate("ChatSession", " — INSECURE (--insecure)")
        self.window.setWindowTitle(title)

    def _connected(self, session: AccountSession, target: ServerTarget) -> None:
        """A server answered: its account is this session's (another address typed
        brings another account, with its own conversations), and it is remembered."""
        if target.key != session.account.server:
            previous = session.account
            account = self.accounts.for_target(
                target, session.client.name, session.client.profile.name, session.account.key
            )
            if previous.id and previous.id != account.id:
                self.accounts.store.set_listed(previous.id, False)
            self.accounts.store.set_listed(account.id, True)
            session.account = account
            session.conversations.clear()
            session.keeping.restore(account)
            self.in_window.refresh()
        for room in session.client.rooms:
            session.conversations.add(room)
        if session.client.rooms and not session.conversations.fallback_room:
            session.conversations.fallback_room = session.client.rooms[-1]
        if session is self.shown:
            self.window.show_server(target.url.url)
        if self.profiles.remember(target.key, session.client.profile) and self.options.remember:
            self.settings.save()
        if (
            session is self.sessions[0]
            and self.options.remember
            and (self.settings.url, self.settings.path) != (target.url.url, target.path)
        ):
            self.settings.url = target.url.url
            self.settings.path = target.path
            self.settings.save()

    def _status_words(self, text: str) -> str:
        if self.options.tls.insecure:
            warning = translate("ChatSession", "⚠ INSECURE: TLS certificates are not checked · ")
            text = warning + text
        return text

    def _show_status(self, session: AccountSession, summary: str, details: str) -> None:
        if session is self.shown:
            self.window.show_status(self._status_words(summary), self._status_words(details))

    def _connect_typed(self, text: str) -> None:
        """Connect (again) to what the form says, speaking its chosen profile."""
        profile = self.profiles.get(self.window.profile_name())
        try:
            url = parse_server_url(text)
        except InvalidServerUrl:
            pass  # the bridge says why
        else:
            current = self.client.target
            if self._show_other_account(
                ServerTarget(url, current.path if current else DEFAULT_PATH)
            ):
                return
        self._show_profile(profile)
        self.bridge.connect_to_text(text, profile)

    def connect_shown(self, target: ServerTarget) -> None:
        """Move the account shown to another server (the settings' server)."""
        if not self._show_other_account(target):
            self.window.show_address(target.url.url)
            self.bridge.connect_to(target)

    def _show_other_account(self, target: ServerTarget) -> bool:
        """The account shown would move to a server where another account of the
        window speaks with the same client key (two of one account, the server
        seeing one client twice): that account is shown instead."""
        found = self.accounts.store.for_key(self.shown.account.key, target.key)
        other = self.session_of(found.id) if found is not None else None
        if other is None or other is self.shown:
            return False
        self.show_account(other.account.id)
        return True

    def _show_profile(self, profile: Profile) -> None:
        presence = bool(profile.notices())
        self.window.show_profile(profile.name, rooms=profile.rooms, presence=presence)

    @property
    def server(self) -> HostedServer | None:
        """The server this window hosts, if it does."""
        return self.hosted.server

    @property
    def hosting(self) -> bool:
        return self.hosted.hosting

    @property
    def _path(self) -> str:
        return self.hosted.path

    async def host_elsewhere(self) -> None:
        await self.hosted.host_elsewhere()

    async def start(self) -> None:
        """Show the window, decide where to connect (hosting if need be), connect;
        then the window's other accounts."""
        opts = self.options
        self._title()
        self.window.show_name(self.client.name)
        if opts.tls.insecure:
            self.bridge.show_system(
                translate(
                    "ChatSession",
                    "Warning: --insecure is on. TLS certificates are not checked, so anyone "
                    "between you and the server can read and change this conversation.",
                )
            )
        self.window.set_profiles(self.profiles.names(), self.client.profile.name)
        for problem in self.profiles.problems:
            self.bridge.show_system(problem)
        self.window.show()
        for note in self._notes:
            self.bridge.show_system(note)
        first = self._first_listed
        try:
            path = normalize_path(
                opts.path
                if opts.url or opts.path != DEFAULT_PATH
                else (first.path if first else (self.settings.path or DEFAULT_PATH))
            )
        except InvalidServerUrl as exc:
            why = self.bridge.texts.url_problem(exc)
            self.bridge.show_system(self.bridge.texts.cannot_connect(why))
            path = DEFAULT_PATH
        self.hosted.path = path
        text = (
            opts.url
            if opts.url is not None
            else (first.url if first else (self.settings.url or opts.default_url))
        )
        self.window.show_address(text)
        try:
            url = parse_server_url(text)
        except InvalidServerUrl as exc:
            why = self.bridge.texts.url_problem(exc)
            self.bridge.show_system(self.bridge.texts.cannot_connect(why))
            self.window.show_status(self.bridge.texts.invalid_address(why))
            return
        taken = False
        if opts.url is None and url.is_loopback and url.scheme == "http":
            if opts.remember:
                self.hosted.watch_for_takeover(url, path)
            await self.hosted.host_if_free(url, path)
            taken = not self.hosting and await self.hosted.taken_by_another_server(url, path)
        target = ServerTarget(url, path)
        profile = self.profiles.for_server(target.key)
        # The account, and what it kept, before the outbox and catch-up show anything.
        account = self.accounts.for_target(
            target, self.client.name, profile.name, self.shown.account.key
        )
        self.accounts.store.set_listed(account.id, True)
        self.shown.account = account
        await self._adopted(self.shown)
        self.keeping.restore(account)
        self._show_profile(profile)
        if opts.room and profile.rooms:
            self.window.offer_room(opts.room.strip())
            self.shown.join(opts.room)
        if not taken:
            await self.shown.signin.restore()
            self.bridge.connect_to(target, profile)
        self._open_the_others(account)
        self.in_window.refresh()

    def _open_the_others(self, first: Account) -> None:
        """The window's other accounts, as they were left, and any more --url."""
        for account in self.accounts.accounts():
            if self.session_of(account.id) is None and account.id != first.id:
                try:
                    url = parse_server_url(account.url)
                except InvalidServerUrl:
                    continue
                profile = self.profiles.get(account.profile) if account.profile else None
                self.open_account(account, ServerTarget(url, account.path), profile)
        for text in self.options.more_urls:
            try:
                target = ServerTarget(parse_server_url(text), self._path)
            except InvalidServerUrl as exc:
                why = self.bridge.texts.url_problem(exc)
                self.bridge.show_system(self.bridge.texts.cannot_connect(why))
                continue
            profile = self.profiles.for_server(target.key)
            account = self.accounts.for_target(target, self.name, profile.name)
            if self.session_of(account.id) is None:
                self.accounts.store.set_listed(account.id, True)
                self.open_account(account, target, profile)

    async def close(self) -> None:
        """The one shutdown path: disconnect, stop a hosted server, close the window.
        Safe to call more than once."""
        if self._closed:
            return
        self._closed = True
        if self._searching is not None:
            self._searching.cancel()
        await self.hosted.stop_watching()
        self.inspector.close()
        for session in self.sessions:
            await session.close()
        self.history.close()
        self.database.close()
        self.identity.release()
        await self.hosted.stop()
        self.window.close()
        self.window.deleteLater()
