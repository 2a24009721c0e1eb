"""What an account is: a server (address, path, profile), an identity on it
(the client key the server knows it by) and the name others see.

The id is opaque and stays the same across restarts: it is what the local
history, the automation and the window call the account. Everything the
app keeps of an account (history, unread counts, the conversation shown,
drafts, outbox, offsets) is keyed by it, or by its (owner, server) pair,
which names the same account in the tables that predate accounts.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass


def new_account_id() -> str:
    return secrets.token_hex(8)


@dataclass(frozen=True, slots=True)
class Account:
    id: str
    owner: str  # the key of the window identity it belongs to (client/identity.py)
    key: str  # its client key (auth.client): how the server knows it; the outbox,
    # offsets and drafts are kept under it (for a window's first account on a
    # server it is the window identity's own key, as before accounts)
    server: str  # ServerTarget.key: the address and Socket.IO path
    url: str
    path: str
    name: str = ""  # the name others see ("" = the window's default)
    profile: str = ""  # how the server speaks ("" = remembered for the server, else tutorial)
    position: int = 0  # order in the window
    # The name it signs in with on a server with accounts (issue #24), to fill
    # the sign-in form and to find its secret in the keyring (app/credentials.py);
    # never the secret itself. "" = never signed in.
    signin: str = ""
