"""Messages that live, with two real windows through desktop-chat-server: a
reply quoting its line, an edit (Up in an empty box), reactions toggled, a
deletion that leaves no trace in either window's files; after going offline
and coming back, and after a restart, each window shows the final state; a
line still waiting to be sent is edited or taken back in place."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu

from desktop_chat.app.session import ChatSession
from desktop_chat.app.settings import Settings
from desktop_chat.protocol.messages import DeliveryState, Kind, Message
from desktop_chat.server.chat_server import ChatServer
from desktop_chat.ui.message_model import Role
from tests.ui.conftest import search, server_url, texts, type_and_send, wait_connected


def line(session: ChatSession, text: str, kind: Kind | None = None) -> Message | None:
    """The line of the conversation shown whose text is `text` (None: not there)."""
    for message in session.conversations.current_model.messages():
        if message.text == text and (kind is None or message.kind is kind):
            return message
    return None


def by_id(session: ChatSession, message_id: str) -> Message | None:
    return session.conversations.current_model.get(message_id)


def menu_action(session: ChatSession, message: Message, name: str) -> Any:
    """The action `name` of the line's context menu, as a right click shows it."""
    model = session.conversations.current_model
    row = next(r for r in range(model.rowCount()) if model.message_at(r).id == message.id)
    index = session.window.message_list.model().index(row, 0)
    menu = session.window.message_menu(index)
    assert menu is not None
    found = menu.findChild(QMenu, name) if name.endswith("Menu") else None
    if found is None:
        found = next(
            (a for a in menu.findChildren(type(menu.actions()[0])) if a.objectName() == name), None
        )
    return found


def two(qtbot: Any, open_window: Any, server: ChatServer, **kw: Any) -> tuple[Any, Any]:
    url = server_url(server)
    alice, bob = open_window(url, "alice", **kw), open_window(url, "bob", **kw)
    for s in (alice, bob):
        wait_connected(qtbot, s)
        qtbot.waitUntil(lambda s=s: s.client.has_changes, timeout=5000)
    return alice, bob


def test_reply_edit_react_delete_seen_by_the_other_window(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    alice, bob = two(qtbot, open_window, chat_server)
    type_and_send(qtbot, alice, "lunch at noon? wrold")
    qtbot.waitUntil(lambda: line(bob, "lunch at noon? wrold") is not None)
    mine = line(alice, "lunch at noon? wrold")
    assert mine is not None
    qtbot.waitUntil(lambda: by_id(alice, mine.id).state is DeliveryState.DELIVERED)  # type: ignore[union-attr]

    # bob answers it from its menu: his line quotes alice's
    theirs = line(bob, "lunch at noon? wrold")
    assert theirs is not None
    menu_action(bob, theirs, "replyAction").trigger()
    assert bob.window.lines.compose_bar.isVisibleTo(bob.window)
    assert "alice" in bob.window.lines.compose_bar.label.text()
    type_and_send(qtbot, bob, "yes, see you")
    assert not bob.window.lines.compose_bar.isVisibleTo(bob.window)
    qtbot.waitUntil(lambda: line(alice, "yes, see you") is not None)
    reply = line(alice, "yes, see you")
    assert reply is not None and by_id(alice, reply.reply_to) is not None
    assert by_id(alice, reply.reply_to).id == mine.id  # type: ignore[union-attr]
    assert alice.window.delegate.quote_text(reply) == "↪ You: lunch at noon? wrold"
    bobs = line(bob, "yes, see you", Kind.OWN)
    assert bobs is not None
    assert bob.window.delegate.quote_text(bobs) == "↪ alice: lunch at noon? wrold"

    # alice fixes her typo: Up in the empty box, Enter saves
    alice.window.message_input.setFocus()
    qtbot.keyClick(alice.window.message_input, Qt.Key.Key_Up)
    assert alice.window.message_input.toPlainText() == "lunch at noon? wrold"
    alice.window.message_input.setPlainText("lunch at noon? world")
    qtbot.keyClick(alice.window.message_input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: by_id(bob, theirs.id).text == "lunch at noon? world")  # type: ignore[union-attr]
    edited = by_id(bob, theirs.id)
    assert edited is not None and edited.edited_at > 0
    model = bob.conversations.current_model
    row = next(r for r in range(model.rowCount()) if model.message_at(r).id == theirs.id)
    assert "edited" in model.index(row).data(Role.HEADER)
    assert by_id(alice, mine.id).text == "lunch at noon? world"  # type: ignore[union-attr]
    assert line(alice, "lunch at noon? world") is not None
    assert len([t for t in texts(bob) if "lunch" in t]) == 1  # replaced, not added
    assert bob.window.delegate.quote_text(bobs) == "↪ alice: lunch at noon? world"

    # reactions: bob 👍, alice 👍 too, bob takes his back
    bob.window.lines.react_requested.emit(by_id(bob, theirs.id), "👍")
    qtbot.waitUntil(lambda: (by_id(alice, mine.id).reactions or {}).get("👍") == ["bob"])  # type: ignore[union-attr]
    alice.window.lines.react_requested.emit(by_id(alice, mine.id), "👍")
    qtbot.waitUntil(
        lambda: (by_id(bob, theirs.id).reactions or {}).get("👍") == ["bob", "alice"]  # type: ignore[union-attr]
    )
    assert by_id(alice, mine.id).reacted == ("👍",)  # type: ignore[union-attr]
    bob.window.lines.react_requested.emit(by_id(bob, theirs.id), "👍")
    qtbot.waitUntil(lambda: (by_id(alice, mine.id).reactions or {}).get("👍") == ["alice"])  # type: ignore[union-attr]
    assert by_id(bob, theirs.id).reacted == ()  # type: ignore[union-attr]

    # alice takes it back: bob's window shows "message deleted", the reply says it is gone
    menu_action(alice, by_id(alice, mine.id), "deleteAction").trigger()  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: by_id(bob, theirs.id).deleted)  # type: ignore[union-attr]
    gone = by_id(bob, theirs.id)
    assert gone is not None and gone.text == "" and not gone.reactions
    assert bob.window.delegate.body_of(gone).text == "message deleted"
    qtbot.waitUntil(lambda: by_id(alice, mine.id).deleted)  # type: ignore[union-attr]
    assert bob.window.delegate.quote_text(bobs) == "↪ The message answered is gone"
    # bob cannot edit or delete alice's line, nor react to a deleted one
    assert menu_action(bob, by_id(bob, bobs.id), "editAction") is not None  # type: ignore[arg-type]
    assert menu_action(bob, gone, "replyAction") is None


