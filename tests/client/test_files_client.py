"""ChatClient's files (issue #21) against a real desktop-chat-server on
loopback, in plain asyncio: a file and an image sent by one client and
received, downloaded and checked by another; the outbox across a restart;
cancelling; refusals; the history keeping attachments."""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import socketio
from aiohttp import web

from desktop_chat.client.channels import ChannelStore
from desktop_chat.client.chat_client import ChatClient, ConnectionState, TlsOptions
from desktop_chat.client.errors import FileRefused
from desktop_chat.client.files import _keep, _read_touch
from desktop_chat.client.history import History
from desktop_chat.client.local_db import open_client_db
from desktop_chat.client.notices import Joined
from desktop_chat.client.outbox import Outbox
from desktop_chat.protocol.messages import (
    Attachment,
    Change,
    ChangeType,
    DeliveryState,
    DeliveryUpdate,
    Kind,
    Message,
    TransferState,
    TransferUpdate,
    own_message,
)
from desktop_chat.server.chat_server import ChatServer
from desktop_chat.server.files import FilesConfig
from tests.client.test_client import Recorder
from tests.helpers import FAST_BACKOFF, free_port, run_checked, server_target, until

ROOM = "garden"
PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(2000)  # a thumbnail's bytes (never decoded here)


class Files(Recorder):
    """A Recorder that also keeps transfers and thumbnails."""

    def __init__(self, client: ChatClient) -> None:
        super().__init__(client)
        self.transfers: list[TransferUpdate] = []
        self.thumbnails: dict[str, bytes] = {}
        self.updates: list[DeliveryUpdate] = []
        client.on_transfer = self.transfers.append
        client.on_thumbnail = self.thumbnails.__setitem__
        client.on_delivery = self._delivery

    def _delivery(self, update: DeliveryUpdate) -> None:
        self.updates.append(update)
        self.states[update.id] = update.state

    def last(self, message_id: str, upload: bool = False) -> TransferUpdate | None:
        found = [u for u in self.transfers if u.id == message_id and u.upload is upload]
        return found[-1] if found else None

    def ended(self, message_id: str, upload: bool = False) -> bool:
        last = self.last(message_id, upload)
        return last is not None and last.state is not TransferState.RUNNING

    def received(self) -> list[Message]:
        return [m for m in self.messages if m.kind is Kind.OTHER]


def files_client(name: str, folder: Path, db: Path | None = None) -> tuple[ChatClient, Files]:
    """A client with its own data folder (and, given `db`, its outbox and rooms on disk)."""
    if db is None:
        client = ChatClient(name, backoff=FAST_BACKOFF, folder=folder)
    else:
        database = open_client_db(db)
        client = ChatClient(
            name,
            backoff=FAST_BACKOFF,
            folder=folder,
            client_id="k-" + name,
            outbox=Outbox(database, "k-" + name),
            channels=ChannelStore(database, "k-" + name),
        )
    return client, Files(client)


@asynccontextmanager
async def files_server(
    tmp: Path, port: int = 0, **config: object
) -> AsyncIterator[tuple[ChatServer, str]]:
    server = ChatServer(db=tmp / "chat.db", files=FilesConfig(tmp / "files", **config))  # type: ignore[arg-type]
    await server.start("127.0.0.1", port)
    try:
        yield server, f"http://127.0.0.1:{server.port}"
    finally:
        await server.stop()


async def joined(client: ChatClient, seen: Files, url: str, room: str = ROOM) -> None:
    client.connect_to(server_target(url))
    client.join(room)
    await until(lambda: Joined(room) in seen.notices, what=f"{client.name} to join")
    await until(lambda: client.files_supported is not None, what="server-info")


