"""Reading a token from a file, for the client and the server alike.

A token on the command line (`--token`) is visible to every local user in
the process list; a file readable only by its owner, or the environment,
is not. The file holds the token on its first line; surrounding white
space (an editor's final newline) is not part of it.
"""

from __future__ import annotations

from pathlib import Path


class TokenFileError(ValueError):
    """The token file cannot be used; the message says why, in words."""


def read_token_file(path: str | Path) -> str:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TokenFileError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TokenFileError(f"{path}: cannot be read ({exc})") from None
    lines = text.strip().splitlines()
    token = lines[0].strip() if lines else ""
    if not token:
        raise TokenFileError(f"{path}: the file is empty")
    return token
