"""A message row as a screen reader reads it (the model's accessible roles).

Qt's item views hand `Qt.AccessibleTextRole` and
`Qt.AccessibleDescriptionRole` to the screen reader as the row's name and
description; the painted row has no text of its own for it to read.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QDateTime, QLocale

from desktop_chat.protocol.messages import DeliveryState, Kind, Message, display_text
from desktop_chat.ui.file_words import size_text
from desktop_chat.ui.tr import fill

translate = QCoreApplication.translate


def _state(message: Message) -> str:
    state = message.state
    if state is DeliveryState.PENDING:
        return translate("Accessibility", "waiting to be sent")
    if state is DeliveryState.SENT:
        return translate("Accessibility", "sent")
    if state is DeliveryState.DELIVERED:
        return translate("Accessibility", "delivered")
    if state is DeliveryState.FAILED:
        if not message.error:  # no words from the server (the client's reason is a line)
            return translate("Accessibility", "not sent")
        return fill(translate("Accessibility", "not sent: %1"), message.error)
    if state is DeliveryState.DISCARDED:
        return translate("Accessibility", "discarded")
    return ""


def accessible_text(message: Message) -> str:
    """Who, where, and the text."""
    if message.kind is Kind.SYSTEM:
        return fill(translate("Accessibility", "Notice: %1"), message.text)
    who = (
        translate("Accessibility", "You")
        if message.kind is Kind.OWN
        else (message.sender or translate("Accessibility", "Someone"))
    )
    if message.room:
        who = fill(translate("Accessibility", "%1 in #%2"), who, message.room)
    if message.attachment is not None and not message.deleted:
        attachment = message.attachment
        described = fill(
            translate("Accessibility", "file %1, %2"),
            display_text(attachment.name),
            size_text(attachment.size),
        )
        return f"{who}: {described}" + (f". {message.text}" if message.text else "")
    return f"{who}: {message.text}"


def accessible_description(message: Message) -> str:
    """When, in the user's language, and where our own message is on its way."""
    when = QLocale().toString(
        QDateTime.fromMSecsSinceEpoch(int(message.ts * 1000)), QLocale.FormatType.ShortFormat
    )
    state = _state(message)
    return f"{when}, {state}" if state else when
