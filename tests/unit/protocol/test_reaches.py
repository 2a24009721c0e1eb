"""The reaches into libraries' internals (protocol/reaches.py): each passes on
the versions installed, and a library that moved fails at start, loudly,
naming the library and the versions."""

from __future__ import annotations

import asyncio

import pytest

from desktop_chat.protocol import asyncio_reach, engineio_reach, reaches
from desktop_chat.protocol.reaches import LibraryMovedError
from desktop_chat.protocol.transport import configure_engineio
from desktop_chat.server import aiohttp_reach


def test_every_reach_holds_on_the_installed_libraries() -> None:
    reaches.check_reaches()
    aiohttp_reach.check()


@pytest.mark.parametrize(
    ("module", "distribution"),
    [(engineio_reach, "python-engineio"), (aiohttp_reach, "aiohttp")],
)
def test_a_version_outside_the_checked_range_fails_with_names_and_versions(
    monkeypatch: pytest.MonkeyPatch, module: object, distribution: str
) -> None:
    real = reaches.installed

    def moved(name: str) -> str:
        return "99.0.1" if name == distribution else real(name)

    monkeypatch.setattr(reaches, "installed", moved)
    check = module.check  # type: ignore[attr-defined]
    if hasattr(check, "cache_clear"):
        check.cache_clear()
    try:
        with pytest.raises(LibraryMovedError) as raised:
            check()
    finally:
        if hasattr(check, "cache_clear"):
            check.cache_clear()
    words = str(raised.value)
    low, below = module.LOW, module.BELOW  # type: ignore[attr-defined]
    assert f"{distribution} 99.0.1 is installed" in words
    assert f">={low},<{below}" in words


def test_configure_engineio_fails_at_start_when_engineio_moved(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(engineio_reach, "LOW", "5.0")  # as if 4.x were too old
    with pytest.raises(LibraryMovedError, match=r"python-engineio 4\.\S+ is installed"):
        configure_engineio()


def test_an_internal_that_is_gone_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    import engineio

    monkeypatch.delattr(engineio.AsyncClient, "_send_packet")
    with pytest.raises(LibraryMovedError, match=r"python-engineio .* AsyncClient\._send_packet"):
        engineio_reach.check()
    monkeypatch.undo()
    monkeypatch.delattr(asyncio.Handle, "_run")
    with pytest.raises(LibraryMovedError, match=r"asyncio of Python .* Handle\._run"):
        asyncio_reach.check()


def test_the_versions_checked_are_the_ones_pyproject_allows() -> None:
    import tomllib

    from tests.procs import ROOT

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "dependencies"
    ]
    for module, name in ((engineio_reach, "python-engineio"), (aiohttp_reach, "aiohttp")):
        spec = f"{name}>={module.LOW},<{module.BELOW}"  # type: ignore[attr-defined]
        assert spec in deps, (spec, deps)
