"""Names of received files, made safe to save (issue #21)."""

from __future__ import annotations

import os
import threading
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_chat.protocol.safe_names import (
    MAX_NAME_BYTES,
    is_device_name,
    safe_file_name,
    unique_path,
)

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def ok(name: str) -> None:
    assert name, "empty"
    assert "/" not in name and "\\" not in name
    assert not name.startswith(".")
    assert not name.endswith((".", " "))
    assert name not in {".", ".."}
    assert not is_device_name(name), name
    assert not any(unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Zl", "Zp"} for ch in name)
    assert not set(BIDI) & set(name)
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES


@given(
    st.lists(
        st.sampled_from(
            ["/", "\\", ".", "..", " ", "CON", "com1", "a", "txt", "\u202e", "\x00", "é"]
        ),
        max_size=12,
    ).map("".join)
)
@settings(max_examples=400)
def test_names_built_from_hostile_pieces_are_safe(name: str) -> None:
    ok(safe_file_name(name))


@given(st.text(max_size=300))
@settings(max_examples=400)
def test_any_text_makes_a_safe_name(name: str) -> None:
    ok(safe_file_name(name))


@given(st.text(max_size=300))
def test_a_safe_name_stays_as_it_is(name: str) -> None:
    once = safe_file_name(name)
    assert safe_file_name(once) == once


@pytest.mark.parametrize(
    ("given_name", "saved"),
    [
        ("../../.bashrc", "bashrc"),
        ("invoice\u202egnp.exe", "invoicegnp.exe"),  # the real extension shows
        ("CON.txt", "_CON.txt"),
        ("lpt1", "_lpt1"),
        ("com9.tar.gz", "_com9.tar.gz"),
        ("CONSOLE.txt", "CONSOLE.txt"),
        ("a/b.txt", "a_b.txt"),
        ("C:\\Windows\\evil.dll", "C__Windows_evil.dll"),
        ("report.pdf. . ", "report.pdf"),
        ("", "file"),
        ("..", "file"),
        ("\u200f\u061c", "file"),
        ("Photo 1.png", "Photo 1.png"),
        ("회의록.txt", "회의록.txt"),
    ],
)
def test_known_names(given_name: str, saved: str) -> None:
    assert safe_file_name(given_name) == saved


def test_a_long_name_keeps_its_extension() -> None:
    name = safe_file_name("가" * 200 + ".png")
    assert name.endswith(".png") and len(name.encode("utf-8")) <= MAX_NAME_BYTES
    assert name.startswith("가")


def test_unique_path_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("mine")
    first = unique_path(tmp_path, "a.txt")
    second = unique_path(tmp_path, "a.txt")
    assert first.name == "a (1).txt" and second.name == "a (2).txt"
    assert (tmp_path / "a.txt").read_text() == "mine"
    assert first.stat().st_size == 0 and not first.stat().st_mode & 0o111
    assert unique_path(tmp_path, "README").name == "README"
    assert unique_path(tmp_path, "README").name == "README (1)"


def test_unique_path_gives_racing_downloads_different_paths(tmp_path: Path) -> None:
    got: list[Path] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def take() -> None:
        start.wait()
        path = unique_path(tmp_path, "same.bin")
        with lock:
            got.append(path)

    threads = [threading.Thread(target=take) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(got)) == 8 and len(os.listdir(tmp_path)) == 8
