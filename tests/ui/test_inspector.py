"""The packet inspector: its model under qtmodeltester, and the dock on a
real connection to the bundled server: every kind of packet, acks with
their round trip, Emit, filter, pause, copy and save."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from desktop_chat.app.session import ChatSession
from desktop_chat.client.packet_tap import PacketRecord
from desktop_chat.server.chat_server import ChatServer
from desktop_chat.ui.inspector import parse_emit
from desktop_chat.ui.packet_model import PacketFilter, PacketModel
from tests.ui.conftest import server_url, type_and_send, wait_connected


def record(i: int, direction: str = "in", event: str = "receive-message") -> PacketRecord:
    body = json.dumps([event, f"message {i}", {"n": i}])
    return PacketRecord(1.7e9 + i, direction, "event", "/", event, body, None, len(body) + 2)


def test_the_model_keeps_a_bounded_ring_and_passes_the_model_tester(qtmodeltester: Any) -> None:
    model = PacketModel(limit=50)
    proxy = PacketFilter()
    proxy.setSourceModel(model)
    qtmodeltester.check(model)
    qtmodeltester.check(proxy)
    model.append([record(i) for i in range(30)])
    model.append([record(i, "out", "send-message") for i in range(30, 70)])
    assert model.rowCount() == 50 and model.dropped == 20
    assert model.record(0).t == 1.7e9 + 20
    model.append([record(i) for i in range(200)], lost=5)  # more than fits at once
    assert model.rowCount() == 50 and model.dropped == 20 + 150 + 50 + 5
    assert model.data(model.index(49, 4)) == '["message 199", {"n": 199}]'
    proxy.set_direction("out")
    assert proxy.rowCount() == 0
    model.clear()
    assert (model.rowCount(), model.dropped) == (0, 0)
    qtmodeltester.check(model)


def test_arguments_are_folded_and_decoded_once() -> None:
    model = PacketModel()
    long = PacketRecord(0.0, "in", "event", "/", "x", json.dumps(["x", "y" * 1000]), None, 1010)
    model.append([long])
    shown = model.data(model.index(0, 4))
    assert shown.startswith('["' + "y" * 100) and shown.endswith("(1,004 characters)")
    assert long.cells is not None and long.cells[4] is shown


def test_a_packet_in_a_tooltip_is_text_not_markup() -> None:
    model = PacketModel()
    body = json.dumps(["x", "<img src=x onerror=alert(1)><b>bold</b>"])
    model.append([PacketRecord(0.0, "in", "event", "/", "x", body, None, len(body))])
    tip = model.data(model.index(0, 4), Qt.ItemDataRole.ToolTipRole)
    assert "<img" not in tip and "&lt;img src=x" in tip and tip.startswith("<qt>")


def test_parse_emit() -> None:
    assert parse_emit(" join-room ", '["r1", {"since": 3}]') == ("join-room", ("r1", {"since": 3}))
    assert parse_emit("ping-me", '{"a": 1}') == ("ping-me", ({"a": 1},))
    assert parse_emit("nothing", "  ") == ("nothing", ())
    for event, args, why in (
        ("", "", "Name the event"),
        ("x", "[1,", "not JSON"),
        ("connect", "", "reserved"),
    ):
        try:
            parse_emit(event, args)
        except ValueError as exc:
            assert why in str(exc)
        else:
            raise AssertionError(f"{event!r} {args!r} was accepted")


def kinds(session: ChatSession) -> set[tuple[str, str, str]]:
    return {(r.direction, r.kind, r.event) for r in session.inspector.model.records()}


def wait_kind(qtbot: Any, session: ChatSession, direction: str, kind: str, event: str = "") -> None:
    try:
        qtbot.waitUntil(lambda: (direction, kind, event) in kinds(session), timeout=10_000)
    except qtbot.TimeoutError:
        raise AssertionError(f"no {(direction, kind, event)} in {sorted(kinds(session))}") from None


def test_the_dock_shows_every_kind_of_packet_and_acks(
    qtbot: Any, open_window: Callable[..., ChatSession], chat_server: ChatServer, tmp_path: Path
) -> None:
    session = open_window(server_url(chat_server), "inspecting")
    wait_connected(qtbot, session)
    inspector, w = session.inspector, session.window
    assert inspector.dock.objectName() == "inspectorDock" and inspector.dock.isHidden()
    assert inspector.action.shortcut().toString() == "Ctrl+Shift+I"
    inspector.action.trigger()
    qtbot.waitUntil(inspector.dock.isVisible)
    # reconnect, so that the list shows a connection from its start
    w.connect_button.click()
    for direction, kind, event in (
        ("", "reconnect", ""),
        ("", "open", ""),
        ("out", "connect", ""),
        ("in", "connect", ""),
        ("in", "event", "server-info"),
        ("", "transport", ""),
    ):
        wait_kind(qtbot, session, direction, kind, event)
    wait_connected(qtbot, session)
    connect_out = next(
        r for r in inspector.model.records() if (r.direction, r.kind) == ("out", "connect")
    )
    assert connect_out.args()["name"] == "inspecting"

    type_and_send(qtbot, session, "seen by the inspector")
    wait_kind(qtbot, session, "out", "event", "send-message")
    # Its own ack: others (the answers to `participants`, asked on connecting
    # and of the conversation shown) may come before or after it.
    send = next(r for r in inspector.model.records() if r.event == "send-message")
    assert send.ack_id is not None

    def ack_of(out: Any) -> Any:
        return next(
            (
                r
                for r in inspector.model.records()
                if r.kind == "ack" and r.direction == "in" and r.ack_id == out.ack_id
            ),
            None,
        )

    qtbot.waitUntil(lambda: ack_of(send) is not None, timeout=10_000)
    ack = ack_of(send)
    assert ack.rtt is not None and 0 <= ack.rtt < 10

    # Emit: bad JSON is refused in words; a good emit's ack shows with its round trip
    panel = inspector.panel
    panel.emit_event.setText("join-room")
    panel.emit_args.setText('["r1",')
    panel.emit_button.click()
    assert "not JSON" in panel.emit_error.text() and not panel.emit_error.isHidden()
    assert panel.emit_error.textFormat() is Qt.TextFormat.PlainText
    panel.emit_args.setText('["r1"]')
    panel.emit_ack.setChecked(True)
    panel.emit_button.click()
    assert panel.emit_error.isHidden()
    qtbot.waitUntil(lambda: any(r.event == "join-room" for r in inspector.model.records()))
    join = [r for r in inspector.model.records() if r.event == "join-room"][-1]
    assert join.args() == ["r1"] and join.ack_id is not None
    qtbot.waitUntil(lambda: ack_of(join) is not None, timeout=10_000)
    assert ack_of(join).rtt is not None

    # filter by event and direction
    panel.filter_text.setText("send-mess")
    assert panel.proxy.rowCount() >= 1
    assert all(
        panel.proxy.index(i, 3).data() == "send-message" for i in range(panel.proxy.rowCount())
    )
    panel.direction.setCurrentIndex(panel.direction.findData("in"))
    assert panel.proxy.rowCount() == 0
    panel.filter_text.setText("")
    panel.direction.setCurrentIndex(0)

    # copy a packet as JSON, save the list as JSON lines
    panel.table.selectRow(
        panel.proxy.mapFromSource(
            inspector.model.index(inspector.model.records().index(join), 0)
        ).row()
    )
    panel.copy_button.click()
    copied = json.loads(QGuiApplication.clipboard().text())
    assert copied["event"] == "join-room" and copied["args"] == ["r1"]
    out = tmp_path / "packets.jsonl"
    assert inspector.save(str(out)) == inspector.model.rowCount()
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert any(line["event"] == "send-message" for line in lines)
    assert all("token" not in json.dumps(line) or "•••" in json.dumps(line) for line in lines)
    panel.save_button.click()  # opened with open(): the test goes on
    qtbot.waitUntil(lambda: inspector._dialog is not None and inspector._dialog.isVisible())
    inspector._dialog.reject()

    # pause: nothing is added, what passes meanwhile is counted
    panel.pause.click()
    rows = inspector.model.rowCount()
    type_and_send(qtbot, session, "while paused")
    # the send and its ack (a count of one says "1 older packet not kept")
    qtbot.waitUntil(lambda: inspector.model.dropped >= 2, timeout=10_000)
    assert inspector.model.rowCount() == rows
    assert "older packets not kept" in panel.dropped.text()
    panel.pause.click()

    # closed, the connection is not tapped
    inspector.action.trigger()
    qtbot.waitUntil(lambda: not inspector.dock.isVisible())
    sio = session.client._connection.sio
    assert sio is not None and "_send_packet" not in vars(sio.eio)
