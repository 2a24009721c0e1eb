"""The composition root: Qt application, asyncio-on-Qt loop, wiring, one shutdown path.

(Why over 400 lines: it is the composition root; every part of the window
is wired here, one connect per line, and the start and shutdown paths stay
together so that there is one of each. The wiring of history and drafts
(`keeping.py`), presence (`presence_link.py`) and the desktop (`desktop.py`)
already lives apart.)

`ChatSession` is one window with its client (and the server it hosts, if
any); `run()` is what the `desktop-chat` command does with it. Tests build
sessions in their own loop and drive them as a user would.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QCoreApplication

from desktop_chat.app.host_takeover import HostLock, Takeover, host_lock_path
from desktop_chat.app.hosting import HostedServer, HostingError
from desktop_chat.app.keeping import Keeping
from desktop_chat.app.port_probe import Answer, free_port, probe
from desktop_chat.app.presence_link import PresenceLink
from desktop_chat.app.profile_choice import ProfileChoice, profiles_dir
from desktop_chat.app.settings import Settings, default_name
from desktop_chat.client.channels import ChannelStore
from desktop_chat.client.chat_client import Backoff, ChatClient, TlsOptions
from desktop_chat.client.drafts import DraftStore
from desktop_chat.client.history import History, default_history_path
from desktop_chat.client.identity import claim_identity, ephemeral_identity
from desktop_chat.client.local_db import data_dir, open_client_db, open_client_db_noting
from desktop_chat.client.local_db import default_db_path as client_db_path
from desktop_chat.client.outbox import Outbox
from desktop_chat.client.profile import Profile
from desktop_chat.client.status import Status
from desktop_chat.protocol.messages import (
    DeliveryUpdate,
    Message,
    display_text,
)
from desktop_chat.protocol.urls import (
    DEFAULT_PATH,
    DEFAULT_URL,
    InvalidServerUrl,
    ServerTarget,
    ServerUrl,
    normalize_path,
    parse_server_url,
)
from desktop_chat.server.chat_server import default_db_path
from desktop_chat.ui.bridge import ClientBridge
from desktop_chat.ui.conversations import Conversations
from desktop_chat.ui.inspector import Inspector
from desktop_chat.ui.main_window import MainWindow
from desktop_chat.ui.message_model import MessageModel
from desktop_chat.ui.tr import fill

log = logging.getLogger(__name__)
translate = QCoreApplication.translate

MAX_NAME_CHARS = 64  # as desktop-chat-server keeps them (it cuts longer ones)



@dataclass(slots=True)
class Options:
    url: str | None = None  # explicit: never host
    path: str = DEFAULT_PATH
    name: str = ""
    room: str = ""
    default_url: str = DEFAULT_URL  # what a first start without --url uses
    remember: bool = True  # settings, outbox and a hosted server's messages on disk
    token: str | None = None  # sent in auth; never logged
    send_token_over_http: bool = False  # the user accepts a token in clear to another host
    tls: TlsOptions = field(default_factory=TlsOptions)
    # Engine.IO transports, e.g. ["polling"] where a proxy blocks websockets;
    # None is python-engineio's default (polling, then upgrade to websocket).
    transports: list[str] | None = None
    profile: str = ""  # --profile: how the server speaks (else remembered, else tutorial)
    profiles_dir: Path | None = None  # the user's profiles (default: in the config directory)


async def is_listening(host: str, port: int, timeout: float = 1.0) -> bool:
    """Whether anything accepts TCP connections at host:port (every address it resolves to)."""
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    except (OSError, TimeoutError):
        return False
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return True


class ChatSession:
    def __init__(
        self, options: Options, settings: Settings | None = None, backoff: Backoff | None = None
    ) -> None:
        self.options = options
        self.settings = settings if settings is not None else Settings()
        name = options.name or self.settings.name or default_name()
        # Remembering sessions keep their outbox, rooms and offsets (and a
        # hosted server its messages) on disk, under a window identity no other
        # running window holds; others, such as most tests, keep them in memory.
        self._notes: list[str] = []  # said in the window once it is up
        if options.remember:
            opened = open_client_db_noting(client_db_path())
            self.database = opened.connection
            if opened.moved_aside is not None:
                self._notes.append(
                    fill(
                        translate(
                            "ChatSession",
                            "Your local data file could not be read (%1). It was kept as %2 "
                            "and a new one was started: messages that were waiting to be sent "
                            "in it are not sent.",
                        ),
                        opened.reason,
                        opened.moved_aside,
                    )
                )
            self.identity = claim_identity(self.database, data_dir())
        else:
            self.database = open_client_db()
            self.identity = ephemeral_identity()
        self.client = ChatClient(
            name,
            backoff=backoff,
            outbox=Outbox(self.database, self.identity.key),
            channels=ChannelStore(self.database, self.identity.key),
            client_id=self.identity.key,
            token=options.token,
            send_token_over_http=options.send_token_over_http,
            tls=options.tls,
            transports=options.transports,
        )
        # The local history: a file of its own beside client.db (client/history.py).
        self.history = History(default_history_path(data_dir()) if options.remember else None)
        if self.history.opened.moved_aside is not None:
            self._notes.append(
                QCoreApplication.translate(
                    "ChatSession",
                    "Your message history could not be read ({reason}). It was kept as "
                    "{path} and a new one was started.",
                ).format(reason=self.history.opened.reason,
                         path=self.history.opened.moved_aside)
            )
        self.bridge = ClientBridge(self.client)
        self.conversations = Conversations(lambda: self.client.says_rooms)
        self.window = MainWindow(
            self.conversations.current_model, self.conversations.list_model
        )
        self.profiles = ProfileChoice(
            profiles_dir(options.remember, options.profiles_dir), self.settings, options.profile
        )
        self.inspector = Inspector(self.window, self.client)
        # History and drafts of the conversations, on disk (app/keeping.py).
        self.keeping = Keeping(
            self.history, DraftStore(self.database, self.identity.key),
            self.conversations, self.window,
        )
        # The server this window hosts, on its own thread (app/hosting.py).
        self.server: HostedServer | None = None
        self._host_lock: HostLock | None = None  # held while this window hosts (remembering)
        # Hosting again when the window that hosts closes (app/host_takeover.py).
        self._takeover: Takeover | None = None
        self._takeover_key = ""  # the server (address and path) it may take over
        self._closed = False
        self._path = DEFAULT_PATH  # the Socket.IO path this window uses, once started
        self._wire()

    @property
    def model(self) -> MessageModel:
        """The conversation shown."""
        return self.conversations.current_model

    def messages(self) -> list[Message]:
        """Every message of every conversation (tests, automation)."""
        return self.conversations.messages()

    def _wire(self) -> None:
        b, w, c = self.bridge, self.window, self.conversations
        b.messages_added.connect(c.route)
        b.delivery_changed.connect(self._delivery)
        c.current_changed.connect(self._conversation_shown)
        w.conversation_requested.connect(c.show)
        w.seen_changed.connect(c.set_seen)
        w.leave_requested.connect(self._leave)
        w.name_change_requested.connect(self.rename)
        self.presence = PresenceLink(self.client, b, c, w)
        b.connected_to.connect(self._rooms_known)
        b.status_text_changed.connect(self._show_status)
        b.connected_to.connect(self._remember)
        w.send_requested.connect(b.send)
        b.send_refused.connect(w.restore_input)
        w.join_requested.connect(self._join)
        b.join_refused.connect(self.conversations.remove)
        w.retry_requested.connect(b.retry)
        w.discard_requested.connect(b.discard)
        w.connect_requested.connect(b.connect_to_text)
        w.connect_requested.connect(self._connect_typed)
        w.typing_started.connect(b.typing)
        b.participants_changed.connect(w.presence.show_count)
        b.typing_changed.connect(w.presence.show_typing)
        w.offline_toggled.connect(b.set_offline)
        w.reconnect_requested.connect(b.reconnect_now)
        b.retry_pending.connect(w.show_reconnect)
        w.host_elsewhere_requested.connect(self._host_elsewhere_requested)

    def _delivery(self, update: DeliveryUpdate) -> None:
        for _room, model in self.conversations.models():
            model.update_state(update)
        self.keeping.delivery(update)

    def _conversation_shown(self, room: str) -> None:
        model = self.conversations.model(room)
        if model is not None:
            self.window.show_conversation(room, model)

    def _join(self, room: str) -> None:
        """Join from the sidebar: the room's conversation is shown, and on a server
        that does not name rooms, messages from others go there from now on."""
        room = room.strip()
        if not room:
            return
        self.conversations.show(room)
        if self.client.profile.rooms:
            self.conversations.fallback_room = room
        self.bridge.join(room)

    def _leave(self, room: str) -> None:
        told = self.client.leave(room)
        self.conversations.remove(room)
        if told:
            return
        self.bridge.show_system(
            QCoreApplication.translate(
                "ChatSession",
                "This server has no way to leave a room: {room} is hidden here, and the "
                "window reconnected without it so that its messages stop.",
            ).format(room=f"#{display_text(room)}")
        )

    def rename(self, typed: str) -> None:
        """Be called otherwise from now on, without a restart: remembered, and the
        server told (ours says it to the others) or reconnected to with the new name."""
        name = typed.strip()
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
        self.window.setWindowTitle(f"desktop-chat — {display_text(name)}")
        self.settings.name = name
        if self.options.remember:
            self.settings.save()
        self.bridge.show_system(
            QCoreApplication.translate("ChatSession", "You are now called {name}.").format(
                name=display_text(name)
            )
        )

    def _rooms_known(self, target: ServerTarget) -> None:
        """The rooms this window is in (rejoined from an earlier run) get their row;
        another server than the one shown brings its own conversations."""
        if target.key != self.keeping.server:
            self.conversations.clear()
            self.keeping.restore(target.key)
        for room in self.client.rooms:
            self.conversations.add(room)
        if self.client.rooms and not self.conversations.fallback_room:
            self.conversations.fallback_room = self.client.rooms[-1]

    def _show_status(self, text: str) -> None:
        if self.client.tls.insecure:
            warning = translate("ChatSession", "⚠ INSECURE: TLS certificates are not checked · ")
            text = warning + text
        self.window.show_status(text)

    def _connect_typed(self, text: str) -> None:
        """Connect (again) to what the form says, speaking its chosen profile."""
        profile = self.profiles.get(self.window.profile_name())
        self._show_profile(profile)
        self.bridge.connect_to_text(text, profile)

    def _show_profile(self, profile: Profile) -> None:
        presence = bool(profile.notices())
        self.window.show_profile(profile.name, rooms=profile.rooms, presence=presence)

    def _remember(self, target: ServerTarget) -> None:
        url = target.url.url
        self.window.show_server(url)
        if self.profiles.remember(target.key, self.client.profile) and self.options.remember:
            self.settings.save()
        if self.options.remember and (self.settings.url, self.settings.path) != (
            url,
            target.path,
        ):
            self.settings.url = url
            self.settings.path = target.path
            self.settings.save()

    @property
    def hosting(self) -> bool:
        return self.server is not None

    async def start(self) -> None:
        """Show the window, decide where to connect (hosting if need be), connect."""
        opts = self.options
        self.window.setWindowTitle(f"desktop-chat — {display_text(self.client.name)}")
        self.window.show_name(self.client.name)
        if opts.tls.insecure:
            self.window.setWindowTitle(
                self.window.windowTitle()
                + translate("ChatSession", " — INSECURE (--insecure)")
            )
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
        try:
            path = normalize_path(
                opts.path
                if opts.url or opts.path != DEFAULT_PATH
                else (self.settings.path or DEFAULT_PATH)
            )
        except InvalidServerUrl as exc:
            self.bridge.show_system(self.bridge.texts.cannot_connect(str(exc)))
            path = DEFAULT_PATH
        self._path = path
        text = opts.url if opts.url is not None else (self.settings.url or opts.default_url)
        self.window.server_url.setText(text)
        try:
            url = parse_server_url(text)
        except InvalidServerUrl as exc:
            self.bridge.show_system(self.bridge.texts.cannot_connect(str(exc)))
            self.window.show_status(self.bridge.texts.invalid_address(str(exc)))
            return
        taken = False
        if opts.url is None and url.is_loopback and url.scheme == "http":
            if opts.remember:
                self._watch_for_takeover(url, path)
            await self._host_if_free(url, path)
            taken = not self.hosting and await self._taken_by_another_server(url, path)
        target = ServerTarget(url, path)
        self.keeping.restore(target.key)  # before the outbox and catch-up show anything
        profile = self.profiles.for_server(target.key)
        self._show_profile(profile)
        if opts.room and profile.rooms:
            self.window.room_input.setText(opts.room.strip())
            self._join(opts.room)
        if not taken:
            self.bridge.connect_to(target, profile)

    async def _host_if_free(self, url: ServerUrl, path: str, *, taking_over: bool = False) -> None:
        """Start the bundled server when nothing listens at a local default address.

        The server runs on a thread of its own (app/hosting.py), so that its
        work never stalls this window. Whatever keeps it from starting, the
        window goes on to connect to `url`. A window that keeps its messages
        on disk hosts only while it holds the port's host lock
        (app/host_takeover.py): another window holding it hosts, or is
        closing and will let the next one host.
        """
        lock = self._lock_for(url.port)
        if lock is not None and not lock.try_acquire():
            log.info("not hosting on port %d: another window holds %s", url.port, lock.path)
            return
        try:
            await self._host_unless_listening(url, path, taking_over)
        finally:
            if lock is not None:
                if self.server is None:
                    lock.release()
                else:
                    self._host_lock = lock

    def _lock_for(self, port: int) -> HostLock | None:
        """The host lock of `port` for a window that keeps its messages on disk."""
        if not self.options.remember:
            return None
        if self._takeover is not None and self._takeover.port == port:
            return self._takeover.lock
        return HostLock(host_lock_path(default_db_path(port).parent, port))

    def _watch_for_takeover(self, url: ServerUrl, path: str) -> None:
        """Host here again if the window hosting `url` closes (app/host_takeover.py)."""
        lock = HostLock(host_lock_path(default_db_path(url.port).parent, url.port))

        async def host() -> bool:
            await self._host_if_free(url, path, taking_over=True)
            return self.hosting

        self._takeover = Takeover(
            lock, url.port, host=host, reconnect=self.bridge.reconnect_now,
            listening=is_listening,
        )  # fmt: skip
        self._takeover_key = ServerTarget(url, path).key
        self.bridge.status_changed.connect(self._takeover_status)

    def _takeover_status(self, status: Status) -> None:
        """Only while connecting to the address it may host: after the user
        connected elsewhere, a lost connection there hosts nothing here."""
        target = self.client.target
        if self._takeover is None or self._closed or target is None:
            return
        if target.key == self._takeover_key:
            self._takeover.status(status.state)

    def _hold_off_takeover(self) -> None:
        """This window cannot host (said once): no takeover tries until it has
        been connected again."""
        if self._takeover is not None:
            self._takeover.hold_off()

    async def _host_unless_listening(self, url: ServerUrl, path: str, taking_over: bool) -> None:
        if await is_listening(url.host, url.port):
            return
        server = HostedServer(
            path, db=default_db_path(url.port) if self.options.remember else ":memory:"
        )
        try:
            await server.start("127.0.0.1", url.port)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                # Another window won the race for the port: join it instead.
                log.info("not hosting on port %d: %s", url.port, exc)
            else:
                self._hold_off_takeover()
                self.bridge.show_system(
                    fill(
                        translate(
                            "ChatSession",
                            "Nothing was listening at %1, and this window could not host "
                            "the chat server on 127.0.0.1:%2: %3.",
                        ),
                        url.url,
                        url.port,
                        exc.strerror or exc,
                    )
                )
            return
        except HostingError as exc:
            self._hold_off_takeover()
            self.bridge.show_system(
                fill(
                    translate(
                        "ChatSession",
                        "Nothing was listening at %1, and this window could not host "
                        "the chat server: %2",
                    ),
                    url.url,
                    exc,
                )
            )
            return
        self.server = server
        self.bridge.hosting = f"127.0.0.1:{server.port}"
        if taking_over:
            said = translate(
                "ChatSession",
                "The window that hosted the chat server at %1 closed, so this window "
                "hosts it now on 127.0.0.1:%2, with the same messages. Everyone "
                "reconnects to it.",
            )
        elif self.options.remember:
            said = translate(
                "ChatSession",
                "Nothing was listening at %1, so this window hosts the chat server "
                "on 127.0.0.1:%2. Others on this machine can join it; when this window "
                "closes, another of your windows on it takes it over.",
            )
        else:
            said = translate(
                "ChatSession",
                "Nothing was listening at %1, so this window hosts the chat server "
                "on 127.0.0.1:%2. Others on this machine can join it; "
                "it stops when this window closes.",
            )
        self.bridge.show_system(fill(said, url.url, server.port))
        if taking_over:
            self.bridge.refresh_status()  # the status line says so at once

    async def _taken_by_another_server(self, url: ServerUrl, path: str) -> bool:
        """Whether the default address is held by a server that is not Socket.IO;
        if so, say what is there and offer to host elsewhere (host_elsewhere)."""
        found = await probe(url, path)
        if found.answer is not Answer.OTHER:
            return False  # a chat server, or no answer in time: connect as ever
        note = found.describe(url.url)
        log.info("%s", note)
        self.bridge.show_system(
            fill(
                translate(
                    "ChatSession",
                    "Not connecting: %1. Another program uses this address. Press "
                    "“Host on another port” to run the chat server in this window on a "
                    "free port, or enter the address of a chat server at the top.",
                ),
                note,
            )
        )
        self.window.show_status(
            fill(translate("ChatSession", "Not a Socket.IO server at %1 — not connected"), url.url)
        )
        self.window.offer_host_elsewhere(True)
        return True

    def _host_elsewhere_requested(self) -> None:
        self._hosting_elsewhere = asyncio.ensure_future(self.host_elsewhere())

    async def host_elsewhere(self) -> None:
        """Host the bundled server on a free port of this machine and connect to it."""
        self.window.offer_host_elsewhere(False)
        for _ in range(3):  # a port found free may be taken before the server binds it
            if self.hosting:
                break
            port = free_port()
            await self._host_if_free(parse_server_url(f"http://127.0.0.1:{port}"), self._path)
        if self.server is None:
            self.bridge.show_system(
                translate("ChatSession", "Could not start the chat server on a free port.")
            )
            self.window.offer_host_elsewhere(True)
            return
        here = parse_server_url(f"http://127.0.0.1:{self.server.port}")
        self.window.server_url.setText(here.url)
        self.bridge.connect_to(ServerTarget(here, self._path))

    async def close(self) -> None:
        """The one shutdown path: disconnect, stop a hosted server, close the window.
        Safe to call more than once."""
        if self._closed:
            return
        self._closed = True
        if self._takeover is not None:
            await self._takeover.close()  # never take over this window's own server
        self.inspector.close()
        await self.client.close()
        self.keeping.close()
        self.history.close()
        self.database.close()
        self.identity.release()
        self.bridge.detach()
        if self.server is not None:
            # Waits for the server's thread to end, without blocking this loop.
            await self.server.stop()
            self.server = None
        if self._host_lock is not None:
            # Only now, with its store closed: the next window to host opens it.
            self._host_lock.release()
            self._host_lock = None
        self.window.close()
        self.window.deleteLater()
