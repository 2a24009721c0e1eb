"""The words of files and images (issue #21): refusals, failures, sizes, types.

Codes come from the client (`FileRefused`, `TransferUpdate.code`) and the
server (docs/protocol.md, "Files"); the words are made here, in the user's
language, so that every line a user reads about a file is in both .ts files.
A code nobody worded yet is still said, with the code, never dropped.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLocale, QMimeDatabase

from desktop_chat.protocol.messages import TransferState, TransferUpdate, display_text
from desktop_chat.ui.tr import fill

translate = QCoreApplication.translate

_MB = 1_000_000

# Why a transfer failed, by code (the server's and the client's).
_FAILURES = {
    "too-large": QT_TRANSLATE_NOOP("Files", "the file is larger than this server takes"),
    "hash-mismatch": QT_TRANSLATE_NOOP(
        "Files", "the file that arrived is not the one that was sent (its checksum differs)"
    ),
    "not-in-room": QT_TRANSLATE_NOOP("Files", "you are not in this room"),
    "not-yours": QT_TRANSLATE_NOOP("Files", "the file belongs to someone else"),
    "no-such-file": QT_TRANSLATE_NOOP("Files", "the server no longer has this file"),
    "no-such-upload": QT_TRANSLATE_NOOP("Files", "the server no longer has this upload"),
    "rate": QT_TRANSLATE_NOOP("Files", "too many files at once; try again in a moment"),
    "unavailable": QT_TRANSLATE_NOOP("Files", "the server cannot store files right now"),
    "unauthorized": QT_TRANSLATE_NOOP("Files", "the server did not accept the token"),
    "bad-ticket": QT_TRANSLATE_NOOP("Files", "the server did not accept the permission"),
    "ticket-expired": QT_TRANSLATE_NOOP("Files", "the permission expired"),
    "unreadable": QT_TRANSLATE_NOOP("Files", "the file cannot be read"),
    "failed": QT_TRANSLATE_NOOP("Files", "the server could not be reached"),
    "no-files": QT_TRANSLATE_NOOP("Files", "this server takes no files"),
    "disk": QT_TRANSLATE_NOOP("Files", "the file could not be written to the disk"),
    "unwritable": QT_TRANSLATE_NOOP("Files", "the file could not be saved in that folder"),
    "unreachable": QT_TRANSLATE_NOOP("Files", "the server could not be reached"),
    "changed": QT_TRANSLATE_NOOP("Files", "the file changed on the disk before it was sent"),
    "cancelled": QT_TRANSLATE_NOOP("Files", "cancelled"),
}


def size_text(size: int) -> str:
    """A size in the units people read (1.2 MB), in the user's locale."""
    return QLocale().formattedDataSize(size, 1, QLocale.DataSizeFormat.DataSizeSIFormat)


def type_text(mime: str) -> str:
    """What kind of file a MIME type is ("PDF document"), or the type itself."""
    found = QMimeDatabase().mimeTypeForName(mime)
    comment = found.comment() if found.isValid() and not found.isDefault() else ""
    return display_text(comment or mime or "application/octet-stream")


def refusal_text(code: str, max_bytes: int = 0, detail: str = "") -> str:
    """Why a file was not taken to be sent (the client's `FileRefused` code;
    `not-stored` comes with the window's own words as its detail)."""
    if code == "not-stored" and detail:
        return detail
    if code == "too-large" and max_bytes > 0:
        return fill(
            translate("Files", "This file is too large: this server takes files up to %1 MB."),
            f"{max_bytes / _MB:.0f}" if max_bytes >= _MB else f"{max_bytes / _MB:.2f}",
        )
    if code == "unreadable":
        return translate(
            "Files", "This file cannot be read (it is missing, a folder, or not yours)."
        )
    if code == "no-files":
        return no_files_text()
    if code == "empty":
        return translate("Files", "This file is empty.")
    known = _FAILURES.get(code)
    if known:
        return translate("Files", str(known))
    return fill(translate("Files", "This file cannot be sent (%1)."), code)


def failure_text(code: str, detail: str = "", upload: bool = True) -> str:
    """Why a transfer failed: the window's words for the code, then the server's own."""
    known = _FAILURES.get(code)
    why = translate("Files", str(known)) if known else fill(translate("Files", "error %1"), code)
    if detail and not known:
        why += " — " + display_text(detail[:200])
    if upload:
        return fill(translate("Files", "Upload failed: %1"), why)
    return fill(translate("Files", "Download failed: %1"), why)


def no_files_text() -> str:
    """Why there is nothing to attach files with here (tutorial server, a profile)."""
    return translate("Files", "This server cannot carry files: only text can be sent here.")


def not_sent_text(name: str, why: str) -> str:
    """A file that was not sent: its name (a stranger's text, made visible) and why."""
    return fill(translate("Files", "%1 was not sent: %2"), display_text(name), why)


def progress_text(transfer: TransferUpdate | None) -> str:
    """How far a transfer is, in words (a row's accessible description)."""
    if transfer is None or transfer.state is not TransferState.RUNNING or transfer.total <= 0:
        return ""
    percent = min(100, transfer.done * 100 // transfer.total)
    if transfer.upload:
        return fill(translate("Files", "uploading, %1 %"), percent)
    return fill(translate("Files", "downloading, %1 %"), percent)


def pasted_image_name(when: float | None = None) -> str:
    """The name of an image pasted from the clipboard, as saved and sent."""
    local = time.localtime(time.time() if when is None else when)
    stamp = time.strftime("%Y-%m-%d %H.%M", local)
    return fill(translate("Files", "Pasted image %1"), stamp) + ".png"
