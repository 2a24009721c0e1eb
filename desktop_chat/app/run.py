"""What the `desktop-chat` command does: Qt application, loop, one session,
one shutdown path (window close and Ctrl+C alike).

The window is drawn first (app/first_paint.py); what it does not need to be
drawn (the client and its network libraries, the history, the accounts, a
hosted server, the desktop's tray and notifications) is imported and
started after its first paint: the imports below are the light ones.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import sys

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from desktop_chat import __version__
from desktop_chat.app import first_paint
from desktop_chat.app import loop as qt_loop
from desktop_chat.app.options import Options
from desktop_chat.app.settings import Settings
from desktop_chat.resources import icon_path


def _qt_message(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    level = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
        QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }.get(mode, logging.WARNING)
    logging.getLogger("qt").log(level, "%s", message)


async def _main(options: Options, language: str | None = None) -> int:
    loop = asyncio.get_running_loop()
    settings = Settings.load() if options.remember else Settings()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    window, look = first_paint.show_window(app, settings, language)
    await first_paint.painted(window)
    # The rest, now that the window is on screen.
    from desktop_chat.app import automation
    from desktop_chat.app.desktop import Desktop
    from desktop_chat.app.desktop_automation import desktop_automation
    from desktop_chat.app.session import ChatSession
    from desktop_chat.protocol.transport import configure_engineio

    configure_engineio()
    session = ChatSession(options, settings, window=window)
    desktop = Desktop(session, app, language, look)
    closed: asyncio.Future[None] = loop.create_future()

    def request_close(*_: object) -> None:
        if not closed.done():
            closed.set_result(None)

    session.window.closed.connect(request_close)
    desktop.quit_requested.connect(request_close)
    # Test-only remote control (desktop_chat/app/automation.py), off by default.
    driver = automation.Automation(session) if automation.enabled() else None
    if driver is not None:
        desktop_automation(driver, desktop)
    # Ctrl+C in the terminal takes the same path as closing the window; the
    # client was made with handle_sigint=False so engine.io does not cancel
    # every task on its own.
    loop.add_signal_handler(signal.SIGINT, request_close)
    try:
        if driver is not None:
            driver.report_accounts()  # those kept from an earlier run, before anything else
        await session.start()
        await desktop.start()
        # What exists now (modules, the window, its Qt wrappers) lives as long
        # as the process: keep the cyclic collector from walking it again on
        # every full collection, which under a flood is a few percent of the time.
        gc.freeze()
        await closed
    finally:
        loop.remove_signal_handler(signal.SIGINT)
        if driver is not None:
            driver.stop()
        await desktop.close()
        await session.close()
    return 0


def run(options: Options, language: str | None = None) -> int:
    """Start the GUI and return the process exit code."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    qInstallMessageHandler(_qt_message)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("desktop-chat")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("desktop-chat")
    app.setWindowIcon(QIcon(str(icon_path())))
    # The window's close resolves a future that _main awaits; letting Qt quit
    # on last-window-close would stop the loop under that future.
    app.setQuitOnLastWindowClosed(False)
    return qt_loop.run(_main(options, language))
