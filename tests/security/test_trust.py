"""Who the client trusts, and to whom it gives the token.

- `--ca-file` trusts one more CA, besides the system's (it used to replace them).
- A token never goes in clear (http://) to a host other than this machine
  unless the user says so; the window says why it held it back.
"""

from __future__ import annotations

import ssl
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
from tests.helpers import FAST_BACKOFF, refusal, run_checked, server_target, until
from tests.ui.conftest import texts


def _server_context(authority: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


def test_a_ca_file_is_trusted_besides_the_systems_cas(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The system trusts CA "public" (OpenSSL reads SSL_CERT_FILE as the system
    store); the user adds CA "office" with --ca-file. A server certified by
    either is trusted; one by a third CA is not."""
    public, office, stranger = trustme.CA(), trustme.CA(), trustme.CA()
    public.cert_pem.write_to_path(str(tmp_path / "system.pem"))
    office.cert_pem.write_to_path(str(tmp_path / "office.pem"))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "system.pem"))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)

    async def scenario() -> None:
        servers = {
            name: ChatServer(ssl_context=_server_context(authority))
            for name, authority in (("public", public), ("office", office), ("stranger", stranger))
        }
        clients: dict[str, ChatClient] = {}
        try:
            for name, server in servers.items():
                port = await server.start("127.0.0.1", 0)
                client = clients[name] = ChatClient(
                    name, backoff=FAST_BACKOFF, tls=TlsOptions(ca_file=str(tmp_path / "office.pem"))
                )
                client.connect_to(server_target(f"https://127.0.0.1:{port}"))
            await until(
                lambda: clients["public"].status.state is ConnectionState.CONNECTED,
                what="the system's CA to be trusted",
            )
            await until(
                lambda: clients["office"].status.state is ConnectionState.CONNECTED,
                what="the --ca-file CA to be trusted",
            )
            await until(lambda: bool(clients["stranger"].status.error))
            assert isinstance(clients["stranger"].status.error, CertificateNotTrusted)
        finally:
            for client in clients.values():
                await client.close()
            for server in servers.values():
                await server.stop()

    run_checked(scenario())


def test_a_token_is_held_back_from_a_plain_http_host_that_is_not_this_machine(
    qtbot: Any, arun: Any
) -> None:
    """0.0.0.0 reaches this machine's own listener on Linux, yet by its address it
    is not loopback: as far as the client can tell, a host on the network."""
    server = ChatServer(token="s3cret")
    port = arun(server.start("127.0.0.1", 0))
    session = ChatSession(
        Options(url=f"http://0.0.0.0:{port}", name="careful", remember=False, token="s3cret"),
        Settings(),
        backoff=FAST_BACKOFF,
    )
    try:
        arun(session.start())
        qtbot.waitUntil(lambda: "needs a valid token" in session.window.status_label.details())
        held = [t for t in texts(session, Kind.SYSTEM) if "token was not sent" in t]
        assert held, texts(session, Kind.SYSTEM)
        assert "http://0.0.0.0" in held[0] and "--send-token-over-http" in held[0]
        assert len(held) == 1  # said once, not at every retry
        assert server.client_count == 0
    finally:
        arun(session.close())
        arun(server.stop())


def test_with_the_users_consent_the_token_goes_over_plain_http(qtbot: Any, arun: Any) -> None:
    server = ChatServer(token="s3cret")
    port = arun(server.start("127.0.0.1", 0))
    session = ChatSession(
        Options(
            url=f"http://0.0.0.0:{port}",
            name="consenting",
            remember=False,
            token="s3cret",
            send_token_over_http=True,
        ),
        Settings(),
        backoff=FAST_BACKOFF,
    )
    try:
        arun(session.start())
        qtbot.waitUntil(lambda: session.client.status.state is ConnectionState.CONNECTED)
        assert not [t for t in texts(session, Kind.SYSTEM) if "token was not sent" in t]
    finally:
        arun(session.close())
        arun(server.stop())


def test_the_server_reads_its_token_from_a_file(tmp_path: Path) -> None:
    import sys

    from tests.helpers import free_port
    from tests.procs import Child

    secret = tmp_path / "token"
    secret.write_text("from-a-file\n", encoding="utf-8")
    port = free_port()
    server = Child(
        "desktop-chat-server",
        [
            sys.executable,
            "-m",
            "desktop_chat.server",
            "--port",
            str(port),
            "--db",
            str(tmp_path / "server.db"),
            "--token-file",
            str(secret),
        ],
        stdin=False,
    )
    try:
        server.wait_line("listening on", "the server to listen")
        # What every local user can read (the running process's command line)
        # and the server's own log never carry the token, only the file's name.
        cmdline = Path(f"/proc/{server.pid}/cmdline").read_bytes().decode()
        assert str(secret) in cmdline and "from-a-file" not in cmdline, cmdline

        async def scenario() -> None:
            wrong = ChatClient("wrong", backoff=FAST_BACKOFF, token="guess")
            right = ChatClient("right", backoff=FAST_BACKOFF, token="from-a-file")
            try:
                for client in (wrong, right):
                    client.connect_to(server_target(f"http://127.0.0.1:{port}"))
                await until(lambda: right.status.state is ConnectionState.CONNECTED)
                await until(lambda: "needs a valid token" in refusal(wrong.status))
            finally:
                await wrong.close()
                await right.close()

        run_checked(scenario())
        assert "from-a-file" not in server.text("stdout") + server.text("stderr")
    finally:
        server.close()
