"""A colour emoji font where the system lacks one, loaded by the first message
that needs it (#25): checked in a child pytest whose fontconfig hides the
system's colour emoji font (the font database is made once per process)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication

from desktop_chat.ui.emoji_font import (
    BUNDLED_FONT,
    COLOR_EMOJI_FAMILIES,
    SYSTEM_FONTS,
    load_emoji_font,
    loaded_emoji_family,
    with_emoji_fallback,
)

ROOT = Path(__file__).resolve().parents[2]

HIDING = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="no">/etc/fonts/fonts.conf</include>
  <selectfont><rejectfont>
    <glob>*/NotoColorEmoji*</glob>
    {families}
  </rejectfont></selectfont>
  <cachedir>{cache}</cachedir>
</fontconfig>
"""


def test_with_no_system_emoji_font_the_first_emoji_message_loads_one(tmp_path: Path) -> None:
    if not any(path.is_file() for path in (BUNDLED_FONT, *SYSTEM_FONTS)):
        message = "no NotoColorEmoji.ttf (apt install fonts-noto-color-emoji)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    others = "\n    ".join(
        f'<pattern><patelt name="family"><string>{family}</string></patelt></pattern>'
        for family in COLOR_EMOJI_FAMILIES[1:]
    )
    conf = tmp_path / "fonts.conf"
    conf.write_text(HIDING.format(families=others, cache=tmp_path / "cache"))
    env = {**os.environ, "FONTCONFIG_FILE": str(conf), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
            "tests/ui/emoji_font_hidden.py",
        ],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "1 passed" in result.stdout


def test_the_fallback_leaves_plain_text_as_it_was(qapp: Any) -> None:
    """Letters, spaces and digits keep the text's own font: only what it lacks
    comes from the emoji font (an alias family skipped made the emoji font
    the first, with wide spaces and keycap digits)."""
    if load_emoji_font() is None:
        message = "no colour emoji font on this system"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    font = QApplication.font()
    fallback = with_emoji_fallback(font)
    assert fallback.families()[-1] == loaded_emoji_family()
    text = "I'll try it on the old laptop after lunch (132)"
    assert QFontMetrics(fallback).horizontalAdvance(text) == QFontMetrics(font).horizontalAdvance(
        text
    )
