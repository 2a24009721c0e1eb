"""The Linux desktop files: valid for Debian's validators, consistent with
each other, icons in every size, and carried by a wheel and the bundle."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from tests.helpers import unavailable
from tools import icons
from tools.i18n import I18N

ROOT = Path(__file__).resolve().parents[2]
DESKTOP = ROOT / "resources" / "desktop-chat.desktop"
APPSTREAM_ID = "io.github.desktop_chat"
METAINFO = ROOT / "resources" / f"{APPSTREAM_ID}.metainfo.xml"


def run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    path = shutil.which(tool)
    if path is None:
        unavailable(f"{tool} is not installed (.ci/run installs it)")
    return subprocess.run([path, *args], capture_output=True, text=True, timeout=60, check=False)


def test_the_desktop_file_is_valid() -> None:
    result = run("desktop-file-validate", str(DESKTOP))
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_the_appstream_metadata_is_valid() -> None:
    result = run("appstreamcli", "validate", "--no-net", str(METAINFO))
    assert result.returncode == 0, result.stdout + result.stderr
    # Only notes from validators newer or older than ours, no warnings or errors.
    assert not [line for line in result.stdout.splitlines() if line[:2] in ("W:", "E:")]


def test_the_ids_agree() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment, method-assign]
    entry.read(DESKTOP, encoding="utf-8")
    section = entry["Desktop Entry"]
    component = ET.parse(METAINFO).getroot()
    assert component.findtext("id") == APPSTREAM_ID == section["X-AppStream-Id"]
    assert component.findtext("launchable") == DESKTOP.name
    assert section["Icon"] == "desktop-chat" and section["Exec"].split()[0] == "desktop-chat"
    from desktop_chat import __version__

    assert component.find("releases/release").get("version") == __version__  # type: ignore[union-attr]
    spec = (ROOT / "build.spec").read_text(encoding="utf-8")
    assert f'APPSTREAM_ID = "{APPSTREAM_ID}"' in spec


@pytest.mark.parametrize("size", icons.SIZES)
def test_an_icon_in_each_size(size: int) -> None:
    image = QImage(str(icons.icon_file(size)))
    assert (image.width(), image.height()) == (size, size)
    assert image.hasAlphaChannel()


def test_the_icons_are_made_from_the_source_icon(tmp_path: Path) -> None:
    """tools/icons.py gives the committed files again (no stale size)."""
    (tmp_path / "resources").mkdir()
    made = icons.make(tmp_path)
    for path in made:
        size = int(path.parent.parent.name.split("x")[0])
        fresh, committed = QImage(str(path)), QImage(str(icons.icon_file(size)))
        assert fresh == committed, f"run python -m tools.icons ({size} px differs)"


def test_an_install_carries_the_translations(tmp_path: Path) -> None:
    """`pip install .` needs no Qt tools: the .qm files are package data.
    (setuptools' build_py on a copy of the project: what a wheel would hold.)"""
    project = tmp_path / "project"
    project.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, project / name)
    shutil.copytree(ROOT / "desktop_chat", project / "desktop_chat",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    built = tmp_path / "built"
    result = subprocess.run(
        [sys.executable, "-c", "from setuptools import setup; setup()", "-q", "build_py",
         "-d", str(built)],
        cwd=project, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for qm in sorted(I18N.glob("*.qm")):
        assert (built / "desktop_chat" / "resources" / "i18n" / qm.name).is_file(), qm.name
    assert (built / "desktop_chat" / "resources" / "desktop-chat.png").is_file()
