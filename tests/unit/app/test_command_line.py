"""desktop-chat's command line: where the token comes from."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_chat.__main__ import build_parser, token_from
from desktop_chat.storage.token_file import TokenFileError


def test_the_token_comes_from_a_file_first_then_the_option_then_the_environment(
    tmp_path: Path,
) -> None:
    secret = tmp_path / "token"
    secret.write_text("from-file\n", encoding="utf-8")
    env = {"DESKTOP_CHAT_TOKEN": "from-env"}
    parse = build_parser().parse_args
    assert token_from(parse(["--token-file", str(secret), "--token", "x"]), env) == "from-file"
    assert token_from(parse(["--token", "from-option"]), env) == "from-option"
    assert token_from(parse([]), env) == "from-env"
    assert token_from(parse([]), {}) is None


@pytest.mark.parametrize(
    ("content", "reason"),
    [(None, "no such file"), ("\n  \n", "empty"), (b"\xff\xfe", "cannot be read")],
)
def test_an_unusable_token_file_is_explained(
    tmp_path: Path, content: str | bytes | None, reason: str
) -> None:
    path = tmp_path / "token"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    elif isinstance(content, bytes):
        path.write_bytes(content)
    with pytest.raises(TokenFileError, match=reason):
        token_from(build_parser().parse_args(["--token-file", str(path)]), {})
