"""Untrusted text in places where Qt would guess at rich text.

A tooltip is drawn as HTML when Qt's `mightBeRichText` thinks it looks like
markup, so a server's `<img src=…>` in a name or a packet would be rendered.
Wrapped here as escaped rich text, it is shown as the characters it is.
"""

from __future__ import annotations

import html


def plain_tooltip(text: str) -> str:
    """A tooltip that shows `text` literally (line breaks kept), or "" for none."""
    if not text:
        return ""
    return f"<qt><p style='white-space:pre-wrap'>{html.escape(text)}</p></qt>"
