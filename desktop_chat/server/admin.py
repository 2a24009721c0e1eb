"""`desktop-chat-server users …` and `rooms …`: accounts and private rooms,
kept in the server's store (server/accounts.py).

They open the store the server uses (`--db FILE`, or the default one of
`--port`; `--redis URL`) and change it while servers run: every change
bumps the store's change counter, which each server process reads once a
second, so a new token, a removed account or member takes effect there
within about a second, on connections already open too.

A sign-in token is printed once, alone on the last line, and kept only as
its hash: lose it and `users token NAME` makes a new one (the old stops).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TextIO

from desktop_chat.server.accounts import (
    AccountError,
    AccountStore,
    Admin,
    RedisAccounts,
    SqliteAccounts,
    hash_password,
)
from desktop_chat.server.redis_store import DEFAULT_PREFIX

SUBCOMMANDS = ("users", "rooms")


def add_store_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """--db, --redis and --port: given before the subcommand (the main parser)
    or after it (each subcommand's, which then leave the first ones alone)."""
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--db", default=default,
        help="SQLite file of the server (default: server-<port>.db in the user's data folder)",
    )  # fmt: skip
    parser.add_argument(
        "--redis", metavar="URL", default=default,
        help="the Redis of the server processes (docs/deploy.md); --db is then not used",
    )  # fmt: skip


def add_subcommands(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(
        dest="command", metavar="{users,rooms}",
        help="manage accounts and private rooms (with no command: run the server)",
    )  # fmt: skip
    users = commands.add_parser("users", help="accounts (desktop-chat-server users -h)")
    user_actions = users.add_subparsers(dest="action", required=True)
    for action, words in (
        ("add", "create an account; prints its sign-in token once, on the last line"),
        ("remove", "delete an account: its connections are signed out within a second"),
        ("token", "a new sign-in token for the account, printed once; the old one stops"),
        ("password", "set the account's password (argon2), read from --password-file"),
    ):
        sub = user_actions.add_parser(action, help=words)
        sub.add_argument("name")
        if action == "password":
            sub.add_argument(
                "--password-file", required=True, metavar="FILE",
                help="a file whose first line is the password, or - for standard input",
            )  # fmt: skip
        _store_options(sub)
    _store_options(user_actions.add_parser("list", help="the accounts"))
    rooms = commands.add_parser("rooms", help="private rooms (desktop-chat-server rooms -h)")
    room_actions = rooms.add_subparsers(dest="action", required=True)
    add = room_actions.add_parser("add", help="make a private room")
    add.add_argument("room")
    add.add_argument(
        "--private",
        action="store_true",
        required=True,
        help="only its members join, read and are replayed it",
    )
    add.add_argument(
        "--member",
        action="append",
        default=[],
        metavar="NAME",
        help="an account that is a member (repeatable)",
    )
    _store_options(add)
    _store_options(room_actions.add_parser("list", help="the private rooms and their members"))
    for action, words in (
        ("add-member", "add an account to a private room"),
        ("remove-member", "take an account out: its connections leave the room within a second"),
    ):
        sub = room_actions.add_parser(action, help=words)
        sub.add_argument("room")
        sub.add_argument("name")
        _store_options(sub)


def _store_options(parser: argparse.ArgumentParser) -> None:
    add_store_options(parser, suppress=True)
    parser.add_argument(
        "--port",
        type=int,
        default=argparse.SUPPRESS,
        help="the server's port, which names its default database",
    )


def _read_password(where: str, stdin: TextIO) -> str:
    text = stdin.read() if where == "-" else Path(where).read_text(encoding="utf-8")
    return text.splitlines()[0] if text.strip() else ""


async def _with_store(
    args: argparse.Namespace, db: Path, work: Callable[[AccountStore], Awaitable[int]]
) -> int:
    if args.redis:
        from desktop_chat.server.redis_store import connect

        redis = connect(args.redis)
        try:
            return await work(RedisAccounts(redis, DEFAULT_PREFIX))
        finally:
            await redis.aclose()
    from desktop_chat.server.history import open_history

    history = open_history(db)
    try:
        return await work(SqliteAccounts(history.connection))
    finally:
        history.close()


def run(
    args: argparse.Namespace, db: Path, stdout: TextIO = sys.stdout, stdin: TextIO = sys.stdin
) -> int:
    """Do one admin command; 0, or 1 with the reason on standard error."""
    password = ""
    if args.command == "users" and args.action == "password":
        try:
            password = _read_password(args.password_file, stdin)
        except OSError as exc:
            print(f"desktop-chat-server: cannot read the password: {exc}", file=sys.stderr)
            return 1
        if not password:
            print("desktop-chat-server: the password is empty", file=sys.stderr)
            return 1

    async def work(store: AccountStore) -> int:
        admin = Admin(store)
        say = lambda text: print(text, file=stdout, flush=True)  # noqa: E731
        if args.command == "users":
            name = getattr(args, "name", "")
            if args.action == "list":
                for account in sorted((await store.load()).accounts.values(), key=lambda a: a.name):
                    way = "token, password" if account.password else "token"
                    say(f"{account.name}\t{way}")
            elif args.action == "add":
                token = await admin.add_account(name)
                say(
                    f"Created the account {name!r}. Its sign-in token, shown this once "
                    f"(give it to {name} privately; `users token {name}` makes a new one):"
                )
                say(token)
            elif args.action == "token":
                token = await admin.replace_token(name)
                say(f"A new sign-in token for {name!r}; the old one no longer signs in:")
                say(token)
            elif args.action == "remove":
                await admin.remove_account(name)
                say(f"Removed the account {name!r}.")
            elif args.action == "password":
                await admin.set_password(name, await asyncio.to_thread(hash_password, password))
                say(f"Set the password of {name!r}.")
            return 0
        room = args.room if args.action != "list" else ""
        if args.action == "list":
            for room, members in sorted((await store.load()).private.items()):
                say(f"{room}\tprivate\t{', '.join(sorted(members))}")
        elif args.action == "add":
            await admin.add_room(room, list(dict.fromkeys(args.member)))
            say(f"Made the private room {room!r} ({', '.join(args.member) or 'no members yet'}).")
        elif args.action == "add-member":
            await admin.add_member(room, args.name)
            say(f"Added {args.name!r} to {room!r}.")
        elif args.action == "remove-member":
            await admin.remove_member(room, args.name)
            say(f"Took {args.name!r} out of {room!r}.")
        return 0

    try:
        return asyncio.run(_with_store(args, db, work))
    except AccountError as exc:
        print(f"desktop-chat-server: {exc.words}", file=sys.stderr)
        return 1
    except (OSError, RuntimeError) as exc:
        print(f"desktop-chat-server: {exc}", file=sys.stderr)
        return 1
