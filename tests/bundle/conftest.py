"""The bundle under test: built once per session with `pyinstaller build.spec`.

Without PyInstaller the bundle tests are skipped, except under CI=true,
where a missing PyInstaller is a failure (CI must build the bundle on every
run). DESKTOP_CHAT_BUNDLE_EXE=/path/to/desktop-chat tests an existing build
instead (the onefile variant, say); nothing is cached between sessions
otherwise.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import unavailable
from tests.procs import Child

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "build.spec"
BUILD_TIMEOUT = 900  # seconds; ~15 s here, more on a cold CI machine


@dataclass(frozen=True)
class Bundle:
    app: Path  # the desktop-chat executable
    server: Path  # desktop-chat-server, next to it
    folder: Path | None  # the onedir folder, None for a onefile build
    build_seconds: float | None  # None when an existing build was given


def _pyinstaller_missing() -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(
            "CI=true and PyInstaller is not installed in this environment: "
            "the bundle tests must run in CI (pip install pyinstaller, see docs/bundle.md)"
        )
    pytest.skip(
        "PyInstaller is not installed (pip install pyinstaller): the bundle tests build "
        "the bundle with it"
    )


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bundle]:
    given = os.environ.get("DESKTOP_CHAT_BUNDLE_EXE")
    if given:
        app = Path(given).resolve()
        assert app.is_file(), f"DESKTOP_CHAT_BUNDLE_EXE={given} is not a file"
        folder = app.parent if (app.parent / "_internal").is_dir() else None
        yield Bundle(app, app.parent / "desktop-chat-server", folder, None)
        return
    if importlib.util.find_spec("PyInstaller") is None:
        _pyinstaller_missing()
    base = tmp_path_factory.mktemp("pyinstaller")
    dist, work = base / "dist", base / "build"
    env = dict(os.environ)
    # The default build is the one under test, whatever the caller's shell says.
    for name in ("DESKTOP_CHAT_ONEFILE", "DESKTOP_CHAT_SLIM"):
        env.pop(name, None)
    log = base / "pyinstaller.log"
    started = time.monotonic()
    with log.open("wb") as out:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "PyInstaller",
                "--noconfirm",
                "--distpath",
                str(dist),
                "--workpath",
                str(work),
                str(SPEC),
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=BUILD_TIMEOUT,
            check=False,
        )
    seconds = time.monotonic() - started
    if result.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-6000:]
        pytest.fail(f"pyinstaller build.spec failed ({result.returncode}); log ends:\n{tail}")
    folder = dist / "desktop-chat"
    print(f"\nbuilt the bundle in {seconds:.1f} s: {folder}")
    yield Bundle(folder / "desktop-chat", folder / "desktop-chat-server", folder, seconds)


@pytest.fixture
def clean_env(tmp_path: Path) -> dict[str, str]:
    """What a desktop session minimally gives a program: no Python, no project venv.

    Only PATH (system directories), HOME and XDG_CONFIG_HOME in the test's own
    directory, and the offscreen Qt platform, since there is no display here.
    """
    home = tmp_path / "home"
    config = tmp_path / "config"
    home.mkdir()
    config.mkdir()
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(config),
        "QT_QPA_PLATFORM": "offscreen",
    }


@pytest.fixture(scope="session")
def x_display(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private X server (Xvfb) for the X11 (xcb) runs; skipped where there is none."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        unavailable("Xvfb is not installed (apt-get install xvfb): no X11 run")
    xvfb_server = Child(
        "Xvfb",
        [xvfb, "-displayfd", "1", "-nolisten", "tcp", "-screen", "0", "1024x768x24"],
        stdin=False,
    )
    try:
        number = xvfb_server.next_line(30)  # -displayfd 1: the display's number on stdout
        assert number.isdigit(), f"Xvfb did not report a display number ({number!r})"
        yield f":{number}"
    finally:
        xvfb_server.close(grace=0)  # no stdin to end: SIGTERM, then SIGKILL after 5 s
