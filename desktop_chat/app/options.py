"""What the command line asks of a window (`desktop-chat --url … --name …`).

Apart from session.py, which imports the whole app: the command line and
app/run.py make one before the window is drawn (app/first_paint.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from desktop_chat.client.tls import TlsOptions
from desktop_chat.protocol.urls import DEFAULT_PATH, DEFAULT_URL


@dataclass(slots=True)
class Options:
    url: str | None = None  # explicit: never host
    more_urls: list[str] = field(default_factory=list)  # --url given again: more accounts
    path: str = DEFAULT_PATH
    name: str = ""
    room: str = ""
    default_url: str = DEFAULT_URL  # what a first start without --url uses
    remember: bool = True  # settings, outbox and a hosted server's messages on disk
    token: str | None = None  # sent in auth; never logged
    send_token_over_http: bool = False  # the user accepts a token in clear to another host
    tls: TlsOptions = field(default_factory=TlsOptions)
    # Engine.IO transports, e.g. ["polling"] where a proxy blocks websockets;
    # None is python-engineio's default (polling, then upgrade to websocket).
    transports: list[str] | None = None
    profile: str = ""  # --profile: how the server speaks (else remembered, else tutorial)
    profiles_dir: Path | None = None  # the user's profiles (default: in the config directory)

    @property
    def urls(self) -> list[str]:
        """Every --url, in order."""
        return ([self.url] if self.url is not None else []) + self.more_urls
