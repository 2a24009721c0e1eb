"""desktop-chat: the command line, then the app."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping

from desktop_chat import __version__
from desktop_chat.protocol.urls import DEFAULT_PATH, DEFAULT_URL
from desktop_chat.storage.token_file import TokenFileError, read_token_file

TOKEN_ENV = "DESKTOP_CHAT_TOKEN"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="desktop-chat",
        description=(
            "A desktop chat client for Socket.IO servers. Without --url it joins the "
            f"last server used, or {DEFAULT_URL} the first time, and hosts the bundled "
            "server there itself when nothing is listening."
        ),
    )
    parser.add_argument(
        "--url",
        action="append",
        help="server to join, e.g. http://localhost:3000 (an explicit URL is never hosted); "
        "given more than once, each is an account of the window, shown in the sidebar",
    )
    parser.add_argument(
        "--path",
        default=DEFAULT_PATH,
        help="Socket.IO path of the server (default: %(default)s)",
    )
    parser.add_argument("--name", default="", help="your display name (default: your login)")
    parser.add_argument("--room", default="", help="a room to join at start")
    parser.add_argument(
        "--token-file",
        metavar="FILE",
        help="read the token for servers that require one from FILE (first line); "
        "or set DESKTOP_CHAT_TOKEN. Never logged or saved",
    )
    parser.add_argument(
        "--profile",
        default="",
        metavar="NAME",
        help="how the server speaks: tutorial (default), socketio-chat-demo, "
        "socketio-get-started, or one of yours (docs/profiles.md); remembered per server",
    )
    parser.add_argument(
        "--token",
        help="the token itself (other local users can see it in the process list: "
        "prefer --token-file or DESKTOP_CHAT_TOKEN)",
    )
    parser.add_argument(
        "--send-token-over-http",
        action="store_true",
        help="send the token to a server on another machine even over plain http:// "
        "(anyone on the network can read it); without this it is held back",
    )
    parser.add_argument(
        "--transports",
        choices=["websocket", "polling", "websocket,polling"],
        help="Engine.IO transports (default: polling, then upgrade to websocket)",
    )
    parser.add_argument("--ca-file", help="a CA certificate (PEM) to trust for https servers")
    parser.add_argument(
        "--insecure",
        action="store_true",
        help="do not check https certificates (dangerous; the window shows a warning)",
    )
    parser.add_argument(
        "--lang",
        choices=["en", "ko"],
        help="language of the window (default: as in settings, else the system's)",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def token_from(args: argparse.Namespace, environ: Mapping[str, str]) -> str | None:
    """The token from --token-file, --token or DESKTOP_CHAT_TOKEN, in that order.

    Raises TokenFileError when the file cannot be used.
    """
    if args.token_file:
        return read_token_file(args.token_file)
    return args.token or environ.get(TOKEN_ENV) or None


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        token = token_from(args, os.environ)
    except TokenFileError as exc:
        print(f"desktop-chat: --token-file {exc}", file=sys.stderr)
        return 2
    from desktop_chat.app.platform_check import display_problem

    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    # Qt is imported only now, so --help and --version stay instant.
    from desktop_chat.app.options import Options
    from desktop_chat.app.run import run
    from desktop_chat.client.tls import TlsOptions

    if args.ca_file and not os.path.isfile(args.ca_file):
        print(f"desktop-chat: --ca-file {args.ca_file}: no such file", file=sys.stderr)
        return 2
    options = Options(
        url=args.url[0] if args.url else None,
        more_urls=args.url[1:] if args.url else [],
        path=args.path,
        name=args.name,
        room=args.room,
        profile=args.profile,
        token=token,
        send_token_over_http=args.send_token_over_http,
        tls=TlsOptions(ca_file=args.ca_file, insecure=args.insecure),
        transports=args.transports.split(",") if args.transports else None,
    )
    return run(options, language=args.lang)


if __name__ == "__main__":
    raise SystemExit(main())
