"""Keep the translations in step with the source: `python -m tools.i18n [update|release|all]`.

update   pyside6-lupdate: every tr()/translate() string in desktop_chat/ui and
         desktop_chat/app into desktop_chat/resources/i18n/desktop_chat_{en,ko}.ts
         (existing translations are kept; strings no longer in the source are dropped)
release  pyside6-lrelease: the .ts files into the .qm files the app loads
         (committed, so that `pip install .` carries them without Qt's tools)

Then translate what is new in Qt Linguist (`pyside6-linguist FILE.ts`) or in
the XML itself; tests/desktop/test_translations.py fails on anything left.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
I18N = ROOT / "desktop_chat" / "resources" / "i18n"
LANGUAGES = ("en", "ko")


def tool(name: str) -> str:
    """A Qt tool next to this Python (the venv's PySide6), else on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found: pip install PySide6-Essentials")
    return found


def sources() -> list[str]:
    folders = (ROOT / "desktop_chat" / "ui", ROOT / "desktop_chat" / "app")
    return sorted(str(p.relative_to(ROOT)) for folder in folders for p in folder.glob("*.py"))


def ts_file(language: str) -> Path:
    return I18N / f"desktop_chat_{language}.ts"


def lupdate(targets: list[Path], *, keep_obsolete: bool = False) -> str:
    args = [tool("pyside6-lupdate"), *sources(), "-locations", "none"]
    if not keep_obsolete:
        args.append("-no-obsolete")
    result = subprocess.run(
        [*args, "-ts", *map(str, targets)],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return result.stdout + result.stderr


def lrelease() -> None:
    for language in LANGUAGES:
        subprocess.run(
            [tool("pyside6-lrelease"), str(ts_file(language)), "-qm",
             str(I18N / f"desktop_chat_{language}.qm")],
            check=True, capture_output=True,
        )  # fmt: skip


def main(argv: list[str]) -> int:
    what = argv[0] if argv else "all"
    if what in ("update", "all"):
        print(lupdate([ts_file(language) for language in LANGUAGES]))
    if what in ("release", "all"):
        lrelease()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
