"""A real desktop session for the app: Xvfb, a session bus, dunst, and trayer.

Each is a child process (tests/procs.Child) of the test: a private X server
(Xvfb -displayfd), a private session bus (dbus-daemon --session), the
notification daemon dunst on both, and, when a test asks for it, the tray
host trayer. Tests are skipped where these Debian packages are missing
(.ci/run installs them), and fail there under CI=true (tests.helpers.unavailable).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import unavailable
from tests.procs import Child

HERE = Path(__file__).resolve().parent
TOOLS = ("Xvfb", "dbus-daemon", "dunst", "dunstctl", "trayer")


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        unavailable(f"{name} is not installed (.ci/run installs it)")
    return path


class XSession:
    """The display, the bus, the daemons; `env` is what a child app needs."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.children: list[Child] = []
        self.tray: Child | None = None
        try:
            self._start_all()
        except BaseException:
            self.close()
            raise

    def _start_all(self) -> None:
        home = self.home
        self.x = self._start("Xvfb", [_tool("Xvfb"), "-displayfd", "1", "-nolisten", "tcp",
                                      "-screen", "0", "1024x700x24"])  # fmt: skip
        number = self.x.next_line(30)
        assert number.isdigit(), f"Xvfb did not report a display ({number!r})"
        self.display = f":{number}"
        self.bus = self._start(
            "dbus-daemon",
            [_tool("dbus-daemon"), "--session", "--nofork", "--nopidfile", "--print-address=1"],
        )
        self.bus_address = self.bus.next_line(30).strip()
        assert self.bus_address.startswith("unix:"), self.bus_address
        runtime = home / "runtime"
        runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(home),
            "DISPLAY": self.display,
            "DBUS_SESSION_BUS_ADDRESS": self.bus_address,
            "XDG_RUNTIME_DIR": str(runtime),
            "LANG": "C.UTF-8",
        }
        self.dunst = self._start("dunst", [_tool("dunst"), "-config", str(HERE / "dunstrc")])
        self._wait(lambda: self.dunstctl("is-paused").strip() == "false", "dunst on the bus")

    def _start(self, name: str, argv: list[str]) -> Child:
        env = dict(getattr(self, "env", {"PATH": "/usr/bin:/bin"}))
        child = Child(name, argv, env=env, stdin=False)
        self.children.append(child)
        return child

    @staticmethod
    def _wait(condition: object, what: str, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():  # type: ignore[operator]
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            time.sleep(0.05)

    def run(self, *argv: str, check: bool = False) -> str:
        done = subprocess.run(list(argv), env=self.env, capture_output=True, text=True,
                              timeout=20, check=check)  # fmt: skip
        return done.stdout

    def dunstctl(self, *args: str) -> str:
        return self.run(_tool("dunstctl"), *args)

    def tray_owned(self) -> bool:
        """Whether a tray host holds the system tray selection, as Qt sees it."""
        probe = (
            "from PySide6.QtWidgets import QApplication, QSystemTrayIcon; "
            "app = QApplication([]); print(QSystemTrayIcon.isSystemTrayAvailable())"
        )
        env = {**self.env, "QT_QPA_PLATFORM": "xcb"}
        done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,
                              text=True, timeout=30)  # fmt: skip
        return done.stdout.strip() == "True"

    def start_tray(self) -> None:
        self.tray = self._start("trayer", [_tool("trayer"), "--edge", "top", "--align", "left",
                                           "--widthtype", "request", "--height", "28",
                                           "--SetDockType", "true", "--transparent", "false",
                                           "--tint", "0x303236"])  # fmt: skip
        self._wait(self.tray_owned, "trayer's window")

    def stop_tray(self) -> None:
        if self.tray is not None:
            self.tray.close(grace=0)
            self.children.remove(self.tray)
            self.tray = None
            self._wait(lambda: not self.tray_owned(), "trayer to go")

    def close(self) -> None:
        for child in reversed(self.children):
            child.close(grace=0)


@pytest.fixture
def x_session(tmp_path: Path) -> Iterator[XSession]:
    for tool in TOOLS:
        _tool(tool)
    session = XSession(tmp_path / "session")
    try:
        yield session
    finally:
        session.close()
