"""The image viewer: one decoded image, fit to the window or zoomed.

It is given a QImage already decoded with limits (ui/images.py, on a worker
thread) and makes the QPixmap here, on the GUI thread. The caption is the
file name a stranger chose, shown as plain text. Opened with `open()`
(never `exec()`: a nested loop inside a qasync task fails); Esc closes it.

Fit shows the whole image, shrunk when it is larger than the window, never
enlarged past 1:1 (a small image stays sharp); it holds while the window
is resized, until the user zooms.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import (
    QGuiApplication,
    QImage,
    QKeySequence,
    QPainter,
    QPixmap,
    QResizeEvent,
    QShortcut,
    QShowEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QDialog,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

ZOOM_STEP = 1.25
MIN_SCALE = 0.02
MAX_SCALE = 32.0


class ImageViewer(QDialog):
    def __init__(self, image: QImage, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("imageViewer")
        self._caption = caption
        self._fitting = True
        self._scale = 1.0

        self.scene = QGraphicsScene(self)
        self.item = QGraphicsPixmapItem(QPixmap.fromImage(image))
        self.item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.scene.addItem(self.item)
        self.view = QGraphicsView(self.scene, self)
        self.view.setObjectName("viewerImage")
        self.view.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.view.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.view.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.view.viewport().installEventFilter(self)

        self.caption_label = QLabel(self)
        self.caption_label.setObjectName("viewerCaption")
        self.caption_label.setTextFormat(Qt.TextFormat.PlainText)
        self.caption_label.setText(caption)
        self.caption_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.zoom_label = QLabel(self)
        self.zoom_label.setObjectName("viewerZoom")
        self.zoom_label.setTextFormat(Qt.TextFormat.PlainText)
        self.fit_button = self._button("viewerFit", self.fit)
        self.actual_button = self._button("viewerActualSize", self.actual_size)
        self.zoom_out_button = self._button("viewerZoomOut", self.zoom_out)
        self.zoom_in_button = self._button("viewerZoomIn", self.zoom_in)

        bar = QHBoxLayout()
        bar.addWidget(self.caption_label, 1)
        bar.addWidget(self.zoom_label)
        for button in (self.zoom_out_button, self.zoom_in_button,
                       self.fit_button, self.actual_button):  # fmt: skip
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(bar)

        keys: list[tuple[QKeySequence | str, object]] = [
            (QKeySequence(QKeySequence.StandardKey.ZoomIn), self.zoom_in),
            (QKeySequence(QKeySequence.StandardKey.ZoomOut), self.zoom_out),
            ("+", self.zoom_in), ("=", self.zoom_in), ("-", self.zoom_out),
            ("Ctrl+=", self.zoom_in), ("Ctrl+0", self.fit), ("Ctrl+1", self.actual_size),
        ]  # fmt: skip
        for key, slot in keys:
            QShortcut(QKeySequence(key), self, slot)  # type: ignore[call-overload]

        self._size_to_screen()
        self.retranslateUi()

    def _button(self, name: str, slot: object) -> QPushButton:
        button = QPushButton(self)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    def _size_to_screen(self) -> None:
        """As large as the image needs, within the screen's free area."""
        parent = self.parentWidget()
        screen = parent.screen() if parent is not None else QGuiApplication.primaryScreen()
        available = screen.availableGeometry()
        self.setMaximumSize(available.size())
        # Room for the window frame, which the size set here does not include.
        room = available.size() * 0.92
        wanted = self.item.pixmap().size() + self.minimumSizeHint()
        self.resize(wanted.expandedTo(self.minimumSizeHint()).boundedTo(room))

    # The scale

    def scale(self) -> float:
        return self._scale

    def is_fitting(self) -> bool:
        return self._fitting

    def fit_scale(self) -> float:
        """The scale at which the whole image shows, at most 1:1."""
        pixmap = self.item.pixmap()
        if pixmap.isNull() or pixmap.width() == 0 or pixmap.height() == 0:
            return 1.0
        area = self.view.viewport().size()
        # A pixel of slack, so no scroll bar appears for the image that just fits.
        ratio = min((area.width() - 2) / pixmap.width(), (area.height() - 2) / pixmap.height())
        return max(MIN_SCALE, min(1.0, ratio))

    def _apply(self, scale: float) -> None:
        self._scale = max(MIN_SCALE, min(MAX_SCALE, scale))
        self.view.resetTransform()
        self.view.scale(self._scale, self._scale)
        self.zoom_label.setText(f"{round(self._scale * 100)} %")

    def fit(self) -> None:
        self._fitting = True
        self._apply(self.fit_scale())
        self.view.centerOn(self.item)

    def actual_size(self) -> None:
        self._fitting = False
        self._apply(1.0)

    def zoom_in(self) -> None:
        self._fitting = False
        self._apply(self._scale * ZOOM_STEP)

    def zoom_out(self) -> None:
        self._fitting = False
        self._apply(self._scale / ZOOM_STEP)

    # Events

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view.viewport() and event.type() == QEvent.Type.Wheel:
            assert isinstance(event, QWheelEvent)
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                steps = event.angleDelta().y()
                if steps > 0:
                    self.zoom_in()
                elif steps < 0:
                    self.zoom_out()
                return True
        return super().eventFilter(watched, event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._fitting:
            self.fit()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._fitting:
            self.fit()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        super().changeEvent(event)

    def retranslateUi(self) -> None:
        # The file name is a stranger's text: a window title is never rich text.
        self.setWindowTitle(self._caption or self.tr("Image"))
        self.view.setAccessibleName(self.tr("Image"))
        self.fit_button.setText(self.tr("Fit"))
        self.fit_button.setToolTip(self.tr("Fit the image to the window (Ctrl+0)"))
        self.actual_button.setText(self.tr("1:1"))
        self.actual_button.setToolTip(self.tr("Actual size (Ctrl+1)"))
        self.zoom_in_button.setText(self.tr("Zoom in"))
        self.zoom_in_button.setToolTip(self.tr("Zoom in (+, Ctrl+wheel)"))
        self.zoom_out_button.setText(self.tr("Zoom out"))
        self.zoom_out_button.setToolTip(self.tr("Zoom out (-, Ctrl+wheel)"))