def test_the_final_state_after_being_away_and_after_a_restart(
    qtbot: Any, open_window: Any, chat_server: ChatServer, arun: Any
) -> None:
    alice, bob = two(qtbot, open_window, chat_server, settings=Settings())
    for text in ("one", "two", "three"):
        type_and_send(qtbot, alice, text)
    qtbot.waitUntil(lambda: all(line(bob, t) for t in ("one", "two", "three")))
    ids = {t: line(bob, t).id for t in ("one", "two", "three")}  # type: ignore[union-attr]
    qtbot.waitUntil(
        lambda: all(
            by_id(alice, line(alice, t).id).state is DeliveryState.DELIVERED  # type: ignore[union-attr]
            for t in ("one", "two", "three")
        )
    )

    # bob away: alice edits one, reacts to two, deletes three
    bob.window.offline_button.click()
    qtbot.waitUntil(lambda: bob.client.offline)
    alice.bridge.edit(line(alice, "one"), "one, edited")  # type: ignore[arg-type]
    alice.bridge.react(line(alice, "two"), "🎉")  # type: ignore[arg-type]
    alice.bridge.delete(line(alice, "three"))  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: line(alice, "three") is None)
    bob.window.offline_button.click()
    qtbot.waitUntil(lambda: by_id(bob, ids["three"]).deleted, timeout=10_000)  # type: ignore[union-attr]
    assert by_id(bob, ids["one"]).text == "one, edited"  # type: ignore[union-attr]
    assert by_id(bob, ids["two"]).reactions == {"🎉": ["alice"]}  # type: ignore[union-attr]

    # a restart: bob's window comes back with the same state, and what
    # changed while it was closed is applied to the lines it kept
    arun(bob.close())
    alice.bridge.edit(line(alice, "one, edited"), "one, edited twice")  # type: ignore[arg-type]
    again = open_window(server_url(chat_server), "bob", settings=Settings())
    wait_connected(qtbot, again)
    qtbot.waitUntil(
        lambda: (by_id(again, ids["one"]) or Message("", Kind.OTHER)).text == "one, edited twice",
        timeout=10_000,
    )
    assert by_id(again, ids["two"]).reactions == {"🎉": ["alice"]}  # type: ignore[union-attr]
    three = by_id(again, ids["three"])
    assert three is None or three.deleted


