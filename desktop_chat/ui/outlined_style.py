"""Fusion with control outlines one can see (WCAG 1.4.11: 3:1 for the edge
of a text field or an unchecked check box against what is around it).

Fusion derives its outlines from the window colour (`window.darker(140)`):
on our dark palette that is the colour of a text field's own background, so
unchecked check boxes and text fields had no visible edge; on the light one
it is 2:1. This proxy draws Fusion's control, then its edge again in
`outline`, a colour chosen from the palette to reach 3:1 on both the window
and the base.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QProxyStyle, QStyle, QStyleOption, QWidget

from desktop_chat.ui.contrast import contrast_ratio

MIN_OUTLINE = 3.0

_EDGED = (
    QStyle.PrimitiveElement.PE_FrameLineEdit,
    QStyle.PrimitiveElement.PE_IndicatorCheckBox,
    QStyle.PrimitiveElement.PE_IndicatorRadioButton,
)


def outline_color(palette: QPalette) -> QColor:
    """The palette's text colour blended toward its window until the edge is
    still 3:1 on both the window and the base, but no louder than needed."""
    window = palette.color(QPalette.ColorRole.Window)
    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    best = QColor(text)
    for step in range(20, -1, -1):  # from the window's colour toward the text's
        mix = step / 20
        color = QColor.fromRgbF(
            window.redF() * mix + text.redF() * (1 - mix),
            window.greenF() * mix + text.greenF() * (1 - mix),
            window.blueF() * mix + text.blueF() * (1 - mix),
        )
        if min(contrast_ratio(color, window), contrast_ratio(color, base)) >= MIN_OUTLINE:
            best = color
            break
    return best


class OutlinedStyle(QProxyStyle):
    def __init__(self, base: QStyle, palette: QPalette) -> None:
        super().__init__(base)
        self.outline = outline_color(palette)

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if element not in _EDGED:
            return
        if not option.state & QStyle.StateFlag.State_Enabled:
            return  # a disabled control keeps Fusion's faint edge
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(self.outline, 1))
        painter.setBrush(QColor(0, 0, 0, 0))
        rect = QRectF(option.rect).adjusted(0.5, 0.5, -0.5, -0.5)
        if element is QStyle.PrimitiveElement.PE_IndicatorRadioButton:
            painter.drawEllipse(rect)
        else:
            painter.drawRoundedRect(rect, 2, 2)
        painter.restore()
