"""The mention rule: `@name` at word boundaries, any case, Hangul, spaces,
the longest name, and never one's own lines."""

from __future__ import annotations

import pytest

from desktop_chat.protocol.mentions import mentions, mentions_me
from desktop_chat.protocol.messages import Kind, Message


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("@bob look", "bob", True),
        ("look @bob", "bob", True),
        ("@bob, look", "bob", True),
        ("(@bob)", "bob", True),
        ("@bobby look", "bob", False),  # another name that starts alike
        ("@bob_ look", "bob", False),  # _ is a word character
        ("bob look", "bob", False),  # a name without @ is not a mention
        ("mail me at alice@bob.example", "bob", False),  # an address
        ("@BOB look", "bob", True),
        ("@Bob look", "BOB", True),
        ("@김민수 점심?", "김민수", True),
        ("@김민수님 점심?", "김민수", False),  # 님 is a letter: another word
        ("점심 @김민수", "김민수", True),
        ("@Kim Min hi", "Kim Min", True),
        ("@Kim Minsu hi", "Kim Min", False),
        ("@Kim hi", "Kim Min", False),
        ("@a.b hi", "a.b", True),  # the name as written, not a pattern
        ("@axb hi", "a.b", False),
        ("", "bob", False),
        ("@ look", "", False),
    ],
)
def test_mentions(text: str, name: str, expected: bool) -> None:
    assert mentions(text, name) is expected


def test_the_longest_name_of_the_conversation_wins() -> None:
    others = ["bob", "bob smith"]
    assert not mentions("@bob smith look", "bob", others)
    assert mentions("@bob smith look", "bob smith", others)
    assert mentions("@bob look", "bob", others)
    assert mentions("@bob smith and @bob", "bob", others)  # the second one is bob's


def other(text: str, sender: str = "bob") -> Message:
    return Message(text=text, kind=Kind.OTHER, sender=sender)


def test_only_others_lines_mention_me() -> None:
    assert mentions_me(other("@alice look"), "alice")
    assert not mentions_me(Message(text="@alice look", kind=Kind.OWN), "alice")
    assert not mentions_me(Message(text="@alice look", kind=Kind.SYSTEM), "alice")
    assert not mentions_me(other("@alice look", sender="alice"), "alice")  # my other window
    gone = other("")
    gone.deleted = True
    assert not mentions_me(gone, "alice")
    assert not mentions_me(other("@alice look"), "")  # no name yet
