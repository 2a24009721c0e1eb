"""https with a certificate made in the test: refused by default, trusted with
--ca-file, accepted with a visible warning under --insecure."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

from desktop_chat.app.session import ChatSession, Options
from desktop_chat.app.settings import Settings
from desktop_chat.client.chat_client import ChatClient, ConnectionState, TlsOptions
from desktop_chat.client.notices import CertificateNotTrusted
from desktop_chat.protocol.messages import Kind
from desktop_chat.server.chat_server import ChatServer
from tests.helpers import FAST_BACKOFF, run_checked, server_target, until
from tests.ui.conftest import texts


@pytest.fixture
def ca(tmp_path: Path) -> Iterator[tuple[trustme.CA, ssl.SSLContext, Path]]:
    authority = trustme.CA()
    cert = authority.issue_cert("127.0.0.1", "localhost")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    ca_file = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    yield authority, context, ca_file


def test_certificates_are_verified_by_default_and_a_ca_file_is_trusted(ca: Any) -> None:
    _, context, ca_file = ca

    async def scenario() -> None:
        server = ChatServer(ssl_context=context)
        port = await server.start("127.0.0.1", 0)
        url = server_target(f"https://127.0.0.1:{port}")
        default = ChatClient("default", backoff=FAST_BACKOFF)
        trusting = ChatClient("ca", backoff=FAST_BACKOFF, tls=TlsOptions(ca_file=str(ca_file)))
        for c in (default, trusting):
            c.connect_to(url)
        try:
            await until(lambda: trusting.status.state is ConnectionState.CONNECTED)
            await until(lambda: bool(default.status.error))
            assert default.status.state is ConnectionState.RECONNECTING
            assert isinstance(default.status.error, CertificateNotTrusted)
            assert server.client_count == 1
        finally:
            await default.close()
            await trusting.close()
            await server.stop()

    run_checked(scenario())


def test_insecure_connects_and_the_window_warns(ca: Any, qtbot: Any, arun: Any) -> None:
    _, context, _ = ca
    server = ChatServer(ssl_context=context)
    port = arun(server.start("127.0.0.1", 0))
    session = ChatSession(
        Options(
            url=f"https://127.0.0.1:{port}",
            name="risky",
            remember=False,
            tls=TlsOptions(insecure=True),
        ),
        Settings(),
        backoff=FAST_BACKOFF,
    )
    try:
        arun(session.start())
        qtbot.waitUntil(lambda: session.client.status.state is ConnectionState.CONNECTED)
        status = session.window.status_label.details()
        assert status.startswith("⚠ INSECURE: TLS certificates are not checked")
        assert "Connected as" in status
        assert "INSECURE" in session.window.windowTitle()
        assert any("--insecure is on" in t for t in texts(session, Kind.SYSTEM))
    finally:
        arun(session.close())
        arun(server.stop())
