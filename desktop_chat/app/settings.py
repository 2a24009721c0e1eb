"""What the app remembers between runs: one typed settings object (the
last server and the servers used, the user's name, the profile chosen for
each server, notifications, tray, theme, language, window geometry, and
whether what the user writes is sent as Markdown).

A small JSON file in the user's config directory. Every key is checked on
its own when the file is read: a key of the wrong type or out of range
falls back to its default and the others are kept; a missing file means
defaults, and an unreadable one means defaults plus a note (`problem`) that
the window shows, never a crash at start.
"""

from __future__ import annotations

import base64
import binascii
import getpass
import json
import logging
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import platformdirs

from desktop_chat.protocol.urls import DEFAULT_PATH

log = logging.getLogger(__name__)

THEMES = ("system", "light", "dark")
LANGUAGES = ("", "en", "ko")  # "" follows the system's locale
TRANSPORTS = ("", "websocket", "polling", "websocket,polling")  # "" = the default
FONT_SIZES = range(0, 41)  # points; 0 = the desktop's default
MAX_SERVERS = 20  # servers remembered, most recent first
_MAX_TEXT = 4096  # longest string kept from the file (URLs, names, geometry)


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir("desktop-chat", appauthor=False))


def default_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return os.environ.get("USER", "") or "me"


@dataclass(slots=True)
class ServerEntry:
    """A server the user has connected to: what to pick it by in settings."""

    url: str
    path: str = DEFAULT_PATH
    transport: str = ""  # one of TRANSPORTS

    @classmethod
    def parse(cls, raw: object) -> ServerEntry | None:
        if not isinstance(raw, dict):
            return None
        url, path = raw.get("url"), raw.get("path", DEFAULT_PATH)
        transport = raw.get("transport", "")
        if not (isinstance(url, str) and url and len(url) <= _MAX_TEXT):
            return None
        if not isinstance(path, str) or len(path) > _MAX_TEXT:
            path = DEFAULT_PATH
        if transport not in TRANSPORTS:
            transport = ""
        return cls(url, path, transport)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and len(value) <= _MAX_TEXT else None


def _flag(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def _choice(options: tuple[str, ...]) -> Any:
    return lambda value: value if value in options else None


def _font_size(value: object) -> int | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and value in FONT_SIZES
    return value if ok else None  # type: ignore[return-value]


def _base64(value: object) -> str | None:
    """Window geometry and splitter state: Qt's QByteArray, as base64 text."""
    if not isinstance(value, str) or len(value) > _MAX_TEXT:
        return None
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None
    return value


def _splitters(value: object) -> dict[str, str] | None:
    if not isinstance(value, dict):
        return None
    kept = {k: _base64(v) for k, v in list(value.items())[:50] if isinstance(k, str)}
    return {k: v for k, v in kept.items() if v is not None}


def _profiles(value: object) -> dict[str, str] | None:
    if not isinstance(value, dict):
        return None
    return {k: v for k, v in value.items() if isinstance(k, str) and isinstance(v, str)}


def _servers(value: object) -> list[ServerEntry] | None:
    if not isinstance(value, list):
        return None
    parsed = [ServerEntry.parse(item) for item in value[:MAX_SERVERS]]
    return [entry for entry in parsed if entry is not None]


def _rooms(value: object) -> list[str] | None:
    if not isinstance(value, list):
        return None
    return [room for room in value[:1000] if isinstance(room, str) and len(room) <= 200]


@dataclass(slots=True)
class Settings:
    url: str = ""  # the last server used; "" until one worked
    path: str = DEFAULT_PATH
    name: str = ""
    profiles: dict[str, str] = field(default_factory=dict)  # server key -> profile name
    servers: list[ServerEntry] = field(default_factory=list)  # used before, newest first
    notifications: bool = True
    do_not_disturb: bool = False
    muted: list[str] = field(default_factory=list)  # conversations: "" everyone, else the room
    keep_in_tray: bool = False  # closing the window leaves the app in the tray (if any)
    theme: str = "system"  # one of THEMES
    language: str = ""  # one of LANGUAGES
    font_size: int = 0  # points, 0 = default
    format_messages: bool = True  # what the user writes is Markdown (protocol/markup.py)
    # "You connected with id : …" in Everyone, as the tutorial's page says it:
    # only on the tutorial's profile, and only when asked for (a developer's line).
    show_connection_id: bool = False
    geometry: str = ""  # QWidget.saveGeometry(), base64
    window_state: str = ""  # QMainWindow.saveState() (docks, toolbars), base64
    splitters: dict[str, str] = field(default_factory=dict)  # objectName: saveState(), base64
    # Why the file was not used, for the window to say; never saved.
    problem: str = field(default="", compare=False)

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        file = path or config_dir() / "settings.json"
        try:
            raw = json.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as exc:
            log.warning("ignoring unreadable settings %s: %s", file, exc)
            return cls(problem=f"{file}: {exc}")
        settings = cls()
        if not isinstance(raw, dict):
            settings.problem = f"{file}: not a JSON object"
            return settings
        wrong = []
        for key, check in _CHECKS.items():
            if key not in raw:
                continue
            value = check(raw[key])
            if value is None:
                wrong.append(key)
            else:
                setattr(settings, key, value)
        if wrong:
            log.warning("settings %s: ignored invalid %s", file, ", ".join(wrong))
            settings.problem = f"{file}: ignored invalid {', '.join(wrong)}"
        return settings

    def save(self, path: Path | None = None) -> None:
        file = path or config_dir() / "settings.json"
        data = asdict(self)
        data.pop("problem")
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
            tmp = file.with_suffix(".tmp")
            tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
            tmp.replace(file)
        except OSError as exc:
            log.warning("cannot save settings to %s: %s", file, exc)

    def remember_server(self, url: str, path: str, transport: str = "") -> None:
        """Put a server that worked first in `servers` (once) and make it the last used."""
        self.url, self.path = url, path
        if transport not in TRANSPORTS:
            transport = ""
        rest = [s for s in self.servers if (s.url, s.path) != (url, path)]
        self.servers = [ServerEntry(url, path, transport), *rest][:MAX_SERVERS]


_CHECKS: dict[str, Any] = {
    "url": _text,
    "path": _text,
    "name": _text,
    "profiles": _profiles,
    "servers": _servers,
    "notifications": _flag,
    "do_not_disturb": _flag,
    "muted": _rooms,
    "keep_in_tray": _flag,
    "theme": _choice(THEMES),
    "language": _choice(LANGUAGES),
    "font_size": _font_size,
    "format_messages": _flag,
    "show_connection_id": _flag,
    "geometry": _base64,
    "window_state": _base64,
    "splitters": _splitters,
}
assert set(_CHECKS) == {f.name for f in fields(Settings)} - {"problem"}
