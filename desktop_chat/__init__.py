"""desktop-chat: a desktop chat client for Socket.IO servers."""

__version__ = "0.1.0"
