"""Draws docs/living.png and docs/living-ko.png: a conversation with a reply
quoting its line, an edited line, reactions under a line, a deleted line and
a formatted one with a code block; in English, then in Korean.

Real windows on Xvfb and a real server:
    xvfb-run -a -s "-screen 0 1024x760x24" .venv/bin/python docs/make_living_screenshots.py
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import qasync
from _shots import close_all, grab_screen, three_people, until
from PySide6.QtWidgets import QApplication

from desktop_chat.app.session import ChatSession
from desktop_chat.app.settings import Settings
from desktop_chat.protocol.messages import Kind, Message

DOCS = Path(__file__).resolve().parent


def find(session: ChatSession, text: str) -> Message | None:
    for message in session.conversations.current_model.messages():
        if message.text == text:
            return message
    return None


def line(session: ChatSession, text: str) -> Message:
    found = find(session, text)
    if found is None:
        raise LookupError(text)
    return found


async def shot(language: str, name: str, words: dict[str, str]) -> None:
    desktop, me, bob, carol, server = await three_people(
        language, Settings().theme, ("alice", words["bob"], words["carol"])
    )
    window = me.window
    window.resize(860, 700)
    window.move(10, 10)
    for s in (me, bob, carol):
        await until(lambda s=s: s.client.has_changes)

    bob.bridge.send(words["question"], "")
    await until(lambda: any(m.text == words["question"] for m in me.messages()))
    me.bridge.send(words["typo"], "", reply_to=line(me, words["question"]))
    await until(lambda: (find(me, words["typo"]) or Message("", Kind.OWN)).server_id != "")
    me.bridge.edit(line(me, words["typo"]), words["fixed"])
    await until(lambda: any(m.text == words["fixed"] for m in bob.messages()))
    carol.bridge.send(words["code"], "", formatted=True)
    await until(lambda: any(m.text == words["code"] for m in me.messages()))
    for peer, emoji in ((bob, "👍"), (carol, "👍"), (carol, "🎉")):
        await until(lambda peer=peer: any(m.text == words["fixed"] for m in peer.messages()))
        peer.bridge.react(line(peer, words["fixed"]), emoji)
    bob.bridge.send(words["oops"], "")
    await until(lambda: any(m.text == words["oops"] for m in me.messages()))
    await until(lambda: (find(bob, words["oops"]) or Message("", Kind.OWN)).server_id != "")
    bob.bridge.delete(line(bob, words["oops"]))
    me.bridge.react(line(me, words["code"]), "❤️")
    await until(lambda: any(m.deleted for m in me.messages() if m.kind is Kind.OTHER))
    await until(lambda: len(line(me, words["fixed"]).reactions or {}) == 2)
    window.message_input.setPlainText(words["draft"])
    window.lines.start_reply(line(me, words["code"]))
    window.activateWindow()
    await asyncio.sleep(1.0)
    grab_screen(window, DOCS / name)
    await close_all(desktop, me, bob, carol, server=server)


ENGLISH = {
    "bob": "bob",
    "carol": "carol",
    "question": "Who has the release checklist?",
    "typo": "I do, I'll shrae it after lunch",
    "fixed": "I do, I'll share it after lunch",
    "code": "Run this first:\n```\nmake release VERSION=2.6\n```\nthen **tag** it.",
    "oops": "wrong window, sorry",
    "draft": "Thanks, running it now",
}
KOREAN = {
    "bob": "민수",
    "carol": "지영",
    "question": "릴리스 체크리스트 누가 가지고 있어요?",
    "typo": "제가 있어요, 점심 먹고 공휴할게요",
    "fixed": "제가 있어요, 점심 먹고 공유할게요",
    "code": (
        "먼저 이걸 실행하세요:\n```\nmake release VERSION=2.6\n```\n그다음 **태그**를 붙이세요."
    ),
    "oops": "창을 잘못 골랐어요, 죄송해요",
    "draft": "고마워요, 지금 실행할게요",
}


async def main() -> None:
    await shot("en", "living.png", ENGLISH)
    await shot("ko", "living-ko.png", KOREAN)


if __name__ == "__main__":
    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    qasync.run(main())
