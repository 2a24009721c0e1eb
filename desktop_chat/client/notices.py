"""What the client tells the user, as typed notices: data, never words.

The client reports each as it happens (`ChatClient.on_notice`, or inside a
`MessageRefused`); the window words every kind in the user's language
(ui/notice_text.py), so that a Korean window shows no English line made
here. A name, a room or a server's own text is carried as it came
(untrusted, shown as plain text); sizes as numbers.

A new kind is a new frozen dataclass below, subclassing `Notice`:
tests/unit/ui/test_notice_text.py finds every subclass and fails until the
window words it in English and Korean.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Metadata of a field that only says where a notice is shown, not part of what it says.
PLACEMENT = {"placement": True}
# Metadata of a field that chooses how a notice is worded (or is there for
# whoever reads the notice as data), not itself part of what it says.
CHOOSES = {"placement": True}


class Notice:
    """One thing to tell the user; `room` is the conversation it is shown in
    ("" = the conversation with everyone). The kinds are frozen dataclasses
    without slots: `slots=True` makes a second class, and both would be
    subclasses here."""

    @property
    def room(self) -> str:
        return ""


# ---- the connection ----------------------------------------------------------


@dataclass(frozen=True)
class Connected(Notice):
    """A connection is up; the server knows us by `sid`."""

    sid: str


@dataclass(frozen=True)
class Disconnected(Notice):
    """The connection is over. `offline`: the user chose to go offline.
    `failure`: sending failed with this error (a bug, logged), so the
    client reconnects to send again; "" when the connection just ended."""

    offline: bool = False
    failure: str = ""


@dataclass(frozen=True)
class TokenHeldBack(Notice):
    """The token was not sent to `url`: plain http to another machine."""

    url: str


# ---- why a connection failed or ended (Status.error) ---------------------------


@dataclass(frozen=True)
class ConnectionRefusedByServer(Notice):
    """The server refused the connection; `message` is its own text."""

    message: str


@dataclass(frozen=True)
class NothingListening(Notice):
    """Nothing is listening at the address."""


@dataclass(frozen=True)
class UnknownHost(Notice):
    """The server's name cannot be resolved."""


@dataclass(frozen=True)
class CertificateNotTrusted(Notice):
    """The server's TLS certificate is not trusted; `reason` is the TLS library's."""

    reason: str


@dataclass(frozen=True)
class NotHttps(Notice):
    """The server does not speak https at the address."""


@dataclass(frozen=True)
class NoAnswer(Notice):
    """The server did not answer in time."""


@dataclass(frozen=True)
class NoConnectAnswer(Notice):
    """The server took the connection (Engine.IO) but never answered the
    namespace connect: a python-socketio server whose connect handler raised
    sends nothing back."""


@dataclass(frozen=True)
class ConnectFailed(Notice):
    """Any other failure; `detail` is the library's text (or the error's name)."""

    detail: str


@dataclass(frozen=True)
class SendingFailed(Notice):
    """Sending failed with `failure` (a bug, logged); reconnecting to send again."""

    failure: str


@dataclass(frozen=True)
class MessageDropsConnection(Notice):
    """The server closed the connection each time a message was sent (`times`
    times): it may be too large for it. The message is kept, failed, for the
    user to retry or discard; shown in the message's conversation (`where`)."""

    where: str = field(metadata=PLACEMENT)
    times: int = field()

    @property
    def room(self) -> str:
        return self.where


# ---- rooms -------------------------------------------------------------------


@dataclass(frozen=True)
class Joined(Notice):
    """The server took us into `joined`. `reply`: what it said in its ack, when
    that was something else than the usual "Joined <room>" (its own text)."""

    joined: str
    reply: str = ""

    @property
    def room(self) -> str:
        return self.joined


@dataclass(frozen=True)
class JoinUnconfirmed(Notice):
    """Joined as far as we know: the server never answered the join."""

    joined: str

    @property
    def room(self) -> str:
        return self.joined


@dataclass(frozen=True)
class JoinRefused(Notice):
    """The server would not let us into `refused`; `reason` is its own text.
    Shown with everyone: the room is left, not kept."""

    refused: str
    reason: str


