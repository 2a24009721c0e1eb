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
        self.active = True  # its account is the one shown: the window shows its presence
        window.typing_started.connect(self._typing)
        bridge.info_received.connect(self.known)
        bridge.participants_listed.connect(self._listed)
        bridge.room_count_changed.connect(self._room_count)
        bridge.room_typing_changed.connect(self._room_typing)
        conversations.current_changed.connect(self.show_for)

    def _typing(self) -> None:
        if self.active:
            self.client.typing_in(self.conversations.current)

    def known(self) -> None:
        """The server says whether it tells who is here: the bar and list follow."""
        if not self.active:
            return
        has = self.client.has_presence
        if has:
            self.window.presence.setVisible(True)
        self.window.sidebar.participants_list.setVisible(has)
        self.show_for(self.conversations.current)

    def show_for(self, room: str) -> None:
        """Another conversation shown: its participants and who types there."""
        if not self.active:
            return
        if not self.client.has_presence:
            self.window.presence.setVisible(False)
            self.window.sidebar.participants_list.setVisible(False)
            return
        self.window.sidebar.participants.set_members([])
        self.window.presence.reset()
        self.window.presence.show_typing(self.bridge.room_typing_text(room))
        self.client.request_participants(room)

    def _listed(self, room: str, members: list[tuple[str, int]]) -> None:
        if self.active and room == self.conversations.current:
            self.window.sidebar.participants.set_members(members)
            self.window.presence.show_count(self.window.sidebar.participants.windows())

    def _room_count(self, room: str, count: int) -> None:
        if self.active and room == self.conversations.current:
            self.window.presence.show_count(count)

    def _room_typing(self, room: str, text: str) -> None:
        if self.active and room == self.conversations.current:
            self.window.presence.show_typing(text)
