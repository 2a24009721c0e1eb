"""What the app remembers between runs: never a crash on a broken file."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_chat.app.settings import Settings


def test_settings_round_trip(tmp_path: Path) -> None:
    file = tmp_path / "settings.json"
    Settings(url="http://localhost:3000", path="/chat/socket.io", name="지민").save(file)
    assert Settings.load(file) == Settings("http://localhost:3000", "/chat/socket.io", "지민")


@pytest.mark.parametrize(
    "content",
    ["", "{", "[1, 2]", '{"url": 5, "name": ["x"]}', "\udcff".encode("utf-8", "surrogatepass")],
)
def test_a_missing_or_broken_file_gives_defaults(tmp_path: Path, content: str | bytes) -> None:
    file = tmp_path / "settings.json"
    if isinstance(content, bytes):
        file.write_bytes(content)
    else:
        file.write_text(content, encoding="utf-8")
    assert Settings.load(file) == Settings()
    assert Settings.load(tmp_path / "missing.json") == Settings()


def test_a_valid_key_survives_a_wrong_neighbour(tmp_path: Path) -> None:
    file = tmp_path / "settings.json"
    file.write_text('{"url": "http://a:1", "name": 7}', encoding="utf-8")
    assert Settings.load(file) == Settings(url="http://a:1")


def test_every_setting_round_trips(tmp_path: Path) -> None:
    from desktop_chat.app.settings import ServerEntry

    file = tmp_path / "settings.json"
    settings = Settings(
        name="지민",
        servers=[ServerEntry("http://a:1", "/x/socket.io", "polling")],
        notifications=False,
        do_not_disturb=True,
        muted=["garden", ""],
        keep_in_tray=True,
        theme="dark",
        language="ko",
        font_size=14,
        geometry="AdnQywADAAA=",
        window_state="AAAA",
        splitters={"conversations": "AAAA"},
    )
    settings.save(file)
    assert Settings.load(file) == settings
    assert Settings.load(file).problem == ""


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("theme", "purple"),
        ("language", "fr"),
        ("font_size", 400),
        ("font_size", True),
        ("notifications", "yes"),
        ("geometry", "not base64!"),
        ("servers", {"url": "x"}),
        ("muted", "garden"),
        ("splitters", ["AAAA"]),
    ],
)
def test_a_wrong_value_is_dropped_alone_and_said(tmp_path: Path, key: str, value: object) -> None:
    import json

    file = tmp_path / "settings.json"
    file.write_text(json.dumps({"name": "지민", key: value}), encoding="utf-8")
    loaded = Settings.load(file)
    assert loaded == Settings(name="지민")
    assert key in loaded.problem


def test_servers_are_checked_one_by_one_and_remembered_newest_first(tmp_path: Path) -> None:
    import json

    from desktop_chat.app.settings import ServerEntry

    file = tmp_path / "settings.json"
    raw = [{"url": "http://a:1"}, {"url": 5}, {"url": "http://b:2", "transport": "carrier"}]
    file.write_text(json.dumps({"servers": raw}), encoding="utf-8")
    loaded = Settings.load(file)
    assert loaded.servers == [ServerEntry("http://a:1"), ServerEntry("http://b:2")]
    loaded.remember_server("http://b:2", "/socket.io", "websocket")
    assert [s.url for s in loaded.servers] == ["http://b:2", "http://a:1"]
    assert (loaded.url, loaded.servers[0].transport) == ("http://b:2", "websocket")


def test_a_broken_file_is_said(tmp_path: Path) -> None:
    file = tmp_path / "settings.json"
    file.write_text("{", encoding="utf-8")
    assert "settings.json" in Settings.load(file).problem