@asynccontextmanager
async def alice_and_bob(
    tmp: Path, url: str
) -> AsyncIterator[tuple[ChatClient, Files, ChatClient, Files]]:
    """Two clients with their own data folders, both in ROOM on `url`; closed after."""
    alice, a = files_client("alice", tmp / "alice")
    bob, b = files_client("bob", tmp / "bob")
    try:
        await joined(alice, a, url)
        await joined(bob, b, url)
        yield alice, a, bob, b
    finally:
        await alice.close()
        await bob.close()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_file_and_an_image_go_to_another_client_in_order_with_the_text(tmp_path: Path) -> None:
    report = os.urandom(300_000)
    (tmp_path / "report.pdf").write_bytes(report)
    photo = os.urandom(50_000)
    (tmp_path / "photo.png").write_bytes(photo)
    hostile = tmp_path / "hostile.txt"
    hostile.write_bytes(b"export EVIL=1\n")

    async def scenario() -> None:
        async with (
            files_server(tmp_path / "server") as (_, url),
            alice_and_bob(tmp_path, url) as (alice, a, bob, b),
        ):
            assert alice.files_supported is True and alice.files_max_bytes > 1_000_000

            before = alice.send("before the files", ROOM)
            doc = alice.send_file(ROOM, tmp_path / "report.pdf", caption="the report")
            image = alice.send_file(ROOM, tmp_path / "photo.png", thumbnail=PNG)
            after = alice.send("written after the files", ROOM)
            # Shown at once, pending, with what the window shows of the file.
            assert doc.state is DeliveryState.PENDING and doc.text == "the report"
            assert doc.attachment == Attachment("", "report.pdf", len(report), "application/pdf")
            assert image.attachment is not None and image.attachment.is_image
            # Alice's own thumbnail, from what she gave: no network.
            alice.request_thumbnail(image)
            await until(lambda: image.id in a.thumbnails)
            assert a.thumbnails[image.id] == PNG

            await until(lambda: len(b.received()) == 4, timeout=20, what="bob to get all")
            assert [m.text for m in b.received()] == [
                "before the files",
                "the report",
                "",
                "written after the files",
            ]
            got_doc, got_image = b.received()[1], b.received()[2]
            assert got_doc.attachment is not None and got_image.attachment is not None
            assert (
                got_doc.attachment.name,
                got_doc.attachment.size,
                got_doc.attachment.sha256,
            ) == ("report.pdf", len(report), sha(report))
            assert got_image.attachment.type == "image/png"
            assert got_image.attachment.thumbnail and not got_doc.attachment.thumbnail
            for sent in (before, doc, image, after):
                await until(lambda s=sent: a.states.get(s.id) is DeliveryState.DELIVERED)
            ups = [u for u in a.transfers if u.id == doc.id]
            assert ups[-1].state is TransferState.DONE and ups[-1].done == len(report)
            # Delivered with the server's record, for the history to keep.
            delivered = next(
                u for u in a.updates if u.id == doc.id and u.state is DeliveryState.DELIVERED
            )
            assert delivered.attachment == got_doc.attachment

            # Alice's, once stored: kept in her cache under its file id
            # (what her history names after a restart), not in memory.
            a.thumbnails.clear()
            alice.request_thumbnail(image)
            await until(lambda: image.id in a.thumbnails)
            assert a.thumbnails[image.id] == PNG
            assert (
                tmp_path / "alice" / "thumbnails" / got_image.attachment.thumbnail
            ).read_bytes() == PNG

            # Bob downloads into a folder of his choice: checked, whole.
            downloads = tmp_path / "Downloads"
            downloads.mkdir()
            bob.download(got_doc, downloads)
            await until(lambda: b.ended(got_doc.id), what="the download")
            done = b.last(got_doc.id)
            assert done is not None and done.state is TransferState.DONE, done
            assert Path(done.path) == downloads / "report.pdf"
            assert sha(Path(done.path).read_bytes()) == sha(report)
            assert not os.stat(done.path).st_mode & 0o111  # never executable

            # The thumbnail, fetched once and then kept on disk.
            bob.request_thumbnail(got_image)
            await until(lambda: got_image.id in b.thumbnails, what="the thumbnail")
            assert b.thumbnails[got_image.id] == PNG
            kept = tmp_path / "bob" / "thumbnails" / got_image.attachment.thumbnail
            assert kept.read_bytes() == PNG

            # A hostile name is saved as a safe one, inside the folder.
            hostile_line = alice.send_file(ROOM, hostile, caption="dotfile")
            await until(lambda: len(b.received()) == 5, what="the hostile name")
            got = b.received()[4]
            assert got.attachment is not None
            assert got.attachment.name == "hostile.txt"  # the name we gave, as sent
            # (A hostile client's name: the server keeps it as given.)
            hostile_message = Message(
                text="",
                kind=Kind.OTHER,
                room=ROOM,
                id="h" + got.id,
                attachment=Attachment(
                    got.attachment.file,
                    "../../.bashrc",
                    got.attachment.size,
                    "text/plain",
                    got.attachment.sha256,
                ),
            )
            bob.download(hostile_message, downloads)
            await until(lambda: b.ended(hostile_message.id), what="the hostile download")
            saved = b.last(hostile_message.id)
            assert saved is not None and saved.state is TransferState.DONE, saved
            path = Path(saved.path)
            assert path.parent == downloads and path.name not in (".bashrc", "..")
            assert not path.name.startswith(".")
            assert path.read_bytes() == b"export EVIL=1\n"
            assert not (tmp_path / ".bashrc").exists()
            assert hostile_line.attachment is not None

            # Opened from the window (no folder): into bob's own folder, once.
            bob.download(got_image, None)
            await until(lambda: b.ended(got_image.id), what="the image for the viewer")
            opened = b.last(got_image.id)
            assert opened is not None and opened.state is TransferState.DONE, opened
            assert Path(opened.path).is_relative_to(tmp_path / "bob")
            assert Path(opened.path).read_bytes() == photo
            # Alice opening her own image: the file she sent, at once.
            alice.download(image, None)
            await until(lambda: a.ended(image.id), what="her own image")
            assert a.last(image.id).path == str(tmp_path / "photo.png")  # type: ignore[union-attr]

    run_checked(scenario())


