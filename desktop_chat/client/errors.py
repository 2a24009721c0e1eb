"""The client's known errors, as notices a window words for the user (bugs are logged apart)."""

from __future__ import annotations

from desktop_chat.client.notices import (
    CertificateNotTrusted,
    ConnectFailed,
    ConnectionRefusedByServer,
    NoAnswer,
    NoConnectAnswer,
    NothingListening,
    NotHttps,
    Notice,
    SigninNeeded,
    UnknownHost,
)
from desktop_chat.client.signin import refusal_code


class MessageRefused(ValueError):
    """The message cannot be sent as it is; `notice` says why, for the window
    to word (the exception's text is for logs)."""

    def __init__(self, notice: Notice) -> None:
        super().__init__(repr(notice))
        self.notice = notice


def connect_failure(exc: BaseException, reported: object) -> Notice:
    """Why a connect attempt failed, as a notice for the window to word.

    python-socketio reports a server's refusal as a dict with a `message`
    and a transport failure as aiohttp's text, which we tell apart.
    """
    code = refusal_code(reported)
    if code:
        return SigninNeeded(code)
    if isinstance(reported, dict):
        return ConnectionRefusedByServer(str(reported.get("message", reported)))
    text = str(reported) if reported else (" ".join(str(a) for a in exc.args if a))
    lowered = text.lower()
    if "connect call failed" in lowered or "connection refused" in lowered:
        return NothingListening()
    if (
        "name or service not known" in lowered
        or "nodename nor servname" in lowered
        or ("temporary failure in name resolution" in lowered)
    ):
        return UnknownHost()
    if "certificate" in lowered:
        reason = text.split("certificate verify failed:")[-1].split("(_ssl")[0].strip(" ]')")
        return CertificateNotTrusted(reason)
    if "wrong_version_number" in lowered or "record layer failure" in lowered:
        return NotHttps()
    if "unexpected connection error" in lowered:
        # python-socketio's words when its wait_timeout passed with no answer
        # (nor a refusal) to the namespace connect.
        return NoConnectAnswer()
    if isinstance(exc, TimeoutError):
        return NoAnswer()
    return ConnectFailed(text or type(exc).__name__)


class FileRefused(ValueError):
    """A file `send_file` will not send; `code` says why, for the window to
    word: `no-files` (the server, a tutorial one or a profile's, takes no
    files), `unreadable` (missing, not a regular file, cannot be read),
    `too-large` (over the server's `files.max_bytes`)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail
