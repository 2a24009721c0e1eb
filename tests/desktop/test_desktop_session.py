"""The app on a real desktop session: notifications reach dunst over a real
session bus, a click in dunst raises the window, and the tray exists only
where a tray host does (trayer), keeping the app alive on close only when
the settings ask for it.

The app runs as a child process on Xvfb (QT_QPA_PLATFORM=xcb) and is driven
through its automation protocol; what reached the notification daemon is
read from the daemon itself (`dunstctl count`, `dunstctl history` after the
notification is closed) and from `dbus-monitor` on the same bus.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import socketio

from desktop_chat.server.chat_server import ChatServer
from tests.desktop.conftest import XSession
from tests.helpers import run_checked, unavailable
from tests.procs import ROOT, Child


def app_child(x: XSession, home: Path, url: str, settings: dict[str, Any], *args: str) -> Child:
    config = home / "config" / "desktop-chat"
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.json").write_text(json.dumps(settings), encoding="utf-8")
    env = {
        **x.env,
        "PYTHONPATH": str(ROOT),
        "QT_QPA_PLATFORM": "xcb",
        "DESKTOP_CHAT_AUTOMATION": "1",
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
    }
    argv = [sys.executable, "-m", "desktop_chat", "--url", url, "--name", "me", *args]
    return Child("desktop-chat", argv, env=env)


async def state(app: Child) -> dict[str, Any]:
    app.command(cmd="state")
    return await app.anext_event(10, "the app's state", event="state")


async def until_true(check: Any, what: str, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


def notify_calls(monitor_text: str) -> list[dict[str, Any]]:
    """The Notify calls in dbus-monitor's output: replaces_id, summary, body."""
    calls = []
    for block in monitor_text.split("method call ")[1:]:
        if "member=Notify" not in block.splitlines()[0]:
            continue
        lines = [line.strip() for line in block.splitlines()[1:6]]
        calls.append({
            "replaces_id": int(lines[1].removeprefix("uint32 ")),
            "summary": lines[3].removeprefix('string "')[:-1],
            "body": lines[4].removeprefix('string "')[:-1],
        })  # fmt: skip
    return calls


def history(x: XSession) -> list[dict[str, Any]]:
    data = json.loads(x.dunstctl("history") or '{"data": [[]]}')
    return [{k: v["data"] for k, v in item.items()} for item in data["data"][0]]


def test_notifications_reach_dunst_collapse_and_a_click_raises_the_window(
    x_session: XSession, tmp_path: Path
) -> None:
    if shutil.which("dbus-monitor") is None:
        unavailable("dbus-monitor is not installed (.ci/run installs dbus)")
    x = x_session
    x.start_tray()  # the unread count is shown on the tray icon
    monitor = Child("dbus-monitor", ["dbus-monitor", "--session",
                                     "interface='org.freedesktop.Notifications'"],
                    env=x.env, stdin=False)  # fmt: skip

    async def scenario() -> None:
        server = ChatServer()
        port = await server.start("127.0.0.1", 0)
        url = f"http://127.0.0.1:{port}"
        peer = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        await peer.connect(url, transports=["websocket"], auth={"name": "지민 <b>"})
        await peer.call("join-room", "garden", timeout=5)
        await peer.call("send-message", ("written before the app came", "garden"), timeout=5)
        app = app_child(x, tmp_path / "home", url, {"notifications": True}, "--room", "garden")
        try:
            await app.anext_event(30, "the app to connect", event="status", state="connected")
            await app.anext_event(10, "the join", event="message", kind="system")
            for _ in range(50):  # the daemon is reached after the window is up
                if (await state(app))["notifications"]:
                    break
                await asyncio.sleep(0.1)
            else:
                raise AssertionError("the app found no notification daemon")
            app.command(cmd="hide")  # the user is elsewhere: the window is in the tray
            assert not (await state(app))["window_visible"]
            await peer.emit("send-message", ("a <i>bold</i> & plain idea", "garden"))
            await app.anext_event(10, "the first message", event="message", kind="other",
                                  text="a <i>bold</i> & plain idea")  # fmt: skip
            await until_true(lambda: x.dunstctl("count", "displayed").strip() == "1",
                             "dunst to show one notification")  # fmt: skip
            for n in range(2, 4):
                await peer.emit("send-message", (f"more {n}", "garden"))
            await app.anext_event(10, "the third message", event="message", text="more 3")
            await until_true(lambda: "3 new messages in #garden" in monitor.text(),
                             "the collapsed notification")  # fmt: skip
            assert x.dunstctl("count", "displayed").strip() == "1", "bursts must replace"
            unread = await state(app)
            assert unread["unread"] == 3 and unread["tray_visible"]
            assert unread["tray_tooltip"].endswith("3 unread messages"), unread
            # A click on it, through the daemon: dunst invokes the default action.
            x.dunstctl("action", "0")
            activated = await app.anext_event(10, "the window raised for the click",
                                              event="activated")  # fmt: skip
            assert activated["conversation"] == "garden"
            after = await state(app)
            assert after["window_visible"]
            assert await app.ainterrupt(20) == 0, app.describe()
            app.assert_clean_stderr()
        finally:
            app.reap()
            await peer.disconnect()
            await server.stop()

    try:
        run_checked(scenario())
        calls = monitor.text()
        # What the daemon was asked: summary plain, body escaped, never the
        # replayed message, never our own.
        assert 'string "지민 <b> in #garden"' in calls
        assert 'string "a &lt;i&gt;bold&lt;/i&gt; &amp; plain idea"' in calls
        assert "written before the app came" not in calls
        notifies = notify_calls(calls)
        assert [n["summary"] for n in notifies] == [
            "지민 <b> in #garden",
            "2 new messages in #garden",
            "3 new messages in #garden",
        ]
        first_id = notifies[1]["replaces_id"]
        assert notifies[0]["replaces_id"] == 0 and first_id > 0
        assert all(n["replaces_id"] == first_id for n in notifies[1:]), notifies
        assert f'member=ActionInvoked\n   uint32 {first_id}\n   string "default"' in calls
    finally:
        monitor.close(grace=0)
    x.dunstctl("close-all")
    shown = history(x)
    summaries = [item["summary"] for item in shown]
    assert summaries and all(s in ("지민 <b> in #garden", "3 new messages in #garden")
                             for s in summaries), shown  # fmt: skip
    assert any(item["appname"] == "desktop-chat" for item in shown)


def test_the_tray_exists_only_with_a_tray_host_and_keeps_the_app_only_when_asked(
    x_session: XSession, tmp_path: Path
) -> None:
    x = x_session

    async def close_and_see(settings: dict[str, Any], home: str) -> tuple[dict[str, Any], bool]:
        server = ChatServer()
        port = await server.start("127.0.0.1", 0)
        app = app_child(x, tmp_path / home, f"http://127.0.0.1:{port}", settings)
        try:
            await app.anext_event(30, "the app to connect", event="status", state="connected")
            before = await state(app)
            app.command(cmd="close")
            try:
                code = await app.aexit_code(3)
            except AssertionError:  # still running after the close: kept in the tray
                after = await state(app)
                assert not after["window_visible"], "kept, yet the window is still shown"
                app.command(cmd="quit")  # the tray menu's Quit
                assert await app.aexit_code(20) == 0, app.describe()
                app.assert_clean_stderr()
                return before, True
            # Closing quit: cleanly, as the user's own quit does.
            assert code == 0, app.describe()
            app.assert_clean_stderr()
            return before, False
        finally:
            app.reap()
            await server.stop()

    x.start_tray()
    before, kept = run_checked(close_and_see({"keep_in_tray": True}, "a"))
    assert before["tray_available"] and before["tray_visible"]
    assert kept, "with a tray and keep_in_tray the app must stay after close"
    before, kept = run_checked(close_and_see({"keep_in_tray": False}, "b"))
    assert before["tray_available"] and not kept
    x.stop_tray()
    before, kept = run_checked(close_and_see({"keep_in_tray": True}, "c"))
    assert not before["tray_available"] and not before["tray_visible"]
    assert not kept, "without a tray, closing the window quits"


def test_lang_on_the_command_line_and_a_switch_while_running(
    x_session: XSession, tmp_path: Path
) -> None:
    """--lang ko wins over the setting; the settings' language switches the
    running window (the status line and the conversation's title are said
    again in the new language)."""

    async def scenario() -> None:
        server = ChatServer()
        port = await server.start("127.0.0.1", 0)
        app = app_child(x_session, tmp_path / "home", f"http://127.0.0.1:{port}",
                        {"language": "en", "theme": "dark"}, "--lang", "ko")  # fmt: skip
        try:
            await app.anext_event(30, "the app to connect", event="status", state="connected")
            shown = await state(app)
            assert (shown["language"], shown["theme"], shown["dark"]) == ("ko", "dark", True)
            assert shown["status_line"].startswith("연결됨"), shown  # "Connected"
            assert shown["conversation_title"] == "모두", shown  # "Everyone"
            assert shown["window_title"] == "desktop-chat — me", shown
            app.command(cmd="set", key="language", value="en")
            switched = await app.anext_event(10, "the switch", event="state")
            assert switched["language"] == "en"
            for _ in range(50):  # the window retranslates as its events come
                said = (switched["status_line"][:9], switched["conversation_title"])
                if said == ("Connected", "Everyone"):
                    break
                await asyncio.sleep(0.1)
                switched = await state(app)
            assert switched["status_line"].startswith("Connected"), switched
            assert switched["conversation_title"] == "Everyone", switched
            assert switched["window_title"] == "desktop-chat — me", switched
            app.command(cmd="set", key="theme", value="light")
            assert not (await app.anext_event(10, "the theme", event="state"))["dark"]
            assert await app.ainterrupt(20) == 0, app.describe()
            app.assert_clean_stderr()
        finally:
            app.reap()
            await server.stop()

    run_checked(scenario())
    saved = json.loads((tmp_path / "home" / "config" / "desktop-chat" / "settings.json")
                       .read_text(encoding="utf-8"))  # fmt: skip
    assert (saved["language"], saved["theme"]) == ("en", "light")
    assert saved["geometry"] and saved["servers"][0]["url"].startswith("http://127.0.0.1:")


