"""desktop-chat-server: the tutorial's chat server in python-socketio, with
its store of messages (history), its fan-out and its command line
(`python -m desktop_chat.server`). Knows nothing of the client or of Qt.
"""
