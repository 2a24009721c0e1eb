"""What the user does with files in the window (issue #21's window side).

Attaching (the paperclip button and its file dialog, files dropped on the
conversation or the message box, an image pasted into the box), and what a
line's file offers (Download, Save as…, Open, Show in folder, Cancel,
Retry, the image viewer), from its buttons in the row and from the line's
menu alike. Apart from the window (ui/main_window.py) as `LineActions` is:
it has state of its own (whether the server takes files, where each
download went, the dialogs) and emits intents; the session
(app/file_link.py) does them through the bridge. Nothing here touches a
client, reads a file or decodes an image.

The dialogs are opened with `open()` (never `exec()`: a nested loop in a
qasync task fails) and kept as attributes (`file_dialog`, `folder_dialog`),
which is also where tests choose files without a display.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QDropEvent, QImage
from PySide6.QtWidgets import QFileDialog, QLabel, QMenu, QStatusBar, QToolButton, QWidget

from desktop_chat.protocol.messages import DeliveryState, Message, TransferState, display_text
from desktop_chat.ui.conversation_view import ConversationView
from desktop_chat.ui.emoji_font import emoji_font
from desktop_chat.ui.file_card import (
    CANCEL,
    DOWNLOAD,
    FOLDER,
    OPEN,
    RETRY,
    VIEW,
    button_label,
    fetchable,
)
from desktop_chat.ui.file_words import no_files_text
from desktop_chat.ui.image_viewer import ImageViewer
from desktop_chat.ui.message_input import MessageInput
from desktop_chat.ui.message_model import MessageModel
from desktop_chat.ui.tr import fill

_DROP_STYLE = "QListView#messageList { border: 2px dashed palette(highlight); }"


def local_files(urls: list[QUrl]) -> list[str]:
    """The local files among dropped or pasted URLs (a web address is not a file)."""
    return [url.toLocalFile() for url in urls if url.isLocalFile() and url.toLocalFile()]


def downloads_folder() -> Path:
    """The user's Downloads folder (made when missing), where Download saves."""
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DownloadLocation)
    folder = Path(location) if location else Path.home() / "Downloads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class FileActions(QObject):
    """Attach, drop, paste; download, open, cancel, retry, view. Intents out as signals."""

    attach_requested = Signal(list, str, str)  # paths (list[str]), caption, room
    image_pasted = Signal(QImage, str, str)  # the image, caption, room
    download_requested = Signal(object, str)  # the Message, the folder to save in
    view_requested = Signal(object)  # the Message of an image to open in the viewer
    cancel_requested = Signal(str)  # the id of a line whose transfer to stop
    retry_requested = Signal(str)  # the id of a line of ours whose file was not sent
    thumbnail_requested = Signal(object)  # the Message whose thumbnail to fetch

    def __init__(
        self,
        window: QWidget,
        message_input: MessageInput,
        message_list: ConversationView,
        model: Callable[[], MessageModel],
        status: Callable[[], QStatusBar],
        room: Callable[[], str],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._input = message_input
        self._list = message_list
        self._model = model  # the conversation shown
        self._status = status
        self._room = room
        # Whether the account shown's server takes files (None: not known yet).
        self.files_supported: bool | None = None
        self._account = ""
        self._said_no_files: set[str] = set()  # accounts told once why nothing attaches
        self._folders: dict[str, str] = {}  # line id -> where its download was asked to go
        self.file_dialog: QFileDialog | None = None  # made when first asked for
        self.folder_dialog: QFileDialog | None = None
        self._saving: Message | None = None  # the line "Save as…" asks a folder for
        self.viewer: ImageViewer | None = None  # the image opened last

        self.attach_button = QToolButton()
        self.attach_button.setObjectName("attachButton")
        self.attach_button.setText("📎")
        self.attach_button.setFont(emoji_font(self.attach_button.font(), 1.2))
        self.attach_button.setAutoRaise(True)
        self.attach_button.clicked.connect(self.choose_files)
        # Words about files beside the message box: a refusal, why nothing attaches.
        self.note = QLabel()
        self.note.setObjectName("fileNote")
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setWordWrap(True)
        self.note.setVisible(False)

        message_input.files_dropped.connect(self._dropped)
        message_input.image_pasted.connect(self._pasted)
        message_input.drag_hovered.connect(self._highlight)
        viewport = message_list.viewport()
        viewport.setAcceptDrops(True)
        viewport.installEventFilter(self)
        delegate = message_list.delegate
        delegate.file_action.connect(self.act)
        delegate.thumbnail_wanted.connect(
            self._thumbnail_wanted, Qt.ConnectionType.QueuedConnection
        )
        self.retranslate()

    def retranslate(self) -> None:
        self.attach_button.setToolTip(
            self.tr("Attach files (you can also drop files here or paste an image)")
        )
        self.attach_button.setAccessibleName(self.tr("Attach files"))

    # ---- what the session says --------------------------------------------------

    def set_files_supported(self, supported: bool | None, account: str = "") -> None:
        """Whether the server of the account shown takes files: the paperclip is
        hidden where it does not (a tutorial server, a profile's server)."""
        self.files_supported = supported
        self._account = account
        self.attach_button.setVisible(supported is not False)

    def say(self, text: str) -> None:
        """Words about files beside the message box (and in the status bar, briefly)."""
        self.note.setText(text)
        self.note.setVisible(bool(text))
        if text:
            self._status().showMessage(text, 10_000)

    def forget_note(self) -> None:
        self.note.clear()
        self.note.setVisible(False)

    # ---- attaching ----------------------------------------------------------------

    def choose_files(self) -> None:
        """The paperclip: a file dialog for one file or several."""
        if self.file_dialog is None:
            dialog = QFileDialog(self._window, self.tr("Attach files"))
            dialog.setObjectName("attachDialog")
            dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
            dialog.filesSelected.connect(self.attach)
            self.file_dialog = dialog
        self.file_dialog.open()

    def attach(self, paths: list[str]) -> bool:
        """Send these files to the conversation shown, the box's text as the first
        one's caption (the box is emptied; a refusal gives the text back).
        False (and said, once for the account) where the server takes no files."""
        if not paths:
            return False
        if not self._takes_files():
            return False
        self.forget_note()
        caption = self._take_caption()
        self.attach_requested.emit([str(p) for p in paths], caption, self._room())
        self._list.follow_newest()
        return True

    def _takes_files(self) -> bool:
        if self.files_supported is not False:
            return True
        if self._account not in self._said_no_files:
            self._said_no_files.add(self._account)
            self.say(no_files_text())
        return False

    def _take_caption(self) -> str:
        self._input.commit_preedit()
        caption = self._input.toPlainText()
        self._input.clear()
        return caption if caption.strip() else ""

    def _dropped(self, paths: list[str]) -> None:
        self._highlight(False)
        self.attach(paths)

    def _pasted(self, image: QImage) -> None:
        """An image from the clipboard: the session saves it as a PNG and sends it."""
        if image.isNull() or not self._takes_files():
            return
        self.forget_note()
        self.image_pasted.emit(image, self._take_caption(), self._room())
        self._list.follow_newest()

    def _highlight(self, on: bool) -> None:
        """Files held over the window: the list says it will take them."""
        self._list.setStyleSheet(_DROP_STYLE if on else "")
        if on and self.files_supported is not False:
            self._status().showMessage(self.tr("Drop the files to send them"), 3000)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Files dragged over the conversation: highlighted, and sent when dropped."""
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove) and isinstance(event, QDropEvent):
            data = event.mimeData()
            if data is not None and local_files(data.urls()):
                event.acceptProposedAction()
                self._highlight(True)
                return True
        elif kind == QEvent.Type.DragLeave:
            self._highlight(False)
        elif kind == QEvent.Type.Drop and isinstance(event, QDropEvent):
            data = event.mimeData()
            paths = local_files(data.urls()) if data is not None else []
            self._highlight(False)
            if paths:
                event.acceptProposedAction()
                self.attach(paths)
                return True
        return super().eventFilter(watched, event)

    # ---- a line's file ------------------------------------------------------------

    def act(self, message: Message, action: str) -> None:
        """A button of a line's file, or its menu entry."""
        if action == VIEW:
            self.view_requested.emit(message)
        elif action == DOWNLOAD:
            self.download(message, str(downloads_folder()))
        elif action == OPEN:
            self.open_saved(message)
        elif action == FOLDER:
            self.show_in_folder(message)
        elif action == CANCEL:
            self.cancel_requested.emit(message.id)
        elif action == RETRY:
            transfer = self._model().file_view(message.id).transfer
            if transfer is not None and not transfer.upload:
                self.download(message, self._folders.get(message.id) or str(downloads_folder()))
            else:
                self.retry_requested.emit(message.id)

    def download(self, message: Message, folder: str) -> None:
        self._folders[message.id] = folder
        self.download_requested.emit(message, folder)

    def save_as(self, message: Message) -> None:
        """Download into a folder the user chooses."""
        if self.folder_dialog is None:
            dialog = QFileDialog(self._window, self.tr("Save in folder"))
            dialog.setObjectName("saveFolderDialog")
            dialog.setFileMode(QFileDialog.FileMode.Directory)
            dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
            dialog.fileSelected.connect(self._folder_chosen)
            self.folder_dialog = dialog
        self._saving = message
        self.folder_dialog.setDirectory(self._folders.get(message.id) or str(downloads_folder()))
        self.folder_dialog.open()

    def _folder_chosen(self, folder: str) -> None:
        message, self._saving = self._saving, None
        if message is not None and folder:
            self.download(message, folder)

    def open_saved(self, message: Message) -> None:
        """Open a downloaded file with the desktop's handler: only on the user's click."""
        path = self._model().file_view(message.id).saved
        if path and Path(path).is_file():
            QDesktopServices.openUrl(QUrl.fromLocalFile(path))
        else:
            self.say(self.tr("The downloaded file is no longer there; download it again."))

    def show_in_folder(self, message: Message) -> None:
        path = self._model().file_view(message.id).saved
        if path:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(path).parent)))

    def _thumbnail_wanted(self, message: Message) -> None:
        model = self._model()
        if model.find(message.id) is None or model.file_view(message.id).thumbnail_state:
            return
        model.thumbnail_asked(message.id)
        self.thumbnail_requested.emit(message)

    def add_to_menu(self, menu: QMenu, message: Message) -> None:
        """Download, Save as…, Open, Show in folder, Cancel, Retry, as far as they apply."""
        attachment = message.attachment
        if attachment is None or message.deleted:
            return
        view = self._model().file_view(message.id)
        menu.addSeparator()
        transfer = view.transfer
        if transfer is not None and transfer.state is TransferState.RUNNING:
            entry = menu.addAction(button_label(CANCEL), partial(self.act, message, CANCEL))
            entry.setObjectName("cancelTransferAction")
            return
        if (transfer is not None and transfer.state is TransferState.FAILED) or (
            message.state is DeliveryState.FAILED
        ):
            entry = menu.addAction(button_label(RETRY), partial(self.act, message, RETRY))
            entry.setObjectName("retryTransferAction")
        if not fetchable(message):
            return  # ours, not uploaded yet: nothing to fetch
        if attachment.is_image:
            entry = menu.addAction(self.tr("View image"), partial(self.act, message, VIEW))
            entry.setObjectName("viewImageAction")
        entry = menu.addAction(button_label(DOWNLOAD), partial(self.act, message, DOWNLOAD))
        entry.setObjectName("downloadAction")
        entry = menu.addAction(self.tr("Save as…"), partial(self.save_as, message))
        entry.setObjectName("saveAsAction")
        if view.saved:
            entry = menu.addAction(button_label(OPEN), partial(self.act, message, OPEN))
            entry.setObjectName("openFileAction")
            entry = menu.addAction(button_label(FOLDER), partial(self.act, message, FOLDER))
            entry.setObjectName("showInFolderAction")

    def saved_text(self, path: str) -> str:
        return fill(self.tr("Saved as %1"), path)

    def show_image(self, image: QImage, name: str) -> ImageViewer:
        """The viewer, over the window, for an image decoded with limits."""
        viewer = ImageViewer(image, display_text(name), self._window)
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        viewer.open()
        self.viewer = viewer
        return viewer