def test_muted_do_not_disturb_and_notifications_off_show_nothing_in_dunst(
    x_session: XSession, tmp_path: Path
) -> None:
    """Through the real daemon: a message in a muted room, one during do not
    disturb and one with notifications off ask dunst for nothing, while a
    control message in another room right after each does."""
    if shutil.which("dbus-monitor") is None:
        unavailable("dbus-monitor is not installed (.ci/run installs dbus)")
    x = x_session
    monitor = Child("dbus-monitor", ["dbus-monitor", "--session",
                                     "interface='org.freedesktop.Notifications'"],
                    env=x.env, stdin=False)  # fmt: skip
    rooms = ("garden", "lunch", "tea", "cake", "pie")

    def summaries() -> list[str]:
        return [n["summary"] for n in notify_calls(monitor.text())]

    async def scenario() -> None:
        server = ChatServer()
        port = await server.start("127.0.0.1", 0)
        url = f"http://127.0.0.1:{port}"
        peer = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        await peer.connect(url, transports=["websocket"], auth={"name": "pat"})
        settings = {"notifications": True, "muted": ["garden"], "do_not_disturb": False}
        app = app_child(x, tmp_path / "home", url, settings)
        try:
            await app.anext_event(30, "the app to connect", event="status", state="connected")
            for room in rooms:
                await peer.call("join-room", room, timeout=5)
                app.command(cmd="join", room=room)
                await app.anext_event(10, f"joining {room}", event="message", kind="system",
                                      text=f"Joined {room}")  # fmt: skip
            for _ in range(50):  # the daemon is reached after the window is up
                if (await state(app))["notifications"]:
                    break
                await asyncio.sleep(0.1)
            else:
                raise AssertionError("the app found no notification daemon")
            app.command(cmd="hide")  # the user is elsewhere: every room would notify
            assert not (await state(app))["window_visible"]

            async def say(room: str, text: str, notified: bool) -> None:
                before = len(summaries())
                await peer.emit("send-message", (text, room))
                await app.anext_event(10, text, event="message", kind="other", text=text)
                if notified:  # the app asks the daemon once, for this room
                    await until_true(lambda: len(summaries()) > before, f"a notification: {text}")
                    assert summaries()[before:] == [f"pat in #{room}"], summaries()

            await say("garden", "in the muted room", notified=False)
            await say("lunch", "control after the muted room", notified=True)
            app.command(cmd="set", key="do_not_disturb", value=True)
            await app.anext_event(10, "do not disturb on", event="state")
            await say("tea", "during do not disturb", notified=False)
            app.command(cmd="set", key="do_not_disturb", value=False)
            await app.anext_event(10, "do not disturb off", event="state")
            await say("cake", "control after do not disturb", notified=True)
            app.command(cmd="set", key="notifications", value=False)
            await app.anext_event(10, "notifications off", event="state")
            await say("tea", "with notifications off", notified=False)
            app.command(cmd="set", key="notifications", value=True)
            await app.anext_event(10, "notifications on", event="state")
            await say("pie", "control after notifications off", notified=True)
            assert await app.ainterrupt(20) == 0, app.describe()
            app.assert_clean_stderr()
        finally:
            app.reap()
            await peer.disconnect()
            await server.stop()

    try:
        run_checked(scenario())
        # Everything the daemon was asked, in order: the three controls only.
        assert summaries() == ["pat in #lunch", "pat in #cake", "pat in #pie"], summaries()
        bodies = [n["body"] for n in notify_calls(monitor.text())]
        assert bodies == ["control after the muted room", "control after do not disturb",
                          "control after notifications off"], bodies  # fmt: skip
    finally:
        monitor.close(grace=0)
        x.dunstctl("close-all")
