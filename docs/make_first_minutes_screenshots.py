"""Draws docs/first-minutes.png and docs/first-minutes-ko.png (a conversation
of three people in #garden: lines of one sender grouped under one header,
one's own set apart, the sidebar's unread badges, the participants' heading,
the conversation's name on the first row, the status line in words), and
docs/search-typing.png / docs/search-typing-ko.png (search as one types, the
results using half the height, "You" for one's own lines); English in the
light theme, Korean in the dark one.

Real windows on Xvfb and a real server:
    xvfb-run -a -s "-screen 0 1024x760x24" .venv/bin/python docs/make_first_minutes_screenshots.py
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import qasync
from _shots import close_all, three_people, until
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from desktop_chat.app.session import ChatSession
from desktop_chat.protocol.messages import Kind

DOCS = Path(__file__).resolve().parent


def grab(widget: QWidget, name: str) -> None:
    screen = QGuiApplication.primaryScreen()
    frame = widget.frameGeometry()
    screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height()).save(str(DOCS / name))


async def join(session: ChatSession, room: str) -> None:
    session.window.room_input.setText(room)
    session.window.join_button.click()
    await until(lambda: room in session.client.rooms)
    await until(
        lambda: any(
            m.text == f"Joined {room}" or room in m.text
            for m in session.messages()
            if m.kind is Kind.SYSTEM
        )
    )


async def shot(
    language: str,
    theme: str,
    names: tuple[str, str],
    words: dict[str, object],
    main: str,
    search: str,
) -> None:
    desktop, me, bob, carol, server = await three_people(
        language, theme, (str(words["me"]), *names)
    )
    window = me.window
    window.resize(900, 720)
    window.move(10, 10)
    for s in (me, bob, carol):
        await join(s, "garden")
    await join(me, "lunch")
    await join(bob, "lunch")
    window.select_room("garden")
    lines = words["lines"]
    assert isinstance(lines, list)
    for who, text in lines:
        sender = {"me": me, "bob": bob, "carol": carol}[who]
        sender.bridge.send(text, "garden")
        await until(lambda text=text: any(m.text == text for m in me.messages()))
    for text in words["lunch"]:  # type: ignore[union-attr]
        bob.bridge.send(str(text), "lunch")
    await until(lambda: me.conversations.unread("lunch") == len(words["lunch"]))  # type: ignore[arg-type]
    window.message_input.setPlainText(str(words["draft"]))
    window.activateWindow()
    window.message_list.follow_newest()
    await asyncio.sleep(1.0)
    grab(window, main)

    window.message_input.clear()
    window.start_search(everywhere=True)
    panel = window.search_panel
    panel.field.setText(str(words["query"]))  # typed: the search starts after a pause
    await until(lambda: not panel.searching and panel.model.rowCount() > 0)
    await asyncio.sleep(0.5)
    grab(window, search)
    await close_all(desktop, me, bob, carol, server=server)


ENGLISH: dict[str, object] = {
    "me": "alice",
    "lines": [
        ("bob", "Who has the release checklist?"),
        ("bob", "I looked in the wiki but it is the old one"),
        ("carol", "Not me, I only have the notes from last time"),
        ("carol", "They say to tag after the build, not before"),
        ("me", "I have it, I'll share it after lunch"),
        ("me", "It has the new signing step too"),
        ("bob", "Great, thanks"),
        ("bob", "Then I'll start the build at two"),
        ("bob", "and tell everyone here when it is done"),
        ("carol", "I'll check the release notes meanwhile"),
        ("me", "Perfect: the checklist is in the shared folder now"),
    ],
    "lunch": ["Pizza or noodles?", "I vote noodles", "Leaving at 12:30"],
    "draft": "Thanks both",
    "query": "release",
}
KOREAN: dict[str, object] = {
    "me": "지민",
    "lines": [
        ("bob", "릴리스 체크리스트 누가 가지고 있어요?"),
        ("bob", "위키를 봤는데 예전 버전이에요"),
        ("carol", "저는 아니에요, 지난번 메모만 있어요"),
        ("carol", "빌드 다음에 태그하라고 되어 있어요"),
        ("me", "제가 있어요, 점심 먹고 공유할게요"),
        ("me", "새 서명 단계도 들어 있어요"),
        ("bob", "좋아요, 고마워요"),
        ("bob", "그럼 두 시에 빌드 시작할게요"),
        ("bob", "끝나면 여기에 알릴게요"),
        ("carol", "그동안 릴리스 노트를 확인할게요"),
        ("me", "체크리스트를 공유 폴더에 올렸어요"),
    ],
    "lunch": ["피자 아니면 국수?", "국수에 한 표", "12시 반에 출발해요"],
    "draft": "두 분 고마워요",
    "query": "릴리스",
}


async def main() -> None:
    await shot("en", "light", ("bob", "carol"), ENGLISH, "first-minutes.png", "search-typing.png")
    await shot(
        "ko", "dark", ("민수", "지영"), KOREAN, "first-minutes-ko.png", "search-typing-ko.png"
    )


if __name__ == "__main__":
    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    qasync.run(main())
