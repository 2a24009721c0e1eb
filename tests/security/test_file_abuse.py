"""Hostile uses of desktop-chat-server's files routes (issue #21): each is refused
in words, with a code, and leaves nothing behind outside the files directory."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
from collections.abc import AsyncIterator
from pathlib import Path

from tests.helpers import run_checked
from tests.server.test_files import ROOM, FileClient, blobs, file_clients, file_server


def _tree(root: Path) -> set[Path]:
    return {p for p in root.rglob("*")}


def test_sizes_and_hashes_that_do_not_match_are_refused(tmp_path: Path) -> None:
    data = os.urandom(50_000)

    async def scenario() -> None:
        async with (
            file_server(tmp_path, max_bytes=100_000) as (_, url),
            file_clients(url, "a") as (a,),
        ):
            ticket = await a.ticket()
            over = await a.begin(ticket, "big", 100_001)
            assert over.status == 413 and over.json["code"] == "too-large"
            assert "100000" in over.json["error"]

            upload = (await a.begin(ticket, "f", len(data))).json["upload"]
            early = await a.commit(ticket, upload, hashlib.sha256(data).hexdigest())
            assert early.status == 409 and early.json["code"] == "incomplete"
            # More than declared: refused by Content-Length before a byte is kept ...
            extra = await a.put(ticket, upload, data + b"x", 0)
            assert extra.status == 413 and extra.json["code"] == "too-large"

            # ... and, streamed without a length, cut at the declared size.
            async def endless() -> AsyncIterator[bytes]:
                yield data
                yield b"more than was declared"

            streamed = await a.put(ticket, upload, endless(), 0)
            assert streamed.status == 413 and streamed.json["offset"] == len(data)
            wrong = await a.commit(ticket, upload, hashlib.sha256(b"other").hexdigest())
            assert wrong.status == 422 and wrong.json["code"] == "hash-mismatch"
            assert hashlib.sha256(data).hexdigest() in wrong.json["error"]
            # The upload is gone with its bytes: the client starts again.
            assert (await a.put(ticket, upload, b"", len(data))).status == 404
            assert list((tmp_path / "files" / "partial").iterdir()) == []
            assert blobs(tmp_path) == []
            bad = await a.commit(ticket, upload, "not hex")
            assert bad.status == 400 and bad.json["code"] == "bad-request"

    run_checked(scenario())


def test_an_upload_stopped_half_way_expires_with_its_bytes(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with (
            file_server(tmp_path, upload_ttl=0.3) as (server, url),
            file_clients(url, "a") as (a,),
        ):
            ticket = await a.ticket()
            upload = (await a.begin(ticket, "half", 200_000)).json["upload"]
            assert (await a.put(ticket, upload, os.urandom(100_000), 0)).status == 200
            partial = tmp_path / "files" / "partial" / upload
            assert partial.stat().st_size == 100_000
            await asyncio.sleep(0.5)
            assert server.files is not None
            await server.files.sweep()
            assert not partial.exists()
            gone = await a.put(ticket, upload, os.urandom(100_000), 100_000)
            assert gone.status == 404 and gone.json["code"] == "no-such-upload"

    run_checked(scenario())


def test_a_client_cannot_upload_into_or_read_from_a_room_it_is_not_in(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with (
            file_server(tmp_path) as (_, url),
            file_clients(url, "member") as (member,),
            file_clients(url, "outsider", room="elsewhere") as (outsider,),
        ):
            secret = await member.upload(b"members only")
            await member.send("see", ROOM, attachment={"file": secret})

            refused = await outsider.sio.call("files-ticket", ROOM, timeout=5)
            assert refused["code"] == "not-in-room"
            # Its own room's ticket does not open another room's files.
            other = await outsider.download(secret, room="elsewhere")
            assert other.status == 403 and other.json["code"] == "not-in-room"
            # A ticket changed to name the room is not the server's any more.
            ticket = await outsider.ticket("elsewhere")
            payload, signature = ticket.split(".")
            claims = json.loads(base64.urlsafe_b64decode(payload))
            claims[1] = ROOM
            forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode()
            for fake in (f"{forged}.{signature}", "", "x.y", "garbage"):
                got = await outsider.request("GET", f"/{secret}", fake)
                assert got.status == 403 and got.json["code"] == "bad-ticket", got.json
                put = await outsider.request(
                    "POST", "/uploads", fake, json={"name": "x", "size": 1}
                )
                assert put.status == 403
            assert (await outsider.request("GET", f"/{secret}", None)).status == 403

            # A file uploaded for one room is not attached in another ...
            mine = await outsider.upload(b"hi", room="elsewhere")
            await outsider.join(ROOM)
            moved = await outsider.send("x", ROOM, attachment={"file": mine})
            assert moved["code"] == "not-in-room"
            # ... nor anyone else's file by id, nor someone else's upload continued.
            stolen = await outsider.send("x", ROOM, attachment={"file": secret})
            assert stolen["code"] == "not-yours"
            ticket = await member.ticket()
            upload = (await member.begin(ticket, "f", 10)).json["upload"]
            theirs = await outsider.put(await outsider.ticket(), upload, b"0123456789", 0)
            assert theirs.status == 404 and theirs.json["code"] == "no-such-upload"
            ghost = await outsider.send("x", ROOM, attachment={"file": "0" * 32})
            assert ghost["code"] == "no-such-file"
            big_thumb = await member.upload(os.urandom(65 * 1024))
            thumb = await member.send(
                "x", ROOM, attachment={"file": secret, "thumbnail": big_thumb}
            )
            assert thumb["code"] == "too-large"

    run_checked(scenario())


def test_without_the_servers_token_nothing_is_served(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with (
            file_server(tmp_path, token="sesame") as (_, url),
            file_clients(url, "a", token="sesame") as (a,),
        ):
            file_id = await a.upload(b"behind the token")
            ticket = await a.ticket()
            for token in ("", "wrong", "Sesame"):
                a.token = token or None
                got = await a.request("GET", f"/{file_id}", ticket, token=token or None)
                assert got.status == 401 and got.json["code"] == "unauthorized"
            a.token = "sesame"
            assert (await a.download(file_id)).body == b"behind the token"

    run_checked(scenario())


def test_an_expired_ticket_is_refused(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with (
            file_server(tmp_path, ticket_seconds=0.2) as (_, url),
            file_clients(url, "a") as (a,),
        ):
            ticket = await a.ticket()
            await asyncio.sleep(0.4)
            got = await a.begin(ticket, "late", 1)
            assert got.status == 403 and got.json["code"] == "ticket-expired"

    run_checked(scenario())


def test_a_flood_of_small_uploads_is_rate_limited(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with (
            file_server(tmp_path, rate=0.5, burst=5) as (_, url),
            file_clients(url, "a", "b") as (a, b),
        ):
            ticket = await a.ticket()
            answers = [await a.begin(ticket, f"f{i}", 1) for i in range(12)]
            assert [r.status for r in answers[:5]] == [201] * 5
            limited = [r for r in answers if r.status == 429]
            assert len(limited) >= 6 and limited[0].json["code"] == "rate"
            assert "slow down" in limited[0].json["error"]
            # Per client: another one is not held up.
            assert (await b.begin(await b.ticket(), "g", 1)).status == 201

    run_checked(scenario())


def test_paths_in_ids_and_names_never_leave_the_files_directory(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with file_server(tmp_path) as (_, url), file_clients(url, "a") as (a,):
            before = _tree(tmp_path)
            ticket = await a.ticket()
            for path in (
                "/../../etc/passwd",
                "/..%2F..%2Fetc%2Fpasswd",
                "/uploads/..%2F..%2Fchat.db",
                "/uploads/../index.sqlite3",
                "/" + "a" * 31 + "/",
                "/%2e%2e",
                "/uploads/" + "0" * 32 + "/../x",
            ):
                for method in ("GET", "PUT", "POST", "DELETE"):
                    got = await a.request(method, path, ticket, data=b"x")
                    assert got.status in (404, 405), (method, path, got.status)
            sneaky = "../../.bashrc"
            file_id = await a.upload(b"echo owned", name=sneaky)
            got = await a.download(file_id)
            assert got.body == b"echo owned"
            assert got.headers["Content-Disposition"].startswith('attachment; filename="bashrc"')
            bidi = await a.upload(b"MZ", name="invoice\u202egnp.exe")
            header = (await a.download(bidi)).headers["Content-Disposition"]
            assert "\u202e" not in header and "%E2%80%AE" in header
            added = _tree(tmp_path) - before
            assert all(tmp_path / "files" in p.parents for p in added), added
            assert not (tmp_path.parent / ".bashrc").exists()

    run_checked(scenario())


def test_an_uploaded_page_is_served_as_an_attachment_never_rendered(tmp_path: Path) -> None:
    page = b"<html><script>alert(document.cookie)</script></html>"

    async def scenario() -> None:
        async with file_server(tmp_path) as (_, url), file_clients(url, "a") as (a,):
            for name, kind in (("page.html", "text/html"), ("x.svg", "image/svg+xml")):
                got = await a.download(await a.upload(page, name=name, kind=kind))
                assert got.headers["Content-Type"] == "application/octet-stream"
                assert got.headers["Content-Disposition"].startswith("attachment;")
                assert got.headers["X-Content-Type-Options"] == "nosniff"
                assert got.headers["Content-Security-Policy"] == "sandbox"

    run_checked(scenario())


def test_a_client_without_a_key_gets_tickets_of_its_own(tmp_path: Path) -> None:
    """Clients without auth.client are `~sid`: their uploads are theirs alone."""

    async def scenario() -> None:
        async with file_server(tmp_path) as (_, url):
            anon = FileClient("anon")
            anon.key = ""  # not a valid key: known by its sid
            try:
                await anon.connect(url)
                await anon.join(ROOM)
                file_id = await anon.upload(b"anon")
                assert "error" not in await anon.send("x", ROOM, attachment={"file": file_id})
            finally:
                await anon.close()

    run_checked(scenario())
