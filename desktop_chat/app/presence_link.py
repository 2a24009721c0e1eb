"""Presence in the window, from desktop-chat-server's extensions: the presence
bar (count, who types) and the participants list follow the conversation
shown. Against a server without presence nothing of it is shown.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from desktop_chat.client.chat_client import ChatClient
from desktop_chat.ui.bridge import ClientBridge
from desktop_chat.ui.conversations import Conversations
from desktop_chat.ui.main_window import MainWindow


class PresenceLink(QObject):
    def __init__(
        self,
        client: ChatClient,
        bridge: ClientBridge,
        conversations: Conversations,
        window: MainWindow,
    ) -> None:
        super().__init__()
        self.client = client
        self.bridge = bridge
        self.conversations = conversations
        self.window = window
        window.typing_started.connect(lambda: client.typing_in(conversations.current))
        bridge.info_received.connect(self.known)
        bridge.participants_listed.connect(self._listed)
        bridge.room_count_changed.connect(self._room_count)
        bridge.room_typing_changed.connect(self._room_typing)
        conversations.current_changed.connect(self.show_for)

    def known(self) -> None:
        """The server says whether it tells who is here: the bar and list follow."""
        has = self.client.has_presence
        if has:
            self.window.presence.setVisible(True)
        self.window.sidebar.participants_list.setVisible(has)
        self.show_for(self.conversations.current)

    def show_for(self, room: str) -> None:
        """Another conversation shown: its participants and who types there."""
        if not self.client.has_presence:
            return
        self.window.sidebar.participants.set_members([])
        self.window.presence.reset()
        self.window.presence.show_typing(self.bridge.room_typing_text(room))
        self.client.request_participants(room)

    def _listed(self, room: str, members: list[tuple[str, int]]) -> None:
        if room == self.conversations.current:
            self.window.sidebar.participants.set_members(members)
            self.window.presence.show_count(self.window.sidebar.participants.windows())

    def _room_count(self, room: str, count: int) -> None:
        if room == self.conversations.current:
            self.window.presence.show_count(count)

    def _room_typing(self, room: str, text: str) -> None:
        if room == self.conversations.current:
            self.window.presence.show_typing(text)
