"""What the app remembers between runs: the last server, the user's name,
and the profile chosen for each server.

A small JSON file in the user's config directory; a missing or damaged
file means defaults, never a crash at start.
"""

from __future__ import annotations

import getpass
import json
import logging
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

import platformdirs

from desktop_chat.protocol.urls import DEFAULT_PATH

log = logging.getLogger(__name__)


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir("desktop-chat", appauthor=False))


def default_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return os.environ.get("USER", "") or "me"


@dataclass(slots=True)
class Settings:
    url: str = ""  # the last server used; "" until one worked
    path: str = DEFAULT_PATH
    name: str = ""
    profiles: dict[str, str] = field(default_factory=dict)  # server key -> profile name

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        file = path or config_dir() / "settings.json"
        try:
            raw = json.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as exc:
            log.warning("ignoring unreadable settings %s: %s", file, exc)
            return cls()
        settings = cls()
        if isinstance(raw, dict):
            for key in ("url", "path", "name"):
                if isinstance(raw.get(key), str):
                    setattr(settings, key, raw[key])
            profiles = raw.get("profiles")
            if isinstance(profiles, dict):
                settings.profiles = {
                    k: v for k, v in profiles.items() if isinstance(k, str) and isinstance(v, str)
                }
        return settings

    def save(self, path: Path | None = None) -> None:
        file = path or config_dir() / "settings.json"
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
            tmp = file.with_suffix(".tmp")
            tmp.write_text(json.dumps(asdict(self), indent=2), encoding="utf-8")
            tmp.replace(file)
        except OSError as exc:
            log.warning("cannot save settings to %s: %s", file, exc)