def test_a_file_queued_offline_survives_a_restart_and_arrives(tmp_path: Path) -> None:
    data = os.urandom(200_000)
    (tmp_path / "notes.bin").write_bytes(data)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    db = tmp_path / "client.db"

    async def scenario() -> None:
        alice, _a = files_client("alice", tmp_path / "alice", db)
        alice.connect_to(server_target(url))  # nobody listens yet
        await until(lambda: alice.status.state is ConnectionState.RECONNECTING)
        alice.join(ROOM)
        queued = alice.send_file(ROOM, tmp_path / "notes.bin", caption="kept", thumbnail=PNG)
        text = alice.send("after the file", ROOM)
        assert alice.files_supported is None  # not known: queued, checked when it goes
        await alice.close()
        alice.outbox.close()

        async with files_server(tmp_path / "server", port) as _:
            bob, b = files_client("bob", tmp_path / "bob")
            again, a2 = files_client("alice", tmp_path / "alice", db)
            try:
                await joined(bob, b, url)
                again.connect_to(server_target(url))
                # Shown again as pending, with its file, from the outbox.
                await until(lambda: len(a2.messages) >= 2, what="the kept lines")
                shown = [m for m in a2.messages if m.kind is Kind.OWN]
                assert [m.id for m in shown] == [queued.id, text.id]
                assert shown[0].attachment == queued.attachment
                again.request_thumbnail(shown[0])  # from the outbox, after a restart
                await until(lambda: queued.id in a2.thumbnails)
                assert a2.thumbnails[queued.id] == PNG
                await until(lambda: len(b.received()) == 2, timeout=20, what="bob to get both")
                got = b.received()
                assert [m.text for m in got] == ["kept", "after the file"]
                assert got[0].attachment is not None and got[0].attachment.sha256 == sha(data)
                assert got[0].attachment.thumbnail
                await until(lambda: a2.states.get(queued.id) is DeliveryState.DELIVERED)
                await until(lambda: again.outbox.kept(again.target.key) == [])  # type: ignore[union-attr]
            finally:
                await bob.close()
                await again.close()
                again.outbox.close()

    run_checked(scenario())


