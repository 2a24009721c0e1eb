"""Files the app loads at run time, found the same way installed, in a
source checkout, and inside a PyInstaller bundle (which collects this
folder as data)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def resource_path(name: str) -> Path:
    return Path(str(resources.files(__name__).joinpath(name)))


def icon_path() -> Path:
    return resource_path("desktop-chat.png")
