"""Automation commands for the desktop parts (see automation.py for the protocol).

    {"cmd": "state"}            -> {"event": "state", "tray_available": B, "tray_visible": B,
                                    "window_visible": B, "window_active": B, "unread": N,
                                    "language": L, "theme": T, "dark": B,
                                    "notifications": B (a daemon answered),
                                    "window_title": T, "status_line": S (as drawn),
                                    "conversation_title": C (the first row's)}
    {"cmd": "hide"} / {"cmd": "show_window"}   hide the window (as to the tray) / show it
    {"cmd": "settings"}         open the settings dialog, as Ctrl+, does
    {"cmd": "help"}             open the keyboard shortcuts, as F1 does
    {"cmd": "set", "key": K, "value": V}   change one setting as the dialog would
    {"cmd": "quit"}             quit, as the tray menu's Quit does

Events: {"event": "activated", "conversation": C} when a notification was
clicked and the window raised for it.
"""

from __future__ import annotations

from typing import Any

from desktop_chat.app.automation import Automation
from desktop_chat.app.desktop import Desktop


def desktop_automation(driver: Automation, desktop: Desktop) -> None:
    def state(_command: dict[str, Any]) -> None:
        tray = desktop.tray
        driver.report(
            {
                "event": "state",
                "tray_available": tray is not None,
                "tray_visible": tray is not None and tray.isVisible(),
                "tray_tooltip": tray.toolTip() if tray is not None else "",
                "window_visible": desktop.window.isVisible(),
                "window_active": desktop.window_active(),
                "unread": desktop.unread,
                "language": desktop.translations.language,
                "theme": desktop.theme.choice,
                "dark": desktop.theme.dark(),
                "notifications": desktop.notifications.available,
                "window_title": desktop.window.windowTitle(),
                "status_line": desktop.window.status_label.text(),  # what is drawn
                "conversation_title": desktop.window.conversation_title.text(),
            }
        )

    def set_(command: dict[str, Any]) -> None:
        key = command.get("key")
        if isinstance(key, str):
            desktop.set_setting(key, command.get("value"))
        state(command)

    def hide(_command: dict[str, Any]) -> None:
        desktop.window.hide()

    driver.handlers.update(
        state=state,
        hide=hide,
        show_window=lambda _c: desktop.show_window(),
        settings=lambda _c: desktop.open_settings(),
        help=lambda _c: desktop.open_help(),
        set=set_,
        quit=lambda _c: desktop.quit(),
    )
    desktop.conversation_requested.connect(
        lambda c: driver.report({"event": "activated", "conversation": c})
    )
