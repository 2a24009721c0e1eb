"""How https/wss servers are trusted, and whether a token may go over plain http."""

from __future__ import annotations

import ssl
from dataclasses import dataclass

from desktop_chat.protocol.urls import ServerUrl


@dataclass(frozen=True, slots=True)
class TlsOptions:
    """Verified by default, always."""

    ca_file: str | None = None  # a CA to trust besides the system's
    insecure: bool = False  # skip verification (never the default; the window warns)

    def context(self) -> ssl.SSLContext:
        # The system's CAs first, then the user's one more: passing cafile to
        # create_default_context would load it *instead of* the system's.
        context = ssl.create_default_context()
        if self.ca_file:
            context.load_verify_locations(cafile=self.ca_file)
        if self.insecure:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context


def token_held_back(url: ServerUrl, consent: bool) -> bool:
    """Whether the token must not be sent to `url` (notices.TokenHeldBack says so).

    Over plain http anyone on the path can read it; that is acceptable on
    this machine (loopback), and elsewhere only when the user said so.
    """
    return not (url.scheme == "https" or url.is_loopback or consent)
