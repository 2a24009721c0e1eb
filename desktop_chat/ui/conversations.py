"""The window's conversations: one `MessageModel` per room, routed by `message.room`.

One windowed model per conversation (rather than one model filtered per
room) keeps switching a matter of showing another model's window of at
most a few hundred rows, whatever the length of either conversation, and
keeps each flood batch one insert into one model. Each model archives its
older messages compressed (message_archive.py), so ten conversations of
100,000 messages each stay within a few hundred MB.

Unread counts: a message from someone else counts as unread unless the
user is seeing its conversation at that moment — window active, that
conversation shown, scrolled to the newest (`set_seen`). Selecting a
conversation is not reading it. Where the user comes back to a
conversation with unread messages, a "New messages" band is drawn above
the first of them (`MessageModel.divider_id`).

Mentions: of those unread messages, the ones that mention the user by the
name they have now (`me`, protocol/mentions.py) are counted apart too.

Where a message goes:
- a message with a room goes to that room's conversation (added if new);
- a system line without a room goes to the conversation shown, unless it
  names a sender (the server's presence lines of "Everyone" do);
- a message without a room from a server that never says rooms (a tutorial
  server: no meta) goes to the conversation of the last room joined
  (`fallback_room`), since that is the room such a server relays to.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QCoreApplication, QObject, Signal

from desktop_chat.accounts.conversation_state import ConversationState
from desktop_chat.protocol.mentions import mentions_me
from desktop_chat.protocol.messages import Change, Kind, Message, system_message
from desktop_chat.ui.conversation_list_model import EVERYONE, ConversationListModel
from desktop_chat.ui.message_model import MessageModel

EARLY_KEPT = 10_000  # changes of lines not (yet) here, kept for when they come
NOTES_KEPT = 50  # a conversation's last lines searched for notes to keep on a server switch


class Conversations(QObject):
    # The conversation shown changed: its room key.
    current_changed = Signal(str)
    # Lines went into a conversation (room key, list[Message]), in order:
    # what the process-test control reports and the local history keeps.
    lines_added = Signal(str, object)
    # Lines shown again from the local history at start (room key, list[Message]).
    lines_restored = Signal(str, object)
    # A line was edited, deleted or reacted to (room key, the Change, the line
    # as it is now or None when no conversation holds it): what the local
    # history keeps and the automation reports.
    line_changed = Signal(str, object, object)

    def __init__(
        self, says_rooms: Callable[[], bool] = lambda: True, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        # Whether the server names the room of each message (ours: meta.room);
        # when it does not, a message without a room may be from any room.
        self._says_rooms = says_rooms
        self._hidden: set[str] = set()  # rooms left: late messages from them are dropped
        self._fallback_said = False
        # Ids of messages restored from the local history: a catch-up or the
        # outbox showing them again is not shown twice.
        self._restored: set[str] = set()
        # What the user has seen: the conversation shown and the unread counts,
        # owned without Qt (accounts/conversation_state.py), shown by the list model.
        self.state = ConversationState()
        # The user's name now (the account's client's): who a mention names.
        self.me: Callable[[], str] = lambda: ""
        self.list_model = ConversationListModel(self, self.state.unread, self.state.mentions)
        self.state.on_unread = self.list_model.unread_changed
        self._models: dict[str, MessageModel] = {EVERYONE: self._everyone()}
        self._seen = False
        # Where messages that name no room go (a server without meta), or "".
        self.fallback_room = ""
        # Changes of lines not here (yet): another process relayed the change
        # first, or a replay page ended between them. Applied when the line comes.
        self._early: dict[str, list[Change]] = {}

    # ---- what is there ----------------------------------------------------------

    @property
    def current(self) -> str:
        return self.state.shown

    @property
    def current_model(self) -> MessageModel:
        return self._models[self.state.shown]

    def rooms(self) -> list[str]:
        return self.list_model.rooms()

    def model(self, room: str) -> MessageModel | None:
        return self._models.get(room)

    def models(self) -> Iterable[tuple[str, MessageModel]]:
        return self._models.items()

    def unread(self, room: str) -> int:
        return self.state.unread(room)

    def messages(self) -> list[Message]:
        """Every message of every conversation, conversation by conversation."""
        return [m for model in self._models.values() for m in model.messages()]

    # ---- changes ----------------------------------------------------------------

    def _everyone(self) -> MessageModel:
        model = MessageModel(self)
        model.room = EVERYONE  # its lines need not say "to everyone"
        return model

    def add(self, room: str) -> MessageModel:
        self._hidden.discard(room)
        model = self._models.get(room)
        if model is None:
            model = self._models[room] = MessageModel(self)
            model.room = room  # its lines need not say "in #room"
            self.list_model.add(room)
        return model

    def remove(self, room: str) -> None:
        """Forget a conversation (left); "Everyone" stays. Shows "Everyone" if it was shown."""
        if room == EVERYONE or room not in self._models:
            return
        self._hidden.add(room)
        if self.state.shown == room:
            self.show(EVERYONE)
        self.state.forget(room)
        self.list_model.remove(room)
        model = self._models.pop(room)
        model.deleteLater()
        if self.fallback_room == room:
            self.fallback_room = self.rooms()[-1] if len(self.rooms()) > 1 else ""

    def restore(self, room: str, messages: list[Message]) -> None:
        """Show what the local history kept of a conversation (before anything new)."""
        if not messages:
            self.add(room)
            return
        self.add(room).append(messages)
        self._restored.update(m.id for m in messages)
        self.lines_restored.emit(room, messages)

    def clear(self) -> None:
        """Another server: its conversations start afresh (rooms come as they are joined).

        The window's own notes (system lines) of the last moments stay, in "Everyone":
        they often say why the window went to this server.
        """
        self.show(EVERYONE)
        notes = [
            m
            for _room, model in self.models()
            for m in model.messages()[-NOTES_KEPT:]
            if m.kind is Kind.SYSTEM
        ]
        for room in [r for r in self._models if r != EVERYONE]:
            self.remove(room)
        everyone = self._models[EVERYONE]
        self._models[EVERYONE] = self._everyone()
        self.state.forget(EVERYONE)
        self._restored.clear()
        self._models[EVERYONE].append(notes)
        self.current_changed.emit(EVERYONE)
        everyone.deleteLater()

    def show(self, room: str) -> MessageModel:
        """Show the conversation of `room` (added if new). Its unread messages stay
        unread until seen; a band marks where they start."""
        model = self.add(room)
        model.divider_id = self.state.first_unread(room)
        if room != self.state.shown:
            self.state.shown = room
            self.current_changed.emit(room)
        if self._seen:
            self._read(room)
        return model

    def set_seen(self, seen: bool) -> None:
        """Whether the user sees the shown conversation's newest messages now."""
        self._seen = seen
        if seen:
            self.state.read(self.state.shown)

    def _read(self, room: str) -> None:
        self.state.read(room)

    def target_of(self, message: Message) -> str:
        room = message.room
        if room:
            return room
        if message.kind is Kind.SYSTEM and not message.sender:
            return self.state.shown  # the window's own note: where the user looks
        if message.kind is Kind.OTHER and self.fallback_room and not self._says_rooms():
            if not self._fallback_said:
                self._fallback_said = True
                self._say_fallback()
            return self.fallback_room
        return EVERYONE

    def _say_fallback(self) -> None:
        text = QCoreApplication.translate(
            "Conversations",
            "This server does not say which room a message comes from: messages from "
            "others are shown in the conversation of the last room joined ({room}).",
        ).format(room=f"#{self.fallback_room}")
        note = [system_message(text, self.fallback_room)]
        self.add(self.fallback_room).append(note)
        self.lines_added.emit(self.fallback_room, note)

    def route(self, batch: list[Message]) -> None:
        """Hand a batch to the conversations it belongs to, in order, one append each."""
        groups: dict[str, list[Message]] = {}
        target = self.target_of
        hidden, restored = self._hidden, self._restored
        for message in batch:
            if restored and message.id in restored:
                continue  # shown from the local history already
            room = target(message)
            if room in hidden:
                continue  # a room the user left: its late messages are not shown
            group = groups.get(room)
            if group is None:
                group = groups[room] = []
            group.append(message)
        for room, messages in groups.items():
            self.add(room).append(messages)
            if room != self.state.shown or not self._seen:
                self._count_unread(room, messages)
            self.lines_added.emit(room, messages)
            if self._early:
                self._apply_early(room, messages)

    def apply(self, change: Change) -> None:
        """Edit, delete or react to a line, in whichever conversation holds it."""
        room = change.room if change.room in self._models else None
        models = [(room, self._models[room])] if room is not None else list(self._models.items())
        for key, model in models:
            message = model.apply_change(change)
            if message is not None:
                self.line_changed.emit(key, change, message)
                return
        # Not here: maybe older than what is held (the history has it), maybe
        # still to come (kept a while for it).
        self.line_changed.emit(room if room is not None else change.room, change, None)
        early = self._early.setdefault(change.target, [])
        early.append(change)
        if len(self._early) > EARLY_KEPT:
            del self._early[next(iter(self._early))]

    def _apply_early(self, room: str, messages: list[Message]) -> None:
        early = self._early
        for message in messages:
            changes = early.pop(message.id, None)
            if changes:
                model = self._models[room]
                for change in changes:
                    now = model.apply_change(change)
                    self.line_changed.emit(room, change, now)

    def mentions(self, room: str) -> int:
        return self.state.mentions(room)

    def _count_unread(self, room: str, messages: list[Message]) -> None:
        others = [m for m in messages if m.kind is Kind.OTHER]
        me = self.me()
        # "@" first: under a flood most lines have none, and the rule costs a call.
        mentioned = sum(1 for m in others if "@" in m.text and mentions_me(m, me)) if me else 0
        self.state.count(room, (m.id for m in others), mentioned)
