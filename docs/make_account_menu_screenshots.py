"""Draws docs/account-menu.png (English, light, wide) and docs/account-menu-ko.png
(Korean, dark, narrow): a 150-message conversation of three people, emoji
in colour, the status line in words, and the account's menu open (its
server, profile, Connect / Disconnect, Settings); and docs/settings-ux.png /
docs/settings-ux-ko.png: Settings with "Say “You connected with id”".

Real windows on Xvfb and a real server:
    xvfb-run -a -s "-screen 0 1280x900x24" .venv/bin/python docs/make_account_menu_screenshots.py
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import qasync
from _shots import close_all, grab_screen, three_people, until
from PySide6.QtWidgets import QApplication

DOCS = Path(__file__).resolve().parent

ENGLISH = {
    "names": ("alice", "bob", "carol"),
    "lines": [
        "Morning! Who is around today?",
        "Here, with coffee ☕",
        "The build from last night is green 🎉",
        "Nice. Did the Korean strings make it in?",
        "Yes, all of them, and the emoji picker too 😀",
        "I'll try it on the old laptop after lunch",
    ],
}
KOREAN = {
    "names": ("지민", "민수", "지영"),
    "lines": [
        "좋은 아침! 오늘 누구 있어요?",
        "여기요, 커피 들고 ☕",
        "어젯밤 빌드 통과했어요 🎉",
        "좋네요. 한국어 문자열도 들어갔어요?",
        "네, 전부요. 이모지 선택기도요 😀",
        "점심 먹고 예전 노트북에서 해 볼게요",
    ],
}


async def shot(language: str, theme: str, words: dict, size: tuple[int, int], suffix: str) -> None:
    desktop, me, bob, carol, server = await three_people(language, theme, words["names"])
    window = me.window
    window.resize(*size)
    window.move(10, 10)
    people = (bob, carol, me)
    lines = words["lines"]
    for number in range(150):  # 150 messages from three people, a few at a time each
        sender = people[(number // 3) % 3]
        sender.bridge.send(f"{lines[number % len(lines)]} ({number + 1})", "")
    await until(lambda: len([m for m in me.messages() if "(150)" in m.text]) == 1, timeout=30)
    window.activateWindow()
    window.message_list.follow_newest()
    await asyncio.sleep(1.0)
    menu = window.sidebar.open_account_menu()
    await until(menu.isVisible)
    await asyncio.sleep(0.5)
    grab_screen(window, DOCS / f"account-menu{suffix}.png", menu)
    menu.close()
    desktop.open_settings()
    dialog = desktop.settings_dialog
    dialog.move(10, 10)
    await until(dialog.isVisible)
    await asyncio.sleep(0.5)
    grab_screen(dialog, DOCS / f"settings-ux{suffix}.png")
    dialog.close()
    await close_all(desktop, me, bob, carol, server=server)


async def main() -> None:
    await shot("en", "light", ENGLISH, (1000, 720), "")
    await shot("ko", "dark", KOREAN, (520, 420), "-ko")


if __name__ == "__main__":
    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    qasync.run(main())