@dataclass(frozen=True)
class NoRoomsToJoin(Notice):
    """The profile spoken (`profile`, its name) has no rooms."""

    profile: str


@dataclass(frozen=True)
class HistoryTrimmed(Notice):
    """Some of what was said in `channel` ("" = with everyone) while we were
    away is no longer kept by the server; what it still had is shown."""

    channel: str

    @property
    def room(self) -> str:
        return self.channel


@dataclass(frozen=True)
class StoreStartedOver(Notice):
    """The server's store is not the one our offsets came from (its database
    was set aside, replaced, or its Redis lost everything): catching up
    started from its beginning, so everything it has now is shown."""


# ---- people ------------------------------------------------------------------


@dataclass(frozen=True)
class Renamed(Notice):
    """Someone called `old` is called `new` from now on (the server says)."""

    old: str
    new: str


# ---- a message that is not sent (MessageRefused.notice) -----------------------


@dataclass(frozen=True)
class EmptyMessage(Notice):
    """An empty message is not sent."""


@dataclass(frozen=True)
class TextTooLong(Notice):
    """The text is `size` bytes in UTF-8; the server takes at most `limit`."""

    size: int
    limit: int


@dataclass(frozen=True)
class PacketTooBig(Notice):
    """The packet on the wire is `size` bytes (characters outside ASCII take up
    to 6 bytes each there); the server takes at most `limit`."""

    size: int
    limit: int


@dataclass(frozen=True)
class NotStored(Notice):
    """The message could not be kept in the outbox (`error`, the storage's
    error), so it was not sent."""

    error: str


def notice_kinds() -> list[type[Notice]]:
    """Every kind of notice, for the window's wording to cover (and its test)."""
    found: list[type[Notice]] = []
    pending = list(Notice.__subclasses__())
    while pending:
        kind = pending.pop(0)
        found.append(kind)
        pending.extend(kind.__subclasses__())
    return found


# ---- living messages -------------------------------------------------------------


@dataclass(frozen=True)
class ChangeRefused(Notice):
    """The server refused an edit, deletion or reaction of ours (`kind`:
    "edit", "delete", "react"), saying `reason` (its own words) and `code`
    (docs/protocol.md: no-such-message, not-yours, not-in-room, too-long,
    bad-emoji, too-many-reactions, rate, bad-request; "" when it gave none)."""

    where: str = field(metadata=PLACEMENT)
    kind: str = field(metadata=CHOOSES)
    reason: str = field()
    code: str = field(default="", metadata=CHOOSES)

    @property
    def room(self) -> str:
        return self.where


@dataclass(frozen=True)
class ChangesUnsupported(Notice):
    """This server (a tutorial server, or a profile's) cannot carry replies,
    edits, deletions or reactions: they are hidden; a reply goes as text with
    the answered line quoted. Said once, on first use."""

    where: str = field(metadata=PLACEMENT)

    @property
    def room(self) -> str:
        return self.where


# ---- accounts (issue #24) ------------------------------------------------------


@dataclass(frozen=True)
class SigninNeeded(Notice):
    """The server takes only signed-in connections and refused this one: `code`
    is its reason (`signin-required`, `bad-credentials`, `revoked`,
    `signin-rate`, docs/protocol.md). The client does not retry until it is
    given credentials, except after `signin-rate`, when it waits a minute."""

    code: str = field(metadata=CHOOSES)


@dataclass(frozen=True)
class SignedOut(Notice):
    """The server signed this connection out while it was open (the token was
    replaced, the password changed, the account removed): not retried."""

    code: str = field(default="revoked", metadata=CHOOSES)


@dataclass(frozen=True)
class RoomRemoved(Notice):
    """We were taken out of the private room `removed` by its admin: it is not
    joined again; what was kept of it stays readable here."""

    removed: str


@dataclass(frozen=True)
class AddedToRoom(Notice):
    """A member added us to the private room `added` (or it was made with us in
    it): joined, and shown in the sidebar."""

    added: str
