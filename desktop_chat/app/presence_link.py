"""Presence in the window: the presence bar (count, who types) and the
participants list follow the conversation shown.

Who is here and who types is the client's one model per room
(client/presence.py), fed by a profile's events and by desktop-chat-server's
extensions alike; the bridge says when a room changed (`presence_changed`)
and the window shows it (`show_presence`). A server without rooms is the one
room "". The participants list is offered only by a server that lists who is
in each room (ours).
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from desktop_chat.client.status import Status
from desktop_chat.ui.bridge import ClientBridge
from desktop_chat.ui.conversations import Conversations
from desktop_chat.ui.main_window import MainWindow


class PresenceLink(QObject):
    def __init__(
        self, bridge: ClientBridge, conversations: Conversations, window: MainWindow
    ) -> None:
        super().__init__()
        self.bridge = bridge
        self.conversations = conversations
        self.window = window
        self.active = True  # its account is the one shown: the window shows its presence
        window.typing_started.connect(self._typing)
        bridge.info_received.connect(self.known)
        bridge.presence_changed.connect(self._changed)
        bridge.status_changed.connect(self._status)
        conversations.current_changed.connect(self.show_for)
        self.show_for(conversations.current)  # asked for once connected (ChatClient)

    def _room(self) -> str:
        """The room whose presence is shown: the conversation's on a server with
        rooms of presence (ours), else the one room of the server."""
        return self.conversations.current if self.bridge.has_presence else ""

    def _typing(self) -> None:
        if self.active:
            self.bridge.typing(self.conversations.current)

    def known(self) -> None:
        """The server says whether it tells who is here: the bar and list follow
        (the client asks again who is in each room shown so far, on every
        connection)."""
        if self.active:
            self.window.offer_presence(self.bridge.has_presence)
        self._show()

    def show_for(self, room: str) -> None:
        """Another conversation shown: its participants and who types there,
        as known now, and asked again of the server."""
        self._show()
        self.bridge.request_participants(room)  # nothing is sent to a server without presence

    def _status(self, _status: Status) -> None:
        self._show()  # disconnected: nobody is known to be here; connected: the user is

    def _changed(self, room: str) -> None:
        if room == self._room():
            self._show()

    def _show(self) -> None:
        if not self.active:
            return
        room = self._room()
        shown = self.bridge.presence(room)
        self.window.show_presence(shown.participants, shown.count, self.bridge.typing_text(room))
