"""Whatever a server sends as a message reaches the real model and view as plain text."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_chat.app.session import ChatSession, Options
from desktop_chat.app.settings import Settings
from desktop_chat.protocol.messages import Kind, display_text, payload_text
from desktop_chat.ui.message_body import MAX_SHOWN_CHARS, MAX_SHOWN_LINES

text = st.text(st.characters(codec=None, exclude_categories=()), max_size=300)
scalars = st.none() | st.booleans() | st.integers() | st.floats() | text | st.binary(max_size=64)
payloads = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=12,
)
metas = (
    st.none()
    | payloads
    | st.fixed_dictionaries(
        {"from": payloads, "room": payloads, "ts": payloads, "id": payloads, "offset": payloads}
    )
)


@pytest.fixture
def session(qtbot: Any, loop: Any) -> Iterator[ChatSession]:
    """One window for every example (hypothesis runs the test body many times)."""
    chat = ChatSession(Options(url="http://127.0.0.1:9", remember=False), Settings())
    chat.window.show()
    yield chat
    chat.bridge.detach()
    chat.window.close()
    chat.window.deleteLater()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(payload=payloads, meta=metas, with_meta=st.booleans())
def test_any_payload_is_shown_as_its_text(
    qtbot: Any, session: ChatSession, payload: Any, meta: Any, with_meta: bool
) -> None:
    got: list[Any] = []

    def added(room: str, messages: list[Any]) -> None:
        got.extend((room, m) for m in messages)

    session.conversations.lines_added.connect(added)
    session.client._receiver.reset()  # a repeated meta.id is dropped by design; ids repeat here
    args = (payload, meta) if with_meta else (payload,)
    try:
        session.client._receiver.receive(*args)  # the handler of receive-message
        qtbot.waitUntil(lambda: len(got) == 1, timeout=2000)
    finally:
        session.conversations.lines_added.disconnect(added)
    room, shown = got[0]
    session.conversations.show(room)  # its conversation (any room name) is painted below
    assert shown.kind is Kind.OTHER
    assert shown.text == payload_text(payload)
    session.window.message_list.viewport().grab()  # paints it; errors fail the test
    # What the row paints: the payload's text with every control, bidi override
    # and lone surrogate replaced by a visible stand-in (nothing that hides or
    # reorders its neighbours), cut only where it is too long to show whole.
    painted = "".join(session.window.delegate.painted_lines(shown))
    hiding = [
        hex(ord(c))
        for c in painted
        if c not in "\n\t"
        and (unicodedata.category(c) in ("Cc", "Cs") or 0x202A <= ord(c) <= 0x202E
             or 0x2066 <= ord(c) <= 0x2069)
    ]  # fmt: skip
    assert hiding == [], (payload, painted)
    expected = display_text(payload_text(payload))
    whole = "\n".join(expected.split("\n")[:MAX_SHOWN_LINES])[:MAX_SHOWN_CHARS]
    assert painted.startswith(whole), (payload, painted)
    assert painted == whole or len(whole) < len(expected), (payload, painted)