def test_cancel_mid_upload_discards_the_line_and_the_servers_bytes(tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    with open(big, "wb") as file:
        file.truncate(100 * 1024 * 1024)

    async def scenario() -> None:
        async with (
            files_server(
                tmp_path / "server", chunk_bytes=1024 * 1024, max_bytes=200 * 1024 * 1024
            ) as (_, url),
            alice_and_bob(tmp_path, url) as (alice, a, _bob, b),
        ):
            line = alice.send_file(ROOM, big)

            def halfway(update: TransferUpdate) -> None:
                a.transfers.append(update)
                if update.state is TransferState.RUNNING and 0 < update.done < update.total:
                    alice.cancel_transfer(update.id)

            alice.on_transfer = halfway
            await until(
                lambda: a.states.get(line.id) is DeliveryState.DISCARDED,
                timeout=30,
                what="the line to be discarded",
            )
            last = a.last(line.id, upload=True)
            assert last is not None and last.state is TransferState.CANCELLED
            assert alice.outbox.kept(alice.target.key) == []  # type: ignore[union-attr]
            # The server deleted what arrived; nothing else goes to bob.
            partial = tmp_path / "server" / "files" / "partial"
            await until(lambda: not any(partial.iterdir()), what="the upload deleted")
            # Cancelled before it began: never goes either.
            quick = alice.send_file(ROOM, tmp_path / "server" / "chat.db")
            alice.cancel_transfer(quick.id)
            assert a.states.get(quick.id) is DeliveryState.DISCARDED
            alice.send("next", ROOM)
            await until(lambda: bool(b.received()), what="the next line")
            assert [m.text for m in b.received()] == ["next"]

    run_checked(scenario())


def test_an_upload_outlives_a_dropped_socket_and_goes_once(tmp_path: Path) -> None:
    data = os.urandom(40 * 1024 * 1024)
    (tmp_path / "big.bin").write_bytes(data)

    async def scenario() -> None:
        async with (
            files_server(
                tmp_path / "server", chunk_bytes=1024 * 1024, max_bytes=100 * 1024 * 1024
            ) as (server, url),
            alice_and_bob(tmp_path, url) as (alice, a, _bob, b),
        ):
            line = alice.send_file(ROOM, tmp_path / "big.bin", caption="big")
            after = alice.send("after it", ROOM)
            sids: list[str] = []
            drops: list[asyncio.Future[None]] = []

            def drop_once(update: TransferUpdate) -> None:
                a.transfers.append(update)
                if not sids and 0 < update.done < update.total:
                    sids.append(alice.status.sid)
                    drops.append(asyncio.ensure_future(server.sio.disconnect(alice.status.sid)))
                elif update.state is TransferState.DONE:
                    sids.append(alice.status.sid)  # a new socket's, or none

            alice.on_transfer = drop_once
            await until(lambda: len(b.received()) == 2, timeout=30, what="both lines")
            assert [m.text for m in b.received()] == ["big", "after it"]
            # The socket dropped while the file went up (the upload went on).
            assert len(sids) == 2 and sids[1] != sids[0]
            got = b.received()[0].attachment
            assert got is not None and got.sha256 == sha(data)
            # One upload: stored once, DONE once.
            dones = [u for u in a.transfers if u.id == line.id and u.state is TransferState.DONE]
            assert len(dones) == 1
            progress = [u.done for u in a.transfers if u.id == line.id]
            assert progress == sorted(progress)  # never from the start again:
            assert all(done > progress[0] for done in progress[1:])
            await until(lambda: a.states.get(after.id) is DeliveryState.DELIVERED)

    run_checked(scenario())


def test_a_big_upload_holds_its_room_only(tmp_path: Path) -> None:
    data = os.urandom(40 * 1024 * 1024)
    (tmp_path / "big.bin").write_bytes(data)

    async def scenario() -> None:
        async with (
            files_server(tmp_path / "server", max_bytes=100 * 1024 * 1024) as (_, url),
            alice_and_bob(tmp_path, url) as (alice, a, bob, b),
        ):
            alice.join("lobby")
            bob.join("lobby")
            await until(lambda: Joined("lobby") in a.notices and Joined("lobby") in b.notices)
            alice.send_file(ROOM, tmp_path / "big.bin", caption="big")
            alice.send("after it, same room", ROOM)
            alice.send("meanwhile, elsewhere", "lobby")
            await until(lambda: len(b.received()) == 3, timeout=30, what="all three")
            assert [(m.room, m.text) for m in b.received()] == [
                ("lobby", "meanwhile, elsewhere"),
                (ROOM, "big"),
                (ROOM, "after it, same room"),
            ]

    run_checked(scenario())


def test_cancel_mid_download_leaves_nothing_in_the_folder(tmp_path: Path) -> None:
    data = os.urandom(60 * 1024 * 1024)
    (tmp_path / "big.bin").write_bytes(data)

    async def scenario() -> None:
        async with (
            files_server(tmp_path / "server", max_bytes=100 * 1024 * 1024) as (_, url),
            alice_and_bob(tmp_path, url) as (alice, _a, bob, b),
        ):
            alice.send_file(ROOM, tmp_path / "big.bin")
            await until(lambda: bool(b.received()), timeout=30, what="the line")
            got = b.received()[0]
            folder = tmp_path / "Downloads"
            folder.mkdir()

            def halfway(update: TransferUpdate) -> None:
                b.transfers.append(update)
                if update.state is TransferState.RUNNING and 0 < update.done < update.total:
                    bob.cancel_transfer(update.id)

            bob.on_transfer = halfway
            bob.download(got, folder)
            await until(lambda: b.ended(got.id), timeout=30, what="the download to end")
            last = b.last(got.id)
            assert last is not None and last.state is TransferState.CANCELLED, last
            await until(lambda: not any(folder.iterdir()), what="the .part removed")

    run_checked(scenario())


def test_over_https_with_a_token_the_files_go_the_sockets_way(tmp_path: Path) -> None:
    """The client's TLS options (a CA file) and its token (`Authorization:
    Bearer`) hold for the files as for the socket."""
    import ssl

    import trustme

    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    ca_file = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    data = os.urandom(100_000)
    (tmp_path / "plan.png").write_bytes(data)

    async def scenario() -> None:
        server = ChatServer(
            db=tmp_path / "chat.db",
            files=FilesConfig(tmp_path / "files"),
            token="s3cret",
            ssl_context=context,
        )
        port = await server.start("127.0.0.1", 0)
        url = f"https://127.0.0.1:{port}"
        made = [
            ChatClient(
                name,
                backoff=FAST_BACKOFF,
                folder=tmp_path / name,
                token="s3cret",
                tls=TlsOptions(ca_file=str(ca_file)),
            )
            for name in ("alice", "bob")
        ]
        (alice, bob), (a, b) = made, [Files(c) for c in made]
        try:
            await joined(alice, a, url)
            await joined(bob, b, url)
            alice.send_file(ROOM, tmp_path / "plan.png", thumbnail=PNG)
            await until(lambda: bool(b.received()), timeout=20, what="the line")
            got = b.received()[0]
            bob.download(got, tmp_path / "Downloads")
            bob.request_thumbnail(got)
            await until(lambda: b.ended(got.id) and got.id in b.thumbnails, what="both")
            done = b.last(got.id)
            assert done is not None and done.state is TransferState.DONE, done
            assert Path(done.path).read_bytes() == data and b.thumbnails[got.id] == PNG
        finally:
            await alice.close()
            await bob.close()
            await server.stop()

    run_checked(scenario())


def test_refusals_too_large_no_files_and_a_file_gone_before_upload(tmp_path: Path) -> None:
    (tmp_path / "big.bin").write_bytes(b"x" * 5000)
    (tmp_path / "gone.bin").write_bytes(b"soon gone")
    (tmp_path / "grown.bin").write_bytes(b"small")

    async def scenario() -> None:
        async with files_server(tmp_path / "server", max_bytes=1000) as (_, url):
            alice, a = files_client("alice", tmp_path / "alice")
            try:
                await joined(alice, a, url)
                assert alice.files_max_bytes == 1000
                with pytest.raises(FileRefused) as refused:
                    alice.send_file(ROOM, tmp_path / "big.bin")
                assert refused.value.code == "too-large"
                with pytest.raises(FileRefused) as refused:
                    alice.send_file(ROOM, tmp_path / "missing.bin")
                assert refused.value.code == "unreadable"
                with pytest.raises(FileRefused) as refused:
                    alice.send_file(ROOM, tmp_path)
                assert refused.value.code == "unreadable"
                assert a.texts(Kind.OWN) == []  # nothing shown, nothing stored

                # Vanished between choosing and uploading: failed, in words a code.
                alice.set_offline(True)
                await until(lambda: alice.status.state is not ConnectionState.CONNECTED)
                gone = alice.send_file(ROOM, tmp_path / "gone.bin")
                grown = alice.send_file(ROOM, tmp_path / "grown.bin")
                (tmp_path / "gone.bin").unlink()
                (tmp_path / "grown.bin").write_bytes(b"not what was chosen")
                alice.set_offline(False)
                for line in (gone, grown):
                    await until(
                        lambda m=line: a.states.get(m.id) is DeliveryState.FAILED,
                        what="the vanished or changed file to fail",
                    )
                    failed = a.last(line.id, upload=True)
                    assert failed is not None and failed.code == "unreadable"
                alice.discard(gone.id)
                assert a.states[gone.id] is DeliveryState.DISCARDED
                # Put back as chosen: Retry uploads it again, and it goes.
                (tmp_path / "grown.bin").write_bytes(b"SMALL")
                alice.retry(grown.id)
                await until(
                    lambda: a.states.get(grown.id) is DeliveryState.DELIVERED,
                    what="the retried file",
                )
                assert a.last(grown.id, upload=True).state is TransferState.DONE  # type: ignore[union-attr]
            finally:
                await alice.close()

        # Our server without files: refused at once.
        plain = ChatServer()
        port = await plain.start("127.0.0.1", 0)
        alice, a = files_client("alice", tmp_path / "alice")
        try:
            await joined(alice, a, f"http://127.0.0.1:{port}")
            assert alice.files_supported is False
            with pytest.raises(FileRefused) as refused:
                alice.send_file(ROOM, tmp_path / "big.bin")
            assert refused.value.code == "no-files"
        finally:
            await alice.close()
            await plain.stop()

    run_checked(scenario())


def test_a_tutorial_server_takes_no_files_and_a_queued_one_fails(tmp_path: Path) -> None:
    (tmp_path / "f.txt").write_bytes(b"hello")

    async def scenario() -> None:
        # The tutorial's server: relays send-message, says nothing of itself.
        sio = socketio.AsyncServer(async_mode="aiohttp", logger=False, engineio_logger=False)

        @sio.on("send-message")
        async def relay(sid: str, text: object, room: object = "", *rest: object) -> None:
            await sio.emit("receive-message", text, skip_sid=sid)

        app = web.Application()
        sio.attach(app)
        runner = web.AppRunner(app, shutdown_timeout=0.1)
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        alice, a = files_client("alice", tmp_path / "alice")
        try:
            alice.connect_to(server_target(f"http://127.0.0.1:{port}"))
            # Written before the server could say: queued, and failed when it goes.
            queued = alice.send_file("", tmp_path / "f.txt")
            await until(lambda: a.states.get(queued.id) is DeliveryState.FAILED)
            failed = a.last(queued.id, upload=True)
            assert failed is not None and failed.code == "no-files"
            assert alice.files_supported is False
            with pytest.raises(FileRefused) as refused:
                alice.send_file("", tmp_path / "f.txt")
            assert refused.value.code == "no-files"
        finally:
            await alice.close()
            for socket in list(sio.eio.sockets.values()):
                await socket.close(wait=False)
            await runner.cleanup()

    run_checked(scenario())


def test_the_history_keeps_attachments_across_a_reopen(tmp_path: Path) -> None:
    received = Message(
        text="look",
        kind=Kind.OTHER,
        room=ROOM,
        sender="bob",
        attachment=Attachment("a" * 32, "Photo 1.png", 350_000, "image/png", "b" * 64, "c" * 32),
    )
    pending = own_message("", ROOM, "me")
    pending.attachment = Attachment("", "notes.txt", 12, "text/plain")
    plain = Message(text="plain", kind=Kind.OTHER, room=ROOM, sender="bob")
    sent = own_message("mine", ROOM, "me")
    sent.attachment = Attachment("", "plan.png", 5, "image/png")
    stored = Attachment("e" * 32, "plan.png", 5, "image/png", "f" * 64, "1" * 32)
    history = History(tmp_path / "history.db")
    history.add("acct", ROOM, [received, pending, plain, sent])
    history.update(
        "acct", DeliveryUpdate(sent.id, DeliveryState.DELIVERED, server_id="s1", attachment=stored)
    )
    history.close()
    again = History(tmp_path / "history.db")
    try:
        kept = again.last("acct", ROOM, 10)
        assert [m.attachment for m in kept] == [
            received.attachment,
            pending.attachment,
            None,
            stored,
        ]
        assert kept[3].server_id == "s1" and kept[3].state is DeliveryState.DELIVERED
        # Deleted by its sender: the file goes with the text.
        again.change("acct", Change(ChangeType.DELETE, received.id, ROOM))
        again.flush()
        gone = again.last("acct", ROOM, 10)[0]
        assert gone.deleted and gone.attachment is None
    finally:
        again.close()


def test_the_thumbnail_cache_keeps_the_most_recently_used(tmp_path: Path) -> None:
    folder = tmp_path / "thumbnails"
    for i in range(5):
        _keep(folder, f"t{i}", b"%d" % i, 3)
        os.utime(folder / f"t{i}", (1000 + i, 1000 + i))
    assert sorted(p.name for p in folder.iterdir()) == ["t2", "t3", "t4"]
    assert _read_touch(folder / "t2") == b"2"  # used now: the newest
    _keep(folder, "t5", b"5", 3)
    assert sorted(p.name for p in folder.iterdir()) == ["t2", "t4", "t5"]
