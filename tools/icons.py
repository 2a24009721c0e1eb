"""The menu icon in the sizes desktops ask for: `python -m tools.icons`.

Made from resources/desktop-chat.png (256 px) with Qt's smooth scaling into
resources/icons/hicolor/NxN/apps/desktop-chat.png, which build.spec
installs under share/icons. Committed, so building needs no display.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "resources" / "desktop-chat.png"
SIZES = (16, 32, 48, 64, 128, 256)


def icon_file(size: int, root: Path = ROOT) -> Path:
    return root / "resources" / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "desktop-chat.png"


def make(root: Path = ROOT) -> list[Path]:
    image = QImage(str(SOURCE))
    if image.isNull():
        raise SystemExit(f"cannot read {SOURCE}")
    made = []
    for size in SIZES:
        target = icon_file(size, root)
        target.parent.mkdir(parents=True, exist_ok=True)
        scaled = image.scaled(
            size, size, Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )  # fmt: skip
        if not scaled.save(str(target), "PNG"):
            raise SystemExit(f"cannot write {target}")
        made.append(target)
    return made


if __name__ == "__main__":
    for path in make():
        print(path.relative_to(ROOT))
