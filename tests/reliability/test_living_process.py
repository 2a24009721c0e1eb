"""Living messages through the automation of two app processes: reply, edit,
react and delete commands, "message" events with their new fields and
"update" events, the final state after one app is closed and started again,
and an export of what it keeps."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from desktop_chat.server.chat_server import ChatServer
from tests.helpers import free_port, run_checked, until
from tests.reliability.test_accounts_process import Started, apps, connected  # noqa: F401


def lines(app: Any, **fields: Any) -> list[dict[str, Any]]:
    """The app's message and update events whose fields are as given."""
    return [
        e
        for e in app.events
        if e["event"] in ("message", "update") and all(e.get(k) == v for k, v in fields.items())
    ]


def test_reply_edit_react_delete_through_the_automation_and_a_restart(
    tmp_path: Path,
    apps: Started,  # noqa: F811
) -> None:
    async def scenario() -> None:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = ChatServer()
        await server.start("127.0.0.1", port)
        try:
            a, b = apps.start(tmp_path / "a", url), apps.start(tmp_path / "b", url)
            await until(lambda: connected(a) and connected(b), timeout=30)
            a.command(cmd="send", text="the plan")
            await until(lambda: lines(b, text="the plan", kind="other"), timeout=20)
            theirs = lines(b, text="the plan")[0]["id"]
            mine = lines(a, text="the plan", kind="own")[0]["id"]
            await until(lambda: mine in a.delivered(), timeout=20)

            b.command(cmd="reply", id=theirs, text="sounds good")
            await until(lambda: lines(a, text="sounds good", reply_to=mine), timeout=20)
            reply = lines(b, text="sounds good", kind="own")[0]
            assert reply["reply_to"] == theirs and reply["edited"] is False

            a.command(cmd="edit", id=mine, text="the new plan")
            await until(
                lambda: lines(b, event="update", id=theirs, text="the new plan", edited=True),
                timeout=20,
            )
            b.command(cmd="react", id=theirs, emoji="👍")
            await until(
                lambda: lines(a, event="update", id=mine, reactions={"👍": ["writer"]}), timeout=20
            )
            b.command(cmd="react", id=theirs, emoji="👍")  # a second time: taken back
            await until(lambda: lines(a, event="update", id=mine, reactions={}), timeout=20)
            b.command(cmd="react", id=theirs, emoji="🎉")
            await until(
                lambda: lines(a, event="update", id=mine, reactions={"🎉": ["writer"]}), timeout=20
            )
            bobs = lines(a, text="sounds good")[0]["id"]
            a.command(cmd="edit", id=bobs, text="not mine")  # bob's line, not a's: refused
            await until(
                lambda: any(e["event"] == "error" and e.get("cmd") == "edit" for e in a.events),
                timeout=10,
            )

            b.command(cmd="close")
            assert await b.finish() == 0
            a.command(cmd="delete", id=mine)
            await until(lambda: lines(a, event="update", id=mine, deleted=True), timeout=20)

            again = apps.start(tmp_path / "b", url)
            await until(lambda: connected(again), timeout=30)
            # its kept copy first (as it was), then the deletion caught up
            await until(
                lambda: lines(again, event="update", id=theirs, deleted=True, text=""), timeout=20
            )
            restored = lines(again, event="message", id=theirs, restored=True)
            assert restored and restored[0]["text"] == "the new plan"
            assert restored[0]["reactions"] == {"🎉": ["writer"]}
            path = tmp_path / "export.jsonl"
            again.command(cmd="export", room="", path=str(path), format="jsonl")
            await until(lambda: any(e["event"] == "exported" for e in again.events), timeout=20)
            rows = [json.loads(t) for t in path.read_text(encoding="utf-8").splitlines()]
            kept = {row["id"]: row for row in rows if row.get("type") == "message"}
            assert kept[theirs]["deleted"] is True and kept[theirs]["text"] == ""
            assert "the new plan" not in path.read_text(encoding="utf-8")
            assert kept[reply["id"]]["reply_to"] == theirs
        finally:
            await server.stop()

    run_checked(scenario())
