"""Why Qt could not open a window, in words, before Qt aborts the process.

Qt's xcb plugin calls qFatal when a system library is missing, which
kills the process with a terse message; checking first lets us name the
missing pieces and the command that installs them.
"""

from __future__ import annotations

import ctypes.util
import os
import sys
from pathlib import Path

# Libraries Qt's xcb platform plugin loads that minimal Linux systems lack.
XCB_LIBRARIES = {
    "xcb-cursor": "libxcb-cursor0",
    "xkbcommon-x11": "libxkbcommon-x11-0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-keysyms": "libxcb-keysyms1",
    "xcb-shape": "libxcb-shape0",
    "xcb-xkb": "libxcb-xkb1",
    "EGL": "libegl1",
}


def _bundled(lib: str) -> bool:
    """Whether a PyInstaller bundle carries the library itself (ctypes only looks at the system)."""
    folder = getattr(sys, "_MEIPASS", None)
    return folder is not None and any(Path(folder).glob(f"lib{lib}.so*"))


def display_problem(environ: dict[str, str] | None = None) -> str | None:
    """A sentence saying why no window can open, or None when all looks fine."""
    env = os.environ if environ is None else environ
    if not sys.platform.startswith("linux"):
        return None
    platform = env.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith("xcb"):
        return None  # offscreen, wayland, vnc...: Qt reports those itself
    if not platform and env.get("WAYLAND_DISPLAY"):
        return None
    if not env.get("DISPLAY"):
        return (
            "desktop-chat needs a graphical desktop, and no display was found "
            "(neither DISPLAY nor WAYLAND_DISPLAY is set). Start it from a desktop "
            "session, or run it with QT_QPA_PLATFORM=offscreen for a test."
        )
    missing = [
        pkg
        for lib, pkg in XCB_LIBRARIES.items()
        if not _bundled(lib) and ctypes.util.find_library(lib) is None
    ]
    if missing:
        return (
            "desktop-chat cannot open a window: Qt's X11 (xcb) platform needs system "
            "libraries that are missing here. On Debian or Ubuntu install them with:\n"
            f"    sudo apt-get install {' '.join(missing)}"
        )
    return None
