"""A failed connect attempt is told apart as a typed notice, never as words."""

from __future__ import annotations

import pytest

from desktop_chat.client.errors import MessageRefused, connect_failure
from desktop_chat.client.notices import (
    CertificateNotTrusted,
    ConnectFailed,
    ConnectionRefusedByServer,
    EmptyMessage,
    NoAnswer,
    NothingListening,
    NotHttps,
    Notice,
    UnknownHost,
)


@pytest.mark.parametrize(
    ("exc", "reported", "expected"),
    [
        (ConnectionError(), {"message": "needs a valid token"},
         ConnectionRefusedByServer("needs a valid token")),
        (ConnectionError("Cannot connect to host [Connect call failed ('127.0.0.1', 9)]"), None,
         NothingListening()),
        (ConnectionError("[Errno -2] Name or service not known"), None, UnknownHost()),
        (ConnectionError(
            "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed "
            "certificate (_ssl.c:1006)"), None, CertificateNotTrusted("self-signed certificate")),
        (ConnectionError("[SSL: WRONG_VERSION_NUMBER] wrong version number"), None, NotHttps()),
        (TimeoutError(), None, NoAnswer()),
        (ConnectionError("Unexpected status code 502"), None,
         ConnectFailed("Unexpected status code 502")),
        (ValueError(), None, ConnectFailed("ValueError")),
    ],
)  # fmt: skip
def test_each_failure_is_a_kind(exc: BaseException, reported: object, expected: Notice) -> None:
    assert connect_failure(exc, reported) == expected


def test_a_refused_message_carries_its_notice() -> None:
    refused = MessageRefused(EmptyMessage())
    assert refused.notice == EmptyMessage()
