"""The client's notices (client/notices.py), and what is wrong with a server
address (protocol/urls.py), in the user's language.

The client reports what happened as data; this is the one place that
words it, with `translate` so that both languages cover every kind
(tests/unit/ui/test_notice_text.py fails on a kind without a Korean line).
Names, rooms and a server's own text are put in with `fill`, as they came;
a server's text is quoted, inside our sentence.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from desktop_chat.client.notices import (
    AddedToRoom,
    CertificateNotTrusted,
    ChangeRefused,
    ChangesUnsupported,
    Connected,
    ConnectFailed,
    ConnectionRefusedByServer,
    Disconnected,
    EmptyMessage,
    HistoryTrimmed,
    Joined,
    JoinRefused,
    JoinUnconfirmed,
    MessageDropsConnection,
    NoAnswer,
    NoConnectAnswer,
    NoRoomsToJoin,
    NothingListening,
    NotHttps,
    Notice,
    NotStored,
    PacketTooBig,
    Renamed,
    RoomRemoved,
    SendingFailed,
    SignedOut,
    SigninNeeded,
    StoreStartedOver,
    TextTooLong,
    TokenHeldBack,
    UnknownHost,
)
from desktop_chat.protocol.messages import display_text
from desktop_chat.protocol.urls import InvalidServerUrl, UrlProblem
from desktop_chat.ui.tr import fill

translate = QCoreApplication.translate


def _bytes(count: int) -> str:
    return f"{count:,}"


def notice_text(notice: Notice) -> str:
    """What to show for `notice`, in the language installed now."""
    match notice:
        case Connected(sid=sid):
            return fill(translate("NoticeText", "You connected with id : %1"), sid)
        case Disconnected(offline=offline, failure=failure):
            text = (
                translate("NoticeText", "You went offline.")
                if offline
                else translate("NoticeText", "Disconnected from the server.")
            )
            return f"{text} {notice_text(SendingFailed(failure))}" if failure else text
        case SendingFailed(failure=failure):
            return fill(translate("NoticeText", "Sending failed (%1); reconnecting."), failure)
        case SigninNeeded(code="bad-credentials"):
            return translate(
                "NoticeText", "The server did not accept that name and password or token."
            )
        case SigninNeeded(code="revoked"):
            return translate("NoticeText", "Your sign-in was taken back; sign in again.")
        case SigninNeeded(code="signin-rate"):
            return translate(
                "NoticeText", "Too many sign-in attempts; waiting a minute before trying again."
            )
        case SigninNeeded():
            return translate("NoticeText", "This server needs you to sign in.")
        case SignedOut():
            return translate(
                "NoticeText",
                "You were signed out by the server (your token was replaced, your password "
                "changed or your account removed). Sign in again to go on.",
            )
        case AddedToRoom(added=added):
            return fill(
                translate("NoticeText", "You are a member of the private room %1."),
                f"#{display_text(added)}",
            )
        case RoomRemoved(removed=removed):
            return fill(
                translate(
                    "NoticeText",
                    "You were removed from the private room %1. What you saw of it stays in "
                    "your history on this computer.",
                ),
                f"#{display_text(removed)}",
            )
        case ConnectionRefusedByServer(message=message):
            return fill(translate("NoticeText", "The server refused the connection: “%1”"), message)
        case NothingListening():
            return translate(
                "NoticeText", "Connection refused: nothing is listening at this address."
            )
        case UnknownHost():
            return translate("NoticeText", "Unknown host: the server's name cannot be resolved.")
        case CertificateNotTrusted(reason=reason):
            return fill(
                translate(
                    "NoticeText",
                    "The server's TLS certificate is not trusted (%1). "
                    "Trust its CA with --ca-file, or skip the check with --insecure.",
                ),
                reason,
            )
        case NotHttps():
            return translate(
                "NoticeText", "TLS failed: the server does not speak https at this address."
            )
        case NoAnswer():
            return translate("NoticeText", "The server did not answer in time.")
        case NoConnectAnswer():
            return translate(
                "NoticeText",
                "The server took the connection but never answered the Socket.IO connect "
                "(its connect handler may have failed).",
            )
        case ConnectFailed(detail=detail):
            return fill(translate("NoticeText", "Connection failed: %1"), detail)
        case MessageDropsConnection(times=times):
            return fill(
                translate(
                    "NoticeText",
                    "A message was not sent: the server closed the connection each time it "
                    "was sent (%1 times); it may be too large for it. Its menu can send it again.",
                ),
                times,
            )
        case TokenHeldBack(url=url):
            return fill(
                translate(
                    "NoticeText",
                    "The token was not sent to %1: the connection is not encrypted (http://) "
                    "and the server is not on this machine, so anyone on the network could "
                    "read it. Use https://, or --send-token-over-http if you accept that.",
                ),
                url,
            )
        case Joined(joined=room, reply=reply):
            if reply:
                said = translate("NoticeText", "Joined %1. The server says: “%2”")
                return fill(said, room, reply)
            return fill(translate("NoticeText", "Joined %1"), room)
        case ChangeRefused(kind=kind, reason=reason):
            said = {
                "edit": translate("NoticeText", "The server refused your edit: “%1”"),
                "delete": translate(
                    "NoticeText", "The server refused to delete your message: “%1”"
                ),
                "react": translate("NoticeText", "The server refused your reaction: “%1”"),
            }.get(kind, translate("NoticeText", "The server refused the change: “%1”"))
            return fill(said, reason)
        case ChangesUnsupported():
            return translate(
                "NoticeText",
                "This server cannot carry replies, edits, deletions or reactions, so they are "
                "hidden here; a reply is sent as text with the answered line quoted.",
            )
        case JoinUnconfirmed(joined=room):
            return fill(
                translate("NoticeText", "Joined room '%1' (the server did not confirm)."), room
            )
        case JoinRefused(refused=room, reason=reason):
            # Said beside the join field: a long name shortened, and the
            # protocol's own prefix ("join-room: ") left out of the server's words.
            shown = room if len(room) <= 40 else room[:39] + "…"
            reason = reason.removeprefix("join-room: ")
            return fill(translate("NoticeText", "Could not join %1: “%2”"), shown, reason)
        case NoRoomsToJoin(profile=profile):
            return fill(translate("NoticeText", "The %1 profile has no rooms to join."), profile)
        case StoreStartedOver():
            return translate(
                "NoticeText",
                "The server started over with a new message store; what it kept before is "
                "gone from it. Showing everything it has now.",
            )
        case HistoryTrimmed(channel=""):
            return translate(
                "NoticeText",
                "Some of what was said in the conversation with everyone while you were away "
                "is no longer kept by the server (it keeps messages for a limited time); "
                "everything it still had is shown.",
            )
        case HistoryTrimmed(channel=room):
            return fill(
                translate(
                    "NoticeText",
                    "Some of what was said in #%1 while you were away is no longer kept by the "
                    "server (it keeps messages for a limited time); everything it still had "
                    "is shown.",
                ),
                room,
            )
        case Renamed(old=old, new=new):
            return fill(translate("NoticeText", "%1 is now called %2"), old, new)
        case EmptyMessage():
            return translate("NoticeText", "An empty message is not sent.")
        case TextTooLong(size=size, limit=limit):
            return fill(
                translate(
                    "NoticeText", "The message is %1 bytes; the server takes at most %2 bytes."
                ),
                _bytes(size),
                _bytes(limit),
            )
        case PacketTooBig(size=size, limit=limit):
            return fill(
                translate(
                    "NoticeText",
                    "The message is %1 bytes as sent (characters outside ASCII take up to "
                    "6 bytes each on the wire); the server takes at most %2 bytes.",
                ),
                _bytes(size),
                _bytes(limit),
            )
        case NotStored(error=error):
            return fill(
                translate(
                    "NoticeText", "The message could not be stored (%1), so it was not sent."
                ),
                error,
            )
    raise TypeError(f"no words for {notice!r}: add them to ui/notice_text.py")


def url_problem_text(error: InvalidServerUrl) -> str:
    """Why an address cannot name a server, in the language installed now."""
    address, detail = repr(error.address), repr(error.detail)
    match error.problem:
        case UrlProblem.EMPTY:
            return translate("NoticeText", "The server address is empty.")
        case UrlProblem.SPACES:
            return fill(translate("NoticeText", "The server address %1 contains spaces."), address)
        case UrlProblem.MALFORMED:
            return fill(
                translate("NoticeText", "The server address %1 is malformed: %2."),
                address,
                error.detail,
            )
        case UrlProblem.SCHEME:
            return fill(
                translate(
                    "NoticeText",
                    "The server address %1 uses %2; only http://, https://, ws:// and wss:// "
                    "are supported.",
                ),
                address,
                detail,
            )
        case UrlProblem.NO_HOST:
            return fill(translate("NoticeText", "The server address %1 names no host."), address)
        case UrlProblem.CREDENTIALS:
            return translate(
                "NoticeText", "The server address must not contain a user name or password."
            )
        case UrlProblem.HAS_PATH:
            return fill(
                translate(
                    "NoticeText",
                    "The server address %1 has a path (%2); give the Socket.IO path "
                    "separately (--path), e.g. /chat/socket.io.",
                ),
                address,
                detail,
            )
        case UrlProblem.PORT_ZERO:
            return fill(translate("NoticeText", "The server address %1 has port 0."), address)
        case UrlProblem.EMPTY_PATH:
            return translate("NoticeText", "The Socket.IO path is empty.")
    raise TypeError(f"no words for {error.problem!r}: add them to ui/notice_text.py")