def test_a_line_still_waiting_is_edited_or_taken_back_in_place(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    alice, bob = two(qtbot, open_window, chat_server)
    alice.window.offline_button.click()
    qtbot.waitUntil(lambda: alice.client.offline)
    type_and_send(qtbot, alice, "teh plan")
    type_and_send(qtbot, alice, "never mind this")
    qtbot.waitUntil(lambda: line(alice, "never mind this") is not None)
    pending = line(alice, "teh plan")
    assert pending is not None and pending.state is DeliveryState.PENDING
    assert alice.window.lines.start_edit(pending)
    alice.window.message_input.setPlainText("the plan")
    qtbot.keyClick(alice.window.message_input, Qt.Key.Key_Return)
    alice.window.lines.delete_requested.emit(line(alice, "never mind this"))
    qtbot.waitUntil(
        lambda: (
            line(alice, "never mind this").state  # type: ignore[union-attr]
            is DeliveryState.DISCARDED
        )
    )  # never sent: discarded, as a failed one
    edited = line(alice, "the plan")
    assert edited is not None and not edited.edited_at  # nobody saw it before: not "edited"
    alice.window.offline_button.click()
    qtbot.waitUntil(lambda: line(bob, "the plan") is not None, timeout=10_000)
    type_and_send(qtbot, alice, "after")
    qtbot.waitUntil(lambda: line(bob, "after") is not None)
    assert "teh plan" not in texts(bob) and "never mind this" not in texts(bob)


def test_a_deleted_line_leaves_no_trace_in_the_files(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    alice, bob = two(qtbot, open_window, chat_server, settings=Settings())
    secret = "zebra-crossing-7731 password hunter2"
    type_and_send(qtbot, alice, "before it")  # neighbours on the same page of the file
    type_and_send(qtbot, alice, secret)
    type_and_send(qtbot, alice, "after it")
    qtbot.waitUntil(lambda: line(bob, "after it") is not None)
    qtbot.waitUntil(lambda: line(bob, secret) is not None)
    mine = line(alice, secret)
    qtbot.waitUntil(lambda: by_id(alice, mine.id).state is DeliveryState.DELIVERED)  # type: ignore[union-attr]
    for s in (alice, bob):  # written and indexed for search before it goes
        s.history.flush()
        qtbot.waitUntil(
            lambda s=s: len(search(qtbot, s, "hunter2", everywhere=True)) == 1, timeout=10_000
        )
    theirs = line(bob, secret)
    assert theirs is not None
    alice.bridge.delete(mine)  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: by_id(bob, theirs.id).deleted, timeout=10_000)  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: by_id(alice, mine.id).deleted, timeout=10_000)  # type: ignore[union-attr]
    for s in (alice, bob):  # (the two windows of one user keep one history file)
        s.history.flush()
    for s in (alice, bob):
        assert search(qtbot, s, "hunter2", everywhere=True) == []
        folder = Path(s.history.path).parent
        files = [*folder.glob("history.db*"), *folder.glob("client.db*")]
        assert len(files) >= 2
        for path in files:
            assert b"hunter2" not in path.read_bytes(), path
            assert b"zebra-crossing" not in path.read_bytes(), path


def test_export_writes_the_conversation_as_it_is_now(
    qtbot: Any, open_window: Any, chat_server: ChatServer, arun: Any, tmp_path: Path
) -> None:
    import json

    alice, bob = two(qtbot, open_window, chat_server)
    type_and_send(qtbot, alice, "first <b>line</b>")
    type_and_send(qtbot, alice, "second")
    qtbot.waitUntil(lambda: line(bob, "second") is not None)
    first, second = line(bob, "first <b>line</b>"), line(bob, "second")
    bob.window.lines.start_reply(first)  # type: ignore[arg-type]
    type_and_send(qtbot, bob, "an answer")
    bob.bridge.react(second, "👍")  # type: ignore[arg-type]
    qtbot.waitUntil(
        lambda: (
            (by_id(alice, line(alice, "second").id).reactions or {})  # type: ignore[union-attr]
            .get("👍")
            == ["bob"]
        )
    )
    alice.bridge.edit(line(alice, "second"), "second, edited")  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: by_id(bob, second.id).text == "second, edited")  # type: ignore[union-attr]

    jsonl, page = tmp_path / "garden.jsonl", tmp_path / "garden.html"
    assert arun(bob.export("", str(jsonl), "jsonl")) == 3
    assert arun(bob.export("", str(page), "html")) == 3
    rows = [json.loads(text) for text in jsonl.read_text(encoding="utf-8").splitlines()]
    lines = [row for row in rows if row.get("type") == "message"]
    assert [row["text"] for row in lines] == ["first <b>line</b>", "second, edited", "an answer"]
    assert lines[1]["edited"] is True and lines[1]["reactions"] == {"👍": ["bob"]}
    assert lines[2]["reply_to"] == lines[0]["id"]
    html = page.read_text(encoding="utf-8")
    assert "first &lt;b&gt;line&lt;/b&gt;" in html and "<b>line" not in html
    assert "second, edited" in html


