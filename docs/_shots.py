"""What the docs' screenshot scripts share (they run as `python docs/make_*.py`,
so this folder is on their path): waiting on a condition as the loop turns."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any


async def until(predicate: Callable[[], object], timeout: float = 10) -> None:
    """Return once `predicate()` holds; TimeoutError after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not predicate():
        if loop.time() > end:
            raise TimeoutError
        await asyncio.sleep(0.02)


def english(app: Any) -> None:
    """English as the app installs it (app/desktop.py): "1 participant" is a
    plural form of the English translation, not of the source text, so a
    script that opens windows without the Desktop installs it itself."""
    from desktop_chat.ui.i18n import Translations

    Translations(app).apply("en")


async def three_people(
    language: str,
    theme: str,
    names: tuple[str, str, str],
    **settings: object,
) -> tuple[Any, Any, Any, Any, Any]:
    """A real server and three real windows on it, connected: the shown one
    (`names[0]`, with the Desktop around it: menus, Settings, the language
    and theme) and two others moved off screen. Returns (desktop, me, bob,
    carol, server); `close_all` ends them."""
    from PySide6.QtWidgets import QApplication

    from desktop_chat.app.desktop import Desktop
    from desktop_chat.app.session import ChatSession, Options
    from desktop_chat.app.settings import Settings
    from desktop_chat.client.chat_client import ConnectionState
    from desktop_chat.server.chat_server import ChatServer

    server = ChatServer()
    url = f"http://127.0.0.1:{await server.start('127.0.0.1', 0)}"
    me = ChatSession(
        Options(url=url, name=names[0], remember=False),
        Settings(do_not_disturb=True, theme=theme, **settings),  # type: ignore[arg-type]
    )
    bob = ChatSession(Options(url=url, name=names[1], remember=False), Settings())
    carol = ChatSession(Options(url=url, name=names[2], remember=False), Settings())
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    desktop = Desktop(me, app, language)
    await me.start()
    await desktop.start()
    for peer in (bob, carol):
        await peer.start()
        peer.window.move(3000, 3000)  # off screen: only the window shot is drawn
    for s in (me, bob, carol):
        await until(lambda s=s: s.client.status.state is ConnectionState.CONNECTED)
    return desktop, me, bob, carol, server


async def close_all(desktop: Any, *sessions: Any, server: Any) -> None:
    await desktop.close()
    for session in sessions:
        await session.close()
    await server.stop()


def grab_screen(widget: Any, path: Any, *over: Any) -> None:
    """The screen where `widget` is, as drawn, with the popups `over` it (a
    menu that reaches past the window is taken whole)."""
    from PySide6.QtGui import QGuiApplication

    frame = widget.frameGeometry()
    for popup in over:
        frame = frame.united(popup.frameGeometry())
    screen = QGuiApplication.primaryScreen()
    screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height()).save(str(path))
