"""The message model on its own: Qt's model checks, batching, delivery updates."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from desktop_chat.protocol.messages import (
    DeliveryState,
    DeliveryUpdate,
    Kind,
    Message,
    own_message,
    received_message,
)
from desktop_chat.ui.message_delegate import MAX_SHOWN_CHARS, shown_text
from desktop_chat.ui.message_model import MessageModel, Role, header_text


def test_model_passes_qt_model_checks_through_appends_and_updates(qtmodeltester: Any) -> None:
    model = MessageModel()
    qtmodeltester.check(model)
    mine = own_message("hello", "", "me")
    model.append([mine, received_message(("hi", {"from": {"name": "bob"}}))])
    model.append([])
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    assert model.data(model.index(1), Qt.ItemDataRole.DisplayRole) == "hi"


def test_a_delivery_update_changes_one_row_only(qtbot: Any) -> None:
    model = MessageModel()
    messages = [own_message(f"m{i}", "", "me") for i in range(5)]
    model.append(messages)
    target = messages[3]
    with qtbot.waitSignal(model.dataChanged) as blocker:
        model.update_state(DeliveryUpdate(target.id, DeliveryState.DELIVERED))
    top, bottom, roles = blocker.args
    assert (top.row(), bottom.row()) == (3, 3)
    assert Role.STATE in roles
    assert model.data(model.index(3), Role.STATE) == "delivered"
    assert "delivered" in model.data(model.index(3), Role.HEADER)


def test_headers_say_who_where_and_state() -> None:
    mine = own_message("x", "garden", "me")
    assert header_text(mine).startswith("You · in #garden · ")
    assert header_text(mine).endswith("pending")
    theirs = received_message(("x", {"from": {"name": "bob"}, "room": "garden"}))
    assert header_text(theirs).startswith("bob · in #garden")
    anonymous = received_message(("x",))
    assert header_text(anonymous).startswith("Someone · ")
    failed = own_message("x", "", "me")
    failed.state, failed.error = DeliveryState.FAILED, "too long"
    assert header_text(failed).endswith("failed: too long")


def test_payloads_of_any_type_become_plain_text() -> None:
    cases: list[tuple[Any, str]] = [
        ("<b>bold</b>", "<b>bold</b>"),
        (42, "42"),
        (None, "null"),
        ({"a": [1, "ü"]}, '{"a": [1, "ü"]}'),
        (b"\x00\x01", "<binary data, 2 bytes>"),
    ]
    for payload, text in cases:
        assert received_message((payload,)).text == text
    assert received_message(()).text == "null"
    hostile_meta = received_message(("x", {"from": "nope", "ts": float("nan"), "room": 5}))
    assert hostile_meta.sender == "" and hostile_meta.room == ""
    assert hostile_meta.kind is Kind.OTHER


def test_long_messages_are_shortened_for_the_list_and_kept_whole() -> None:
    text = "word " * 10_000
    message = Message(text=text, kind=Kind.OTHER)
    shown = shown_text(message.text)
    assert len(shown) < MAX_SHOWN_CHARS + 200
    assert "more characters" in shown
    assert message.text == text


def test_text_breaks_between_words_unless_a_word_may_not_fit() -> None:
    """Breaking anywhere cut "closes" into "clo ses" at a line's end; only a
    run too long for a line (a URL, a paste without spaces) breaks anywhere."""
    from PySide6.QtCore import Qt as _Qt

    from desktop_chat.ui.message_delegate import text_flags

    anywhere = int(_Qt.TextFlag.TextWrapAnywhere)
    assert not text_flags("it stops when this window closes, as before") & anywhere
    assert text_flags("see " + "x" * 40 + " there") & anywhere
    assert not text_flags("안녕하세요 여러분, 반갑습니다") & anywhere
