"""The client's known errors, in words a user can act on (bugs are logged apart)."""

from __future__ import annotations

from desktop_chat.client.notices import Notice


class MessageRefused(ValueError):
    """The message cannot be sent as it is; `notice` says why, for the window
    to word (the exception's text is for logs)."""

    def __init__(self, notice: Notice) -> None:
        super().__init__(repr(notice))
        self.notice = notice


def describe_connect_failure(exc: BaseException, reported: object) -> str:
    """The reason a connect attempt failed.

    python-socketio reports a server's refusal as a dict with a `message`
    and a transport failure as aiohttp's text, which we translate.
    """
    if isinstance(reported, dict):
        return f"The server refused the connection: {reported.get('message', reported)}"
    text = str(reported) if reported else (" ".join(str(a) for a in exc.args if a))
    lowered = text.lower()
    if "connect call failed" in lowered or "connection refused" in lowered:
        return "Connection refused: nothing is listening at this address."
    if (
        "name or service not known" in lowered
        or "nodename nor servname" in lowered
        or ("temporary failure in name resolution" in lowered)
    ):
        return "Unknown host: the server's name cannot be resolved."
    if "certificate" in lowered:
        reason = text.split("certificate verify failed:")[-1].split("(_ssl")[0].strip(" ]')")
        return (
            f"The server's TLS certificate is not trusted ({reason}). "
            "Trust its CA with --ca-file, or skip the check with --insecure."
        )
    if "wrong_version_number" in lowered or "record layer failure" in lowered:
        return "TLS failed: the server does not speak https at this address."
    if isinstance(exc, TimeoutError):
        return "The server did not answer in time."
    return text or type(exc).__name__
