"""What the user has seen of an account's conversations: the one shown, and per
conversation how many of others' messages are unread, which is the first
of them (where the "New messages" band goes), and how many of those mention
the user (`@name`, protocol/mentions.py: shown apart in the sidebar).

Qt-free and the one owner of these facts: the sidebar's model
(ui/conversation_list_model.py) reads the counts from here, ui/conversations.py
changes them as messages come and are seen, and app/keeping.py keeps them in
the account's history (`snapshot`, `restore`) with the messages they count.
The conversations themselves are the rooms the account's client is in
(client/channels.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

EVERYONE = ""  # the conversation with everyone connected


class ConversationState:
    def __init__(self) -> None:
        self.shown = EVERYONE
        self._unread: dict[str, int] = {}
        self._first: dict[str, str] = {}  # room -> id of the first unread message
        self._mentions: dict[str, int] = {}  # room -> unread messages that mention the user
        # Told the room whose count changed (the sidebar's model repaints its row).
        self.on_unread: Callable[[str], None] = lambda room: None

    def unread(self, room: str) -> int:
        return self._unread.get(room, 0)

    def mentions(self, room: str) -> int:
        """How many of the unread messages of `room` mention the user."""
        return self._mentions.get(room, 0)

    def first_unread(self, room: str) -> str:
        """The first unread message of `room` ("" when all is read)."""
        return self._first.get(room, "") if self._unread.get(room) else ""

    def total(self) -> int:
        return sum(self._unread.values())

    def count(self, room: str, ids: Iterable[str], mentions: int = 0) -> None:
        """Others' messages came in `room` while the user did not see it;
        `mentions` of them mention the user (one change: told once)."""
        ids = list(ids)
        if not ids:
            return
        self._first.setdefault(room, ids[0])
        self._unread[room] = self._unread.get(room, 0) + len(ids)
        if mentions > 0:
            self._mentions[room] = self._mentions.get(room, 0) + min(mentions, len(ids))
        self.on_unread(room)

    def read(self, room: str) -> None:
        """The user saw the newest of `room`."""
        self._first.pop(room, None)
        self._mentions.pop(room, None)
        if self._unread.pop(room, 0):
            self.on_unread(room)

    def forget(self, room: str) -> None:
        """A conversation left or cleared: nothing of it is unread any more."""
        self.read(room)

    def snapshot(self) -> dict[str, tuple[int, str, int]]:
        """Each conversation with unread messages: how many, the first, and how
        many mention the user."""
        return {
            room: (n, self._first.get(room, ""), self._mentions.get(room, 0))
            for room, n in self._unread.items() if n
        }  # fmt: skip

    def restore(self, room: str, count: int, first_id: str, mentions: int = 0) -> None:
        """What was unread when the window last closed (or was killed)."""
        if count <= 0:
            return
        self._unread[room] = count
        if first_id:
            self._first[room] = first_id
        if mentions > 0:
            self._mentions[room] = min(mentions, count)
        self.on_unread(room)