def test_a_reply_with_reactions_draws_quote_text_and_chips_apart(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    """The quote above, the text, the chips below: none over another (a
    screenshot once showed the chips drawn over the text of a reply)."""
    alice, bob = two(qtbot, open_window, chat_server)
    alice.window.resize(700, 600)
    alice.window.show()
    type_and_send(qtbot, bob, "question")
    qtbot.waitUntil(lambda: line(alice, "question") is not None)
    alice.window.lines.start_reply(line(alice, "question"))  # type: ignore[arg-type]
    type_and_send(qtbot, alice, "answer")
    qtbot.waitUntil(lambda: line(bob, "answer") is not None)
    bob.bridge.react(line(bob, "answer"), "👍")  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: bool((line(alice, "answer") or Message("", Kind.OWN)).reactions))
    view, delegate = alice.window.message_list, alice.window.delegate
    model = view.model()
    row = next(
        r for r in range(model.rowCount()) if model.index(r, 0).data(Role.MESSAGE).text == "answer"
    )
    index = model.index(row, 0)
    view.scrollTo(index)
    qtbot.waitUntil(lambda: bool(delegate.chips(index)))
    quote, chips, rect = delegate.quote_rect(index), delegate.chips(index), view.visualRect(index)
    assert quote is not None
    text_height = view.fontMetrics().height()
    for chip in chips:
        assert chip.rect.top() >= quote.bottom() + text_height, (chip.rect, quote)
        assert rect.contains(chip.rect), (chip.rect, rect)
    # a click on the chip takes the reaction (alice's own now)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=chips[0].rect.center())
    qtbot.waitUntil(
        lambda: (line(bob, "answer") or Message("", Kind.OWN)).reactions == {"👍": ["bob", "alice"]}
    )
    # a click on the quote shows the line answered
    view.setCurrentIndex(model.index(0, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=quote.center())
    assert view.currentIndex().data(Role.MESSAGE).text == "question"


def test_an_edit_that_comes_before_its_line_is_applied_when_the_line_comes(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    """Another process may relay an edit before the message (or a replay page
    may end between them): the window keeps the edit for the line."""
    from desktop_chat.protocol.messages import Change, ChangeType

    alice = open_window(server_url(chat_server), "alice")
    wait_connected(qtbot, alice)
    conversations = alice.conversations
    conversations.apply(Change(ChangeType.EDIT, "s-1", "", text="fixed", ts=5.0))
    conversations.apply(Change(ChangeType.REACT, "s-1", "", emoji="👍", reactors=("bob",)))
    conversations.route([Message("typo", Kind.OTHER, sender="bob", id="s-1")])
    shown = by_id(alice, "s-1")
    assert shown is not None and shown.text == "fixed" and shown.edited_at == 5.0
    assert shown.reactions == {"👍": ["bob"]}


def test_a_refused_reaction_is_taken_back_and_said(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    alice, bob = two(qtbot, open_window, chat_server)
    type_and_send(qtbot, bob, "react to me")
    qtbot.waitUntil(lambda: line(alice, "react to me") is not None)
    faces = [chr(0x1F600 + i) for i in range(21)]  # one more than a user may put on a line
    for face in faces:
        alice.bridge.react(by_id(alice, line(alice, "react to me").id), face)  # type: ignore[arg-type, union-attr]
    said = "The server refused your reaction"
    qtbot.waitUntil(lambda: any(said in t for t in texts(alice, Kind.SYSTEM)), timeout=10_000)
    theirs = line(bob, "react to me")
    qtbot.waitUntil(lambda: len(by_id(bob, theirs.id).reactions or {}) == 20)  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: len(line(alice, "react to me").reactions or {}) == 20)  # type: ignore[union-attr]
    assert faces[-1] not in (line(alice, "react to me").reactions or {})  # type: ignore[union-attr]


def join_room(qtbot: Any, session: ChatSession, room: str) -> None:
    session.window.room_input.setText(room)
    session.window.join_button.click()
    qtbot.waitUntil(lambda: f"Joined {room}" in texts(session, Kind.SYSTEM))


def test_an_edit_under_way_ends_with_its_conversation(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    """Switching away while editing must not turn another conversation's text
    into the edit, nor the edit's text into its draft."""
    alice, bob = two(qtbot, open_window, chat_server)
    join_room(qtbot, alice, "garden")
    join_room(qtbot, bob, "garden")
    alice.window.select_room("")
    bob.window.select_room("")
    type_and_send(qtbot, alice, "line in everyone")
    qtbot.waitUntil(lambda: line(bob, "line in everyone") is not None)
    alice.window.message_input.setPlainText("half a thought")
    assert alice.window.lines.start_edit(line(alice, "line in everyone"))  # type: ignore[arg-type]
    assert alice.window.message_input.toPlainText() == "line in everyone"
    alice.window.select_room("garden")
    qtbot.waitUntil(lambda: alice.window.room() == "garden")
    assert not alice.window.lines.compose_bar.isVisibleTo(alice.window)
    type_and_send(qtbot, alice, "for the garden")
    bob.window.select_room("garden")
    qtbot.waitUntil(lambda: line(bob, "for the garden") is not None)
    bob.window.select_room("")
    assert line(bob, "line in everyone") is not None  # not overwritten
    alice.window.select_room("")
    qtbot.waitUntil(lambda: alice.window.message_input.toPlainText() == "half a thought")


def test_a_line_changed_in_a_conversation_not_shown_is_drawn_anew(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    alice, bob = two(qtbot, open_window, chat_server)
    join_room(qtbot, alice, "garden")
    alice.window.select_room("")
    type_and_send(qtbot, bob, "soon gone")
    qtbot.waitUntil(lambda: line(alice, "soon gone") is not None)
    theirs = line(alice, "soon gone")
    assert alice.window.delegate.body_of(theirs).text == "soon gone"  # type: ignore[arg-type]
    alice.window.select_room("garden")
    qtbot.waitUntil(lambda: alice.window.room() == "garden")
    bob.bridge.delete(line(bob, "soon gone"))  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: alice.conversations.model("").get(theirs.id).deleted)  # type: ignore[union-attr]
    alice.window.select_room("")
    qtbot.waitUntil(lambda: alice.window.room() == "")
    now = by_id(alice, theirs.id)  # type: ignore[union-attr]
    assert now is not None and alice.window.delegate.body_of(now).text == "message deleted"


def test_a_reaction_to_a_line_still_waiting_reaches_the_others(
    qtbot: Any, open_window: Any, chat_server: ChatServer
) -> None:
    """The reaction names the line by the id it was sent with: it waits for the
    line's ack, since the server handles a socket's events concurrently."""
    alice, bob = two(qtbot, open_window, chat_server)
    react_to_lines_written_offline(qtbot, alice, bob, 20)
    assert not [t for t in texts(alice, Kind.SYSTEM) if "refused" in t]


def react_to_lines_written_offline(qtbot: Any, alice: Any, bob: Any, count: int) -> None:
    """alice writes `count` lines offline and reacts 🙏 to each while they wait;
    back online, bob sees every reaction on its line."""
    alice.window.offline_button.click()
    qtbot.waitUntil(lambda: alice.client.offline)
    for i in range(count):
        type_and_send(qtbot, alice, f"queued {i}")
    qtbot.waitUntil(lambda: line(alice, f"queued {count - 1}") is not None)
    for i in range(count):
        alice.bridge.react(line(alice, f"queued {i}"), "🙏")
    alice.window.offline_button.click()
    qtbot.waitUntil(
        lambda: all(
            (line(bob, f"queued {i}") or Message("", Kind.OTHER)).reactions == {"🙏": ["alice"]}
            for i in range(count)
        ),
        timeout=20_000,
    )
