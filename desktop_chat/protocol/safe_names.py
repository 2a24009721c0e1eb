"""File names from other people, made safe to save (issue #21).

A sender names its file as it likes (the server keeps the name as given); a
receiver saves it only under a name from `safe_file_name`, at a path from
`unique_path`. What is refused, and why:

- path separators and `..`: the file would land outside the chosen folder;
- control and format characters (bidi overrides U+202A-202E, isolates
  U+2066-2069, marks U+200E/F, U+061C, zero widths): `invoice\\u202Egnp.exe`
  shows as "invoiceexe.png" while it is an `.exe`;
- a leading dot: a hidden file (`.bashrc`);
- Windows device names (CON, PRN, AUX, NUL, COM1-9, LPT1-9, with any
  extension): opening `CON.txt` there opens the console, not a file;
- trailing dots and spaces, which Windows drops (`a.exe.` is `a.exe`);
- names longer than file systems take (255 bytes): capped at 200 bytes of
  UTF-8, the extension kept.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

MAX_NAME_BYTES = 200
MAX_EXTENSION_CHARS = 16  # a longer "extension" is part of the name
FALLBACK = "file"

# Categories removed: controls, formats (bidi, zero widths), surrogates, line
# and paragraph separators, unassigned and private-use code points.
_REMOVED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_REPLACED = re.compile(r'[<>:"|?*]')  # not allowed on Windows; ":" opens a stream there
_SEPARATORS = re.compile(r"[/\\]+")
_DEVICES = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{kind}{n}" for kind in ("COM", "LPT") for n in (*"123456789", "¹", "²", "³")}
)


def is_device_name(name: str) -> bool:
    """A name Windows takes for a device, whatever follows its first dot."""
    return name.split(".", 1)[0].rstrip(" ").upper() in _DEVICES


def _visible(text: str) -> str:
    return "".join(
        " " if ch in "\t\n\r" else ch
        for ch in text
        if ch in "\t\n\r" or unicodedata.category(ch) not in _REMOVED_CATEGORIES
    )


def _split(name: str) -> tuple[str, str]:
    """(stem, extension with its dot); a leading dot is no extension."""
    at = name.rfind(".")
    if at <= 0 or len(name) - at > MAX_EXTENSION_CHARS + 1:
        return name, ""
    return name[:at], name[at:]


def _cap(name: str, limit: int) -> str:
    if len(name.encode("utf-8")) <= limit:
        return name
    stem, ext = _split(name)
    room = limit - len(ext.encode("utf-8"))
    encoded = stem.encode("utf-8")[:room]
    return encoded.decode("utf-8", "ignore").rstrip(". ") + ext


def _tidy(name: str) -> str:
    return name.lstrip(". ").rstrip(". ")


def safe_file_name(name: str) -> str:
    """`name` as a single, visible, ordinary file name in any folder."""
    name = unicodedata.normalize("NFC", _visible(name))
    # Separators: keep what is a name (no empty, "." or ".." parts), joined.
    parts = [p for p in _SEPARATORS.split(name) if p.strip(" .")]
    name = _REPLACED.sub("_", "_".join(parts))
    name = _tidy(_cap(_tidy(name), MAX_NAME_BYTES - 1))  # room for a "_" below
    if not name:
        return FALLBACK
    if is_device_name(name):
        name = "_" + name
    return name


def unique_path(folder: Path, name: str, *, limit: int = 10_000) -> Path:
    """A new, empty file in `folder` named `name`, else "name (1).ext", ...

    Made with O_EXCL, so it never replaces a file and two downloads of the
    same name never take the same path; the caller replaces it (os.replace)
    with the finished download. `name` must be safe already.
    """
    stem, ext = _split(name)
    for n in range(limit):
        candidate = name if n == 0 else f"{stem} ({n}){ext}"
        path = folder / candidate
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            continue
        os.close(fd)
        return path
    raise FileExistsError(f"{limit} files named like {name!r} in {folder}")
