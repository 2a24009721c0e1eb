"""What is kept on disk about the conversations: their history and drafts.

Wires the window's conversations to the local history (client/history.py)
and the drafts (client/drafts.py): every line shown is handed to the
history's writer, a restarted window shows each conversation as it was,
scrolling up pages older messages in, search reads the history, and what
the user is writing is kept per conversation on a short debounce.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QObject, QTimer

from desktop_chat.accounts.account import Account
from desktop_chat.client.drafts import DraftStore
from desktop_chat.client.history import History, Hit, keeps
from desktop_chat.protocol.messages import Change, DeliveryUpdate, Message
from desktop_chat.ui.conversations import Conversations
from desktop_chat.ui.main_window import MainWindow

log = logging.getLogger(__name__)

RESTORED = 200  # messages of each conversation shown from the local history at start
DRAFT_DEBOUNCE_MS = 300  # a draft is written this long after the last keystroke


def kept_unread(value: object) -> tuple[int, str, int] | None:
    """One conversation's kept unread state: (count, first id, mentions); files
    kept before mentions were counted hold two, read as no mentions."""
    if not isinstance(value, list | tuple) or len(value) < 2:
        return None
    count, first, *rest = value
    mentions = rest[0] if rest else 0
    if not isinstance(count, int) or not isinstance(first, str):
        return None
    return count, first, mentions if isinstance(mentions, int) else 0


class Keeping(QObject):
    def __init__(
        self,
        history: History,
        drafts: DraftStore,
        conversations: Conversations,
        window: MainWindow,
        rooms: Callable[[str], list[str]] = lambda server: [],
    ) -> None:
        super().__init__()
        self.history = history
        self.drafts = drafts
        self.conversations = conversations
        self.window = window
        self._rooms = rooms  # the rooms kept for a server (the client's)
        self.account = ""  # the id of the account whose conversations are shown
        self.server = ""  # its server's key (drafts are kept per identity and server)
        self._draft_room = conversations.current  # the conversation the input belongs to
        # Whether its account is the one shown: only then is the window's input
        # its draft, and the window's scrolling its paging.
        self.active = True
        self._restoring = False  # unread counts set from the file are not written back
        self._unread_kept: dict[str, tuple[int, str, int]] = {}
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_DEBOUNCE_MS)
        self._draft_timer.timeout.connect(self.save_draft)
        c, w = conversations, window
        c.lines_added.connect(self._keep)
        c.line_changed.connect(self._changed)
        c.current_changed.connect(self._switched)
        c.list_model.rowsInserted.connect(lambda *_: self._remember_conversations())
        c.list_model.rowsRemoved.connect(lambda *_: self._remember_conversations())
        c.list_model.dataChanged.connect(lambda *_: self._remember_unread())
        w.older_wanted.connect(self._older)
        w.draft_changed.connect(self._typed)

    def delivery(self, update: DeliveryUpdate) -> None:
        if self.account:
            self.history.update(self.account, update)

    def _changed(self, room: str, change: Change, _now: object) -> None:
        """An edit, deletion or reaction: the kept line too (queued after the
        line itself, when both came in one turn)."""
        if self.account:
            self.history.change(self.account, replace(change, room=room))

    def close(self) -> None:
        """The window closes: the draft being written is kept."""
        self.save_draft()
        self._draft_timer.stop()

    # ---- drafts -------------------------------------------------------------------

    def _typed(self) -> None:
        if self.active:
            self._draft_timer.start()

    def save_draft(self) -> None:
        self._draft_timer.stop()
        if self.server and self.active:
            self.drafts.save(self.server, self._draft_room, self.window.draft_text())

    def load_draft(self) -> None:
        """Put this conversation's draft into the window's input (account shown)."""
        self._draft_room = self.conversations.current
        if not self.active:
            return
        text = self.drafts.load(self.server, self._draft_room) if self.server else ""
        self.window.show_draft(text)

    def _switched(self, room: str) -> None:
        """Another conversation shown: the draft of the one left is kept, its own shown."""
        if room != self._draft_room:
            self.save_draft()
            self.load_draft()
        self._remember_conversations()

    # ---- the local history --------------------------------------------------------

    def _keep(self, room: str, messages: list[Message]) -> None:
        """Hand what was shown to the history's writer (a queue put per batch)."""
        kept = [m for m in messages if keeps(m)]
        if kept and self.account:
            self.history.add(self.account, room, kept)

    def _remember_conversations(self) -> None:
        if self.account:
            self.history.remember(self.account, "shown", self.conversations.current)

    def _remember_unread(self) -> None:
        """Unread counts and where they start, kept through the history's writer:
        in the same transactions as the messages they count, so that a restart,
        or a kill, finds the two agreeing."""
        if self.account and not self._restoring:
            state = self.conversations.state.snapshot()
            if state != self._unread_kept:
                self._unread_kept = state
                self.history.remember(self.account, "unread", json.dumps(state))

    def restore(self, account: Account) -> None:
        """Show each conversation of this account as it was left: its newest messages
        from the local history, what was unread, and the one that was shown. What
        the server holds since comes with the catch-up (the channel offsets).

        The conversations are the rooms the client keeps for its next connection
        (client/channels.py): one list of them, not a second copy here."""
        self.account, self.server = account.id, account.server
        self._restoring = True
        try:
            self._restore(account.id)
        finally:
            self._restoring = False
        self._unread_kept = self.conversations.state.snapshot()
        self.load_draft()

    def _restore(self, account: str) -> None:
        try:
            rooms = self._rooms(self.server)
            shown = self.history.recall(account, "shown") or ""
            unread = json.loads(self.history.recall(account, "unread") or "{}")
            if not isinstance(rooms, list):
                rooms = []
            if not isinstance(unread, dict):
                unread = {}
            for room in ["", *(r for r in rooms if isinstance(r, str) and r)]:
                self.conversations.restore(room, self.history.last(account, room, RESTORED))
                kept = kept_unread(unread.get(room))
                if kept is not None:
                    self.conversations.state.restore(room, *kept)
        except (sqlite3.Error, ValueError, TypeError):
            log.warning("cannot read the message history", exc_info=True)
            return
        if shown in self.conversations.rooms():
            self.conversations.show(shown)

    def search(self, query: str, everywhere: bool) -> list[Hit]:
        """Search this account's local history (FTS5; short queries by LIKE): the
        conversation shown, or all of them."""
        room = None if everywhere else self.conversations.current
        try:
            return self.history.search(self.account, query, room) if self.account else []
        except sqlite3.Error:
            log.warning("cannot search the message history", exc_info=True)
            return []

    def search_job(self, query: str, everywhere: bool) -> Callable[[], list[Hit]]:
        """The same search, to run on a worker thread (search as one types): what
        it needs of this window is read now, on the window's thread."""
        account, room = self.account, None if everywhere else self.conversations.current
        history = self.history

        def job() -> list[Hit]:
            try:
                return history.search(account, query, room, apart=True) if account else []
            except sqlite3.Error:
                log.warning("cannot search the message history", exc_info=True)
                return []

        return job

    def show_hit(self, hit: Hit) -> None:
        """Show a search result in its conversation with its neighbours: paged in
        from the local history if the window does not hold it yet."""
        if hit.room not in self.conversations.rooms():
            self.conversations.add(hit.room)  # a room left since: shown again to read
        model = self.conversations.show(hit.room)
        row = model.show_around(hit.message.id)
        if row < 0:
            oldest = model.oldest()
            if oldest is not None:
                with contextlib.suppress(sqlite3.Error):
                    model.prepend(
                        self.history.back_to(
                            self.account, hit.room, hit.message.id, oldest.id, model.page // 2
                        )
                    )
            row = model.show_around(hit.message.id)
        if row >= 0:
            self.window.show_row(row)

    def show_line(self, message_id: str) -> bool:
        """Show a line of the conversation shown (the one a reply answers),
        paged in from the local history if needed; False when it is not kept."""
        room = self.conversations.current
        try:
            line = self.history.locate(self.account, room, message_id) if self.account else None
        except sqlite3.Error:
            line = None
        if line is None:
            return False
        self.show_hit(Hit(room, line, (), self.account))
        return True

    def _older(self) -> None:
        """The user scrolled to the top of what the window holds: page in older
        messages from the local history."""
        model = self.conversations.current_model
        oldest = model.oldest()
        if oldest is None or not self.account or not self.active:
            return
        try:
            older = self.history.before(
                self.account, self.conversations.current, oldest.id, model.page
            )
        except sqlite3.Error:
            log.warning("cannot page the message history", exc_info=True)
            return
        model.prepend(older)
