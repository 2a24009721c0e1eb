"""How https/wss servers are trusted."""

from __future__ import annotations

import ssl
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TlsOptions:
    """Verified by default, always."""

    ca_file: str | None = None  # a CA to trust besides the system's
    insecure: bool = False  # skip verification (never the default; the window warns)

    def context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=self.ca_file)
        if self.insecure:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context
