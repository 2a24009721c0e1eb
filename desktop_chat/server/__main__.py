"""desktop-chat-server's command line: `python -m desktop_chat.server` and the
`desktop-chat-server` script. Parses, configures the process, runs ChatServer
until SIGINT or SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import signal
import ssl
import sys
from pathlib import Path

from desktop_chat import __version__
from desktop_chat.protocol.limits import Limits
from desktop_chat.protocol.transport import configure_engineio
from desktop_chat.protocol.urls import DEFAULT_PATH, InvalidServerUrl, normalize_path
from desktop_chat.server import admin
from desktop_chat.server.chat_server import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    HEADER_TIMEOUT,
    ChatServer,
    default_db_path,
    default_max_packet_bytes,
)
from desktop_chat.server.files import DEFAULT_MAX_FILE_BYTES, FilesConfig
from desktop_chat.server.gc_policy import OldestOnATimer
from desktop_chat.server.log_guard import guard_logging
from desktop_chat.server.retention import (
    DEFAULT_RETAIN_DAYS,
    DEFAULT_RETAIN_MESSAGES,
    Retention,
    default_retain_bytes,
)
from desktop_chat.storage.token_file import TokenFileError, read_token_file


def build_parser() -> argparse.ArgumentParser:
    limits = Limits()
    parser = argparse.ArgumentParser(
        prog="desktop-chat-server",
        description="The bundled Socket.IO chat server (the tutorial's protocol).",
    )
    add = parser.add_argument
    add("--host", default=DEFAULT_HOST, help="address to bind (default: %(default)s, loopback)")
    add("--port", type=int, default=DEFAULT_PORT, help="port (default: %(default)s)")
    add(
        "--path",
        default=DEFAULT_PATH,
        help="Socket.IO path, must match the clients' (default: %(default)s)",
    )
    add(
        "--db",
        help="SQLite file of the messages (default: server-<port>.db in the user's data folder)",
    )
    add(
        "--redis",
        metavar="URL",
        help="share rooms, history and catch-up with every other server process on this "
        "Redis 7 (redis://HOST:PORT/DB or unix://PATH); --db is then not used "
        "(docs/deploy.md)",
    )
    add(
        "--accounts",
        action="store_true",
        help="accept only signed-in connections (accounts: desktop-chat-server users add "
        "NAME); names are the accounts' (docs/security.md)",
    )
    add(
        "--max-message-bytes",
        type=int,
        default=limits.max_message_bytes,
        help="largest message accepted, in UTF-8 bytes (default: %(default)s)",
    )
    add(
        "--max-packet-bytes",
        type=int,
        help="largest Socket.IO packet accepted, as encoded on the wire; a larger one "
        "closes that client's connection (default: 6 x --max-message-bytes + 65536, "
        "which any message within --max-message-bytes fits)",
    )
    add(
        "--retain-days",
        type=float,
        default=DEFAULT_RETAIN_DAYS,
        help="delete messages older than this many days; 0 keeps them regardless of age "
        "(default: %(default)g)",
    )
    add(
        "--retain-messages",
        type=int,
        default=DEFAULT_RETAIN_MESSAGES,
        help="keep at most this many messages, all rooms together, deleting the oldest; "
        "0 keeps any number (default: %(default)s)",
    )
    add(
        "--retain-bytes",
        type=int,
        metavar="N",
        help="keep at most this many bytes of messages, deleting the oldest, checked "
        "whenever a twentieth of it was written; 0 keeps any size (default: a quarter of "
        "the space free where the database is at start, at most 10 GiB)",
    )
    add(
        "--rate",
        type=float,
        default=limits.rate,
        help="messages a second one client may send, sustained (default: %(default)s)",
    )
    add(
        "--burst",
        type=int,
        default=limits.burst,
        help="messages one client may send at once (default: %(default)s)",
    )
    add(
        "--token-file",
        metavar="FILE",
        help="require the token on the first line of FILE from clients "
        "(or set DESKTOP_CHAT_SERVER_TOKEN)",
    )
    add(
        "--token",
        default=os.environ.get("DESKTOP_CHAT_SERVER_TOKEN"),
        help="the token itself (other local users can see it in the process list: "
        "prefer --token-file or DESKTOP_CHAT_SERVER_TOKEN)",
    )
    add(
        "--files-dir",
        metavar="DIR",
        help="where uploaded files are kept (default: beside the database, <db>.files; "
        "with --redis there is no default: give every process the same shared folder, "
        "docs/deploy.md)",
    )
    add(
        "--max-file-bytes",
        type=int,
        default=DEFAULT_MAX_FILE_BYTES,
        help="largest file accepted, in bytes; 0 takes no files (default: %(default)s)",
    )
    add("--certfile", help="TLS certificate chain (PEM); serves https/wss with --keyfile")
    add("--keyfile", help="TLS private key (PEM)")
    add(
        "--cors-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="a web page origin allowed to connect (repeatable; default: same origin only)",
    )
    add(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a host name clients reach this server by (repeatable); requests for other "
        "names are refused, against DNS rebinding (default: the loopback names when "
        "listening on loopback; elsewhere any name, so give the server's names)",
    )
    add(
        "--header-timeout",
        type=float,
        default=HEADER_TIMEOUT,
        metavar="SECONDS",
        help="close a connection that has not sent a whole request within this long "
        "of connecting or of its last answer (default: %(default)s)",
    )
    add(
        "--trusted-proxy",
        action="append",
        default=[],
        metavar="ADDR",
        help="the address of a proxy in front of this server (repeatable): connections "
        "from it are counted by the X-Forwarded-For address it adds (HAProxy: option "
        "forwardfor); anyone else's X-Forwarded-For is ignored",
    )
    add(
        "--max-connections-per-address",
        type=int,
        default=Limits().max_connections_per_address,
        metavar="N",
        help="open connections allowed from one address, 0 for no limit (default: %(default)s)",
    )
    add("--version", action="version", version=f"%(prog)s {__version__}")
    admin.add_subcommands(parser)
    return parser


async def serve(server: ChatServer, host: str, port: int, db: Path | str) -> None:
    await server.start(host, port)
    # What the server made to start lives as long as it does: full
    # collections need not walk it (gc.freeze), and run at a measured pace.
    gc.freeze()
    collector = OldestOnATimer()
    collector.start()
    # Before the start line: whoever reads it may stop the server at once, and
    # a SIGTERM before the handlers would kill it without closing its store.
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    where = (
        "loopback only"
        if host in ("127.0.0.1", "::1", "localhost")
        else "reachable from other machines"
    )
    extras = " token required," if server.token else ""
    extras = " accounts required," if server.accounts else extras
    print(
        f"desktop-chat-server listening on {server.url} ({where}),{extras} messages kept in {db}",
        flush=True,
    )
    history = None if server.bus is not None else server.history
    if history is not None and history.moved_aside is not None:
        print(
            f"desktop-chat-server: {db} could not be read ({history.moved_reason}); "
            f"it was moved aside to {history.moved_aside} and a new database started",
            flush=True,
        )
    try:
        await stop.wait()
    finally:
        collector.stop()
        await server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is not None:
        return admin.run(args, Path(args.db) if args.db else default_db_path(args.port))
    if args.accounts and (args.token or args.token_file):
        parser.error("--accounts signs in with each account's token: leave out --token")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    guard_logging()
    configure_engineio()
    if bool(args.certfile) != bool(args.keyfile):
        parser.error("--certfile and --keyfile go together")
    context = None
    try:
        path = normalize_path(args.path)
        if args.certfile:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(args.certfile, args.keyfile)
        token = read_token_file(args.token_file) if args.token_file else args.token
    except InvalidServerUrl as exc:
        parser.error(str(exc))
    except TokenFileError as exc:
        parser.error(f"--token-file {exc}")
    except (OSError, ssl.SSLError) as exc:
        parser.error(f"cannot load the TLS certificate or key: {exc}")
    db = Path(args.db) if args.db else default_db_path(args.port)
    limits = Limits(
        max_message_bytes=args.max_message_bytes,
        rate=args.rate,
        burst=args.burst,
        max_connections_per_address=args.max_connections_per_address,
    )
    if args.max_packet_bytes is not None and args.max_packet_bytes <= 0:
        parser.error("--max-packet-bytes must be positive")
    if args.retain_days < 0 or args.retain_messages < 0:
        parser.error("--retain-days and --retain-messages cannot be negative")
    if args.max_file_bytes < 0:
        parser.error("--max-file-bytes cannot be negative")
    files_dir = Path(args.files_dir) if args.files_dir else None
    if files_dir is None and not args.redis:
        files_dir = Path(f"{db}.files")
    # max_bytes 0: no files (the server then also makes none beside the database).
    files = FilesConfig(files_dir, max_bytes=args.max_file_bytes) if files_dir else None
    if args.retain_bytes is not None and args.retain_bytes < 0:
        parser.error("--retain-bytes cannot be negative")
    if args.retain_bytes is None:
        retain_bytes: int | None = (
            None
            if args.redis
            else default_retain_bytes(db.parent if db.parent.exists() else Path.cwd())
        )
    else:
        retain_bytes = args.retain_bytes or None
    retention = Retention(
        days=args.retain_days or None,
        messages=args.retain_messages or None,
        bytes=retain_bytes,
    )
    try:
        server = ChatServer(
            path,
            db=db,
            token=token or None,
            limits=limits,
            ssl_context=context,
            cors_allowed_origins=args.cors_origin or None,
            max_packet_bytes=args.max_packet_bytes
            or default_max_packet_bytes(args.max_message_bytes),
            retention=retention,
            redis=args.redis,
            files=files,
            allowed_hosts=args.allowed_host,
            header_timeout=args.header_timeout,
            accounts=args.accounts,
            trusted_proxies=args.trusted_proxy,
        )
        where = f"Redis at {args.redis}" if args.redis else db
        asyncio.run(serve(server, args.host, args.port, where))
    except OSError as exc:
        print(
            f"desktop-chat-server: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}",
            file=sys.stderr,
        )
        return 1
    except RuntimeError as exc:  # the database cannot be opened, or Redis reached
        print(f"desktop-chat-server: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
