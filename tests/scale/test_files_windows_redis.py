"""Files with two real windows on two server processes that share one Redis
and one files folder (issue #21, docs/deploy.md): an image with a caption
and a file sent from the window on one process are shown, with the
thumbnail, in the window on the other, which downloads the file with the
right bytes and opens the image."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop_chat.protocol.messages import DeliveryState
from desktop_chat.ui.file_card import VIEW
from tests.scale.cluster import ServerProcess
from tests.ui.conftest import open_window, wait_connected  # noqa: F401
from tests.ui.test_files_rows import png
from tests.ui.test_files_window import arrived, with_file

Start = Callable[..., list[ServerProcess]]


def test_an_image_and_a_file_cross_processes(
    qtbot: Any,
    open_window: Any,  # noqa: F811
    servers: Start,
    tmp_path: Path,
) -> None:
    shared = tmp_path / "shared-files"
    first, second = servers(2, "--files-dir", str(shared))
    alice, bob = open_window(first.url, "alice"), open_window(second.url, "bob")
    for s in (alice, bob):
        wait_connected(qtbot, s)
        qtbot.waitUntil(lambda s=s: s.bridge.files_supported() is True, timeout=10_000)
    photo, report = tmp_path / "photo.png", tmp_path / "report.pdf"
    photo.write_bytes(png(320, 200, "#2a9d8f"))
    payload = b"%PDF-1.4 " + os.urandom(150_000)
    report.write_bytes(payload)
    alice.window.message_input.setPlainText("the site, and the plan")
    alice.window.files.attach([str(photo), str(report)])

    image, document = arrived(qtbot, bob, "photo.png"), arrived(qtbot, bob, "report.pdf")
    assert image.text == "the site, and the plan" and document.text == ""
    # The thumbnail alice's window made, uploaded to process 1, fetched from process 2.
    qtbot.waitUntil(lambda: bob.model.file_view(image.id).thumbnail is not None, timeout=15_000)
    mine = with_file(alice, "report.pdf")
    assert mine is not None
    qtbot.waitUntil(
        lambda: (
            alice.model.get(mine.id).state  # type: ignore[union-attr]
            is DeliveryState.DELIVERED
        ),
        timeout=15_000,
    )

    folder = tmp_path / "downloads"
    folder.mkdir()
    bob.window.files.download(document, str(folder))
    qtbot.waitUntil(
        lambda: (folder / "report.pdf").is_file() and bob.model.file_view(document.id).saved != "",
        timeout=15_000,
    )
    assert (folder / "report.pdf").read_bytes() == payload
    # The full image, into the client's cache, for the viewer.
    bob.window.files.act(image, VIEW)
    qtbot.waitUntil(lambda: bob.window.files.viewer is not None, timeout=15_000)
    viewer = bob.window.files.viewer
    assert viewer is not None and viewer.isVisible()
    assert viewer.item.pixmap().width() == 320  # the whole image, not the thumbnail
    viewer.close()
