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
