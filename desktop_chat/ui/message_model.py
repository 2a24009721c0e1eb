"""The conversation as a Qt list model.

(Why over 400 lines: the window over the conversation, the compressed
archive and the begin/end bookkeeping of rows are one piece: a change to
one moves the others' indexes.)

The model keeps the whole conversation but shows the view only a window
of it. A QListView with rows of varying height lays out every row again
on each insert (and asks Python for each row's size), so the cost of an
insert grows with the rows the view holds, never with the conversation:

- while the user follows the newest messages the window is the newest
  `window` rows (`WINDOW`); a flood's batch is inserted and the rows that
  scrolled out are removed in the same turn, before the view lays out
  (`trim_to_newest`, which the view calls on `appended`);
- scrolling to the top pages older messages in (`load_older`), scrolling to
  the bottom of a window that is not at the newest pages newer ones in
  (`load_newer`); the window never holds more than `max_rows` rows, so the
  far end is dropped as the near end grows;
- the newest `hot` messages are kept as objects; older ones are archived
  in compressed chunks of `CHUNK` (`_Archive`), so a million messages fit
  in a few tens of MB. Own messages stay live objects, since their
  delivery state still changes.

Rows are appended in batches (one begin/end pair per burst). Own messages
are found by id for delivery updates, which change one row with
`dataChanged` on the state roles only.

Whether the user follows the newest messages is the view's state
(`ConversationView`), not the model's: the model only does what it is told
(`trim_to_newest`, `load_older`, `load_newer`, `jump_to_newest`), so that
any number of views and proxies can sit on it. Views and delegates read a
row through `data()` on the index they hold (`Role.MESSAGE` is the whole
record, one call per paint), never through row numbers of this model,
which a proxy in between would not share.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from enum import IntEnum

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractListModel,
    QCoreApplication,
    QDate,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTime,
    Signal,
)
from PySide6.QtGui import QImage

from desktop_chat.protocol.messages import (
    Change,
    DeliveryState,
    DeliveryUpdate,
    Kind,
    Message,
    TransferState,
    TransferUpdate,
    apply_change,
    display_text,
)
from desktop_chat.ui.accessible_text import accessible_description, accessible_text
from desktop_chat.ui.file_words import progress_text
from desktop_chat.ui.link_layout import remember
from desktop_chat.ui.message_archive import CHUNK, _Archive
from desktop_chat.ui.plain import plain_tooltip
from desktop_chat.ui.tr import fill

__all__ = ["CHUNK", "FileView", "MessageModel", "Role", "header_text", "new_messages_text"]

translate = QCoreApplication.translate

_Index = QModelIndex | QPersistentModelIndex

WINDOW = 100  # rows shown while following the newest messages
PAGE = 200  # rows paged in when the user scrolls to either end
MAX_ROWS = 600  # most rows the view holds while the user reads back
HOT = 20_000  # newest messages kept as objects
THUMBNAILS = 200  # decoded thumbnails kept (one is up to 240 x 240 x 4 bytes)
GROUP_SECONDS = 60  # files of one sender this close together show as one group
# Messages of one sender this close together show under one header (as Telegram
# and Slack group them): a conversation reads at a glance, more lines per screen.
GROUP_TEXT_SECONDS = 300

# Marked for translation here, translated where shown (header_text).
STATE_LABELS = {
    DeliveryState.PENDING: QT_TRANSLATE_NOOP("MessageModel", "pending"),
    DeliveryState.SENT: QT_TRANSLATE_NOOP("MessageModel", "sent"),
    DeliveryState.DELIVERED: QT_TRANSLATE_NOOP("MessageModel", "delivered"),
    DeliveryState.FAILED: QT_TRANSLATE_NOOP("MessageModel", "failed"),
    DeliveryState.DISCARDED: QT_TRANSLATE_NOOP("MessageModel", "discarded, not sent"),
}


class Role(IntEnum):
    """What `MessageModel.data()` answers besides Qt's display and tooltip roles.

    MESSAGE is the record itself (a `Message`): a delegate paints and
    hit-tests from it with one `data()` call per row, and keeps what it
    derives (wrapped text, links, heights) in its own caches by message id.
    KIND, STATE and HEADER are for plain consumers (tests, accessibility,
    a proxy filtering by kind or state).
    """

    MESSAGE = Qt.ItemDataRole.UserRole + 1
    KIND = Qt.ItemDataRole.UserRole + 2
    STATE = Qt.ItemDataRole.UserRole + 3
    HEADER = Qt.ItemDataRole.UserRole + 4
    # A band drawn above the row: "New messages" where the user left off,
    # or the day, above the first message of each day ("" for none).
    BAND = Qt.ItemDataRole.UserRole + 5
    # A line with a file: what the window knows of it now (a FileView).
    FILE = Qt.ItemDataRole.UserRole + 6
    # A line right after another of the same sender's (files sent together,
    # or within minutes): drawn without its header, as one group (bool).
    GROUPED = Qt.ItemDataRole.UserRole + 7
    # What is above a row's text, in one call for the delegate's sizeHint
    # (asked for every row on every layout): the band's text if there is one
    # (a band breaks a group), else whether the row is grouped (bool).
    LEAD = Qt.ItemDataRole.UserRole + 8


@dataclasses.dataclass(frozen=True, slots=True)
class FileView:
    """What the window knows of a line's file besides the line: how far it
    is going up or down, where the user saved it, its thumbnail."""

    transfer: TransferUpdate | None = None  # running, or failed (with its code)
    saved: str = ""  # where a download the user asked for was saved
    thumbnail: QImage | None = None
    # "": not asked for yet; "asked"; "shown" (thumbnail set); "none": none to show
    thumbnail_state: str = ""


# Plain ints for data(): compared on every call, and most calls ask for MESSAGE.
_MESSAGE = int(Role.MESSAGE)
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_KIND = int(Role.KIND)
_STATE = int(Role.STATE)
_HEADER = int(Role.HEADER)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_BAND = int(Role.BAND)
_FILE = int(Role.FILE)
_GROUPED = int(Role.GROUPED)
_LEAD = int(Role.LEAD)
# What a screen reader reads for a row (ui/accessible_text.py).
_ACCESSIBLE_TEXT = int(Qt.ItemDataRole.AccessibleTextRole)
_ACCESSIBLE_DESCRIPTION = int(Qt.ItemDataRole.AccessibleDescriptionRole)
_ACCESSIBLE = (_ACCESSIBLE_TEXT, _ACCESSIBLE_DESCRIPTION)
_ROLES = frozenset(
    (
        _MESSAGE,
        _DISPLAY,
        _KIND,
        _STATE,
        _HEADER,
        _TOOLTIP,
        _BAND,
        _FILE,
        _GROUPED,
        _LEAD,
        *_ACCESSIBLE,
    )
)


def format_time(ts: float) -> str:
    """The time of day as the user's locale writes it (QLocale's short format)."""
    local = time.localtime(ts)
    return QLocale().toString(
        QTime(local.tm_hour, local.tm_min, local.tm_sec), QLocale.FormatType.ShortFormat
    )


def day_of(ts: float) -> tuple[int, int, int]:
    local = time.localtime(ts)
    return local.tm_year, local.tm_mon, local.tm_mday


def day_text(ts: float) -> str:
    """The day of `ts` as the user's locale writes it (a band above its first message)."""
    year, month, day = day_of(ts)
    return QLocale().toString(QDate(year, month, day), QLocale.FormatType.LongFormat)


def tooltip_text(message: Message) -> str:
    """The header, and for someone else's message the connection it came from:
    anyone may take any name, the connection tells two of them apart. Plain
    text (escaped), whatever the name looks like."""
    text = header_text(message)
    if message.edited_at and not message.deleted:
        edited = translate("MessageModel", "edited at %1")
        text += "\n" + fill(edited, format_time(message.edited_at))
    if message.kind is Kind.OTHER and message.sender_sid:
        text += "\n" + QCoreApplication.translate(
            "MessageModel", "{name}, from connection {sid}"
        ).format(name=display_text(message.sender), sid=display_text(message.sender_sid))
    return plain_tooltip(text)


def _short(name: str, most: int = 60) -> str:
    """A name or room as the header shows it: visible characters, at most `most`."""
    shown = display_text(name)
    return shown if len(shown) <= most else shown[: most - 1] + "…"


def new_messages_text() -> str:
    """The caption of the line above the first message not seen yet."""
    return QCoreApplication.translate("MessageModel", "New messages")


def header_text(message: Message, shown_in: str | None = None) -> str:
    """The small line above a message: who, where, when, and its state. `shown_in`:
    the room of the conversation it is shown in, which it need not name again."""
    if message.kind is Kind.SYSTEM:
        return format_time(message.ts)
    if message.kind is Kind.OWN:
        who = translate("MessageModel", "You")
    else:
        who = _short(message.sender) or translate("MessageModel", "Someone")
    if message.room == shown_in:
        where = ""
    elif message.room:
        where = fill(translate("MessageModel", "in #%1"), _short(message.room))
    else:
        where = translate("MessageModel", "to everyone") if message.kind is Kind.OWN else ""
    parts = [who, where, format_time(message.ts)]
    if message.edited_at and not message.deleted:
        parts.append(translate("MessageModel", "edited"))
    if message.state is not None:
        label = translate("MessageModel", str(STATE_LABELS[message.state]))
        if message.state is DeliveryState.FAILED and message.error:
            label = fill(translate("MessageModel", "failed: %1"), message.error)
        parts.append(label)
    return " · ".join(p for p in parts if p)


class MessageModel(QAbstractListModel):
    """The whole conversation, a bounded window of it shown as rows (see the module)."""

    # A batch went into the conversation (its length), after the rows for it
    # were inserted: a view that follows the newest trims the window here,
    # in the same turn, once everyone watching rowsInserted has seen them.
    appended = Signal(int)
    # A line changed (edited, deleted, reacted to, delivered): its id, after
    # its row's dataChanged; whoever keeps something derived from it by id
    # (the delegate's heights and layouts) lets it go.
    changed = Signal(str, int)  # (its id, its row, -1 when not a row now)

    def __init__(
        self,
        parent: QObject | None = None,
        window: int = WINDOW,
        *,
        page: int = PAGE,
        max_rows: int = MAX_ROWS,
        hot: int = HOT,
    ) -> None:
        super().__init__(parent)
        self.window = window
        self.page = page
        self.max_rows = max(max_rows, window + page)
        self.hot = hot
        self._archive = _Archive()
        # Older messages paged in from the local history (prepend), before
        # the archive: positions -len(_head) .. -1.
        self._head: list[Message] = []
        # The id of the first message the user had not seen when they came
        # back to this conversation: a "New messages" band is drawn above it
        # (`divider_id`).
        self._divider_id = ""
        # The room of this conversation (set by its owner; None: not one room's).
        self.room: str | None = None
        self._recent: list[Message] = []  # messages from len(_archive) on
        self._start = 0  # position of row 0 in the conversation
        self._end = 0  # position after the last row
        self._position: dict[str, int] = {}  # own message id -> position
        # Files (issue #21), by line id: transfers under way or failed, where
        # downloads went, thumbnails (the newest THUMBNAILS decoded ones).
        self._transfers: dict[str, TransferUpdate] = {}
        self._saved: dict[str, str] = {}
        self._thumbnails: dict[str, QImage | str] = {}  # an image, "asked" or "none"

    @property
    def divider_id(self) -> str:
        return self._divider_id

    @divider_id.setter
    def divider_id(self, message_id: str) -> None:
        """Moving the "New messages" band changes two rows' leads: a layout
        change, so that views (and the delegate's kept leads) see it."""
        if message_id != self._divider_id:
            self.layoutAboutToBeChanged.emit()
            self._divider_id = message_id
            self.layoutChanged.emit()

    # ---- the view's side ----------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._end - self._start

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        """A row's record (Role.MESSAGE) or a part of it.

        Views call this hundreds of times per screen: roles nobody answers
        cost a set lookup, the record one look-up by position.
        """
        if role not in _ROLES:
            return None
        row = index.row()  # -1 for an invalid index
        if not 0 <= row < self._end - self._start:
            return None
        message = self.message_at(row)
        if role == _MESSAGE:
            return message
        if role == _DISPLAY:
            return message.text
        if role == _KIND:
            return message.kind.value
        if role == _STATE:
            return message.state.value if message.state else None
        if role == _LEAD:
            return self._lead(self._start + row, message)
        if role == _BAND:
            return self._band(self._start + row, message)
        if role == _FILE:
            return self.file_view(message.id) if message.attachment else None
        if role == _GROUPED:
            return self._grouped(self._start + row, message)
        if role == _ACCESSIBLE_TEXT:
            return accessible_text(message)
        if role == _ACCESSIBLE_DESCRIPTION:
            described = accessible_description(message)
            if message.attachment is not None:
                progress = progress_text(self._transfers.get(message.id))
                described += f", {progress}" if progress else ""
            return described
        if role == _TOOLTIP:
            return tooltip_text(message)
        return header_text(message, self.room)  # HEADER

    def _band(self, position: int, message: Message) -> str:
        new = ""
        if message.id == self.divider_id:
            new = new_messages_text()
        if position > -len(self._head):
            previous = self._at(position - 1)
            if day_of(previous.ts) == day_of(message.ts):
                return new
        day = day_text(message.ts)
        return f"{new} · {day}" if new else day

    def _lead(self, position: int, message: Message) -> str | bool:
        """The band above a row, else whether it is grouped: `_band` and
        `_grouped` in one look at the line before (asked for every row on
        every layout, so one `_at` and one day comparison)."""
        new = new_messages_text() if message.id == self.divider_id else ""
        if position <= -len(self._head):
            day = day_text(message.ts)
            return f"{new} · {day}" if new else day
        previous = self._at(position - 1)
        if day_of(previous.ts) != day_of(message.ts):
            day = day_text(message.ts)
            return f"{new} · {day}" if new else day
        if new:
            return new
        return self._follows(previous, message)

    def _grouped(self, position: int, message: Message) -> bool:
        """Whether a line follows another of the same sender's closely enough to
        go under its header: files sent together (within GROUP_SECONDS), any
        line within GROUP_TEXT_SECONDS. Not across a band (a new day, "New
        messages"), nor a failed line (its header says why), nor a notice."""
        if (
            message.kind is Kind.SYSTEM
            or position <= -len(self._head)
            or message.state is DeliveryState.FAILED
            or message.id == self.divider_id
        ):
            return False
        previous = self._at(position - 1)
        return self._follows(previous, message) and day_of(previous.ts) == day_of(message.ts)

    @staticmethod
    def _follows(previous: Message, message: Message) -> bool:
        """Whether `message` goes under the header of `previous`, the line before
        it on the same day with no "New messages" line between them."""
        if (
            message.kind is Kind.SYSTEM
            or message.state is DeliveryState.FAILED
            or previous.kind is not message.kind
            or previous.sender != message.sender
            or previous.room != message.room
            or previous.state is DeliveryState.FAILED
        ):
            return False
        both_files = previous.attachment is not None and message.attachment is not None
        within = GROUP_SECONDS if both_files else GROUP_TEXT_SECONDS
        return abs(message.ts - previous.ts) < within

    def message_at(self, row: int) -> Message:
        return self._at(self._start + row)

    def record(self, row: int) -> Message | None:
        """`data(index, Role.MESSAGE)` for the delegate, called from Python:
        the view asks every row's size on every layout, and a call through
        Qt (an index and a variant made and unpacked each way) was a third
        of each."""
        if 0 <= row < self._end - self._start:
            return self._at(self._start + row)
        return None

    def _at(self, position: int) -> Message:
        if position < 0:
            return self._head[position]
        archived = len(self._archive)
        if position >= archived:
            return self._recent[position - archived]
        return self._archive.get(position)

    # ---- the conversation ---------------------------------------------------

    def message_count(self) -> int:
        return len(self._head) + self._newest_end()

    def _newest_end(self) -> int:
        """The position after the newest message."""
        return len(self._archive) + len(self._recent)

    def messages(self) -> list[Message]:
        """The whole conversation, shown or not (archived messages decoded)."""
        return self._head + self._archive.slice(0, len(self._archive)) + self._recent

    def oldest(self) -> Message | None:
        """The oldest message held (where paging from the local history goes on)."""
        if self._head:
            return self._head[0]
        return self._at(0) if self._newest_end() else None

    def prepend(self, messages: Sequence[Message]) -> None:
        """Older messages (from the local history), oldest first, before all others.

        Only positions before the first move; rows appear when the view
        pages them in (`load_older`), as for archived messages.
        """
        if not messages:
            return
        base = -len(self._head) - len(messages)
        for offset, message in enumerate(messages, start=base):
            if message.kind is Kind.OWN:
                self._position[message.id] = offset
        self._head[:0] = messages

    def append(self, messages: Sequence[Message]) -> None:
        """Add a batch to the conversation, then emit `appended`.

        Rows are inserted only while the window reaches the newest message,
        and only until it holds `max_rows`: a reader who scrolled up keeps
        the rows they read, and the newest wait below (`has_newer`). A view
        that follows the newest calls `trim_to_newest` on `appended`.
        """
        if not messages:
            return
        total = self._newest_end()
        at_newest = self._end == total
        for offset, message in enumerate(messages, start=total):
            if message.kind is Kind.OWN:
                self._position[message.id] = offset
        self._recent.extend(messages)
        if at_newest:
            self._insert_at_end(min(len(messages), self.max_rows - self.rowCount()))
        self._archive_old()
        self.appended.emit(len(messages))

    def trim_to_newest(self) -> None:
        """Make the window the newest `window` rows, as a view following them wants.

        What waits below the window is inserted first (one batch larger than
        `max_rows` leaves some), so whoever watches rowsInserted sees every
        message; then the rows that scrolled out are removed. Called in the
        turn the rows came, this happens before the view lays out.
        """
        self._insert_at_end(self._newest_end() - self._end)
        self._drop_front(self.rowCount() - self.window)

    def jump_to_newest(self) -> None:
        """Show the newest `window` rows at once (a reset), from wherever the window is."""
        total = self._newest_end()
        self.beginResetModel()
        self._end = total
        self._start = max(-len(self._head), total - self.window)
        self.endResetModel()

    def show_around(self, message_id: str) -> int:
        """Make the window the rows around the message `message_id` (a reset); its row,
        or -1 when this conversation does not hold it."""
        position = self.find(message_id)
        if position is None:
            return -1
        self.beginResetModel()
        self._start = max(-len(self._head), position - self.window // 2)
        self._end = min(self._newest_end(), self._start + self.window)
        self.endResetModel()
        return position - self._start

    def has_older(self) -> bool:
        return self._start > -len(self._head)

    def has_newer(self) -> bool:
        return self._end < self._newest_end()

    def load_older(self, count: int | None = None) -> int:
        """Page up to `count` older messages in at the top; returns how many.

        Rows beyond `max_rows` are dropped at the bottom.
        """
        count = min(self.page if count is None else count, self._start + len(self._head))
        if count:
            self.beginInsertRows(QModelIndex(), 0, count - 1)
            self._start -= count
            self.endInsertRows()
            self._drop_back(self.rowCount() - self.max_rows)
        return count

    def load_newer(self, count: int | None = None) -> int:
        """Page up to `count` newer messages in at the bottom; returns how many.

        Rows beyond `max_rows` are dropped at the top.
        """
        count = min(self.page if count is None else count, self._newest_end() - self._end)
        if count:
            self._insert_at_end(count)
            self._drop_front(self.rowCount() - self.max_rows)
        return count

    def update_state(self, update: DeliveryUpdate) -> None:
        """One of our messages changed state: its row gets a new record (records
        are never changed in place, see protocol/messages.py)."""
        position = self._position.get(update.id)
        if position is None:
            return
        old = self._at(position)
        message = dataclasses.replace(
            old,
            state=update.state,
            error=update.error,
            server_id=update.server_id or old.server_id,
            # A file's line of ours, delivered: the file as the server stored it.
            attachment=update.attachment or old.attachment,
        )
        # A file's line is measured again: a failed one leaves its group.
        self._set(
            position,
            message,
            [Role.STATE, Role.HEADER, Role.FILE],
            changed=message.attachment is not None,
        )

    def find(self, message_id: str) -> int | None:
        """The position of the line this window knows as `message_id` (or, ours,
        by the server's id), newest first: changes are mostly of recent lines."""
        position = self._position.get(message_id)
        if position is not None:
            return position
        archived = len(self._archive)
        for i in range(len(self._recent) - 1, -1, -1):
            message = self._recent[i]
            if message.id == message_id or message.server_id == message_id:
                return archived + i
        position = self._archive.find(message_id)
        if position is not None:
            return position
        for i, message in enumerate(self._head):
            if message.id == message_id or message.server_id == message_id:
                return i - len(self._head)
        return None

    def get(self, message_id: str) -> Message | None:
        """The line known as `message_id` here, or None when this conversation has not got it."""
        position = self.find(message_id)
        return None if position is None else self._at(position)

    def apply_change(self, change: Change) -> Message | None:
        """Edit, delete or react to a line: its row gets the new record. The
        line as it is now, or None when this conversation has not got it."""
        position = self.find(change.target)
        if position is None:
            return None
        message = apply_change(self._at(position), change)
        self._set(position, message, [Role.MESSAGE, _DISPLAY, Role.HEADER])
        return message

    # ---- files ------------------------------------------------------------------

    def file_view(self, message_id: str) -> FileView:
        thumbnail = self._thumbnails.get(message_id, "")
        return FileView(
            self._transfers.get(message_id),
            self._saved.get(message_id, ""),
            thumbnail if isinstance(thumbnail, QImage) else None,
            "shown" if isinstance(thumbnail, QImage) else thumbnail,
        )

    def update_transfer(self, update: TransferUpdate, *, saved: bool = True) -> bool:
        """A file of a line went further up or down: its row is drawn anew
        (same height: a card's parts keep their places). `saved`: a finished
        download is the user's (Open, Show in folder), not the viewer's copy.
        False when this conversation has not got the line."""
        position = self.find(update.id)
        if position is None:
            return False
        if update.state in (TransferState.RUNNING, TransferState.FAILED):
            self._transfers[update.id] = update
        else:
            self._transfers.pop(update.id, None)
        if update.state is TransferState.DONE and not update.upload and saved and update.path:
            self._saved[update.id] = update.path
        self._row_changed(position, [_FILE])
        return True

    def thumbnail_asked(self, message_id: str) -> None:
        """The thumbnail of a line is on its way (asked once until it comes)."""
        if message_id not in self._thumbnails:
            self._thumbnails[message_id] = "asked"

    def set_thumbnail(self, message_id: str, image: QImage | None) -> bool:
        """A line's thumbnail, decoded (None: there is none to show; its name
        stays in the placeholder). Its row is measured again."""
        position = self.find(message_id)
        if position is None:
            return False
        if image is None:
            self._thumbnails[message_id] = "none"
        else:
            self._thumbnails.pop(message_id, None)  # the newest last: kept longest
            remember(self._thumbnails, message_id, image, THUMBNAILS)
        self._row_changed(position, [_FILE])
        self.changed.emit(message_id, self._row_of(position))
        return True

    def _row_of(self, position: int) -> int:
        row = position - self._start
        return row if 0 <= row < self.rowCount() else -1

    def _row_changed(self, position: int, roles: list[int]) -> None:
        row = self._row_of(position)
        if row >= 0:
            index = self.index(row)
            self.dataChanged.emit(index, index, roles)

    def _set(
        self, position: int, message: Message, roles: list[int], *, changed: bool = True
    ) -> None:
        """Put the line's new record in place; `changed`: what is drawn of it
        changed (text, reactions), not only its state (the header says that)."""
        archived = len(self._archive)
        if position < 0:
            self._head[position] = message
        elif position >= archived:
            self._recent[position - archived] = message
        else:
            self._archive.replace(position, message)
        row = position - self._start
        if 0 <= row < self.rowCount():
            index = self.index(row)
            self.dataChanged.emit(index, index, roles)
        else:
            row = -1
        if changed:
            self.changed.emit(message.id, row)

    # ---- internals ------------------------------------------------------------

    def _insert_at_end(self, count: int) -> None:
        if count > 0:
            rows = self.rowCount()
            self.beginInsertRows(QModelIndex(), rows, rows + count - 1)
            self._end += count
            self.endInsertRows()

    def _drop_front(self, count: int) -> None:
        if count > 0:
            self.beginRemoveRows(QModelIndex(), 0, count - 1)
            self._start += count
            self.endRemoveRows()

    def _drop_back(self, count: int) -> None:
        if count > 0:
            rows = self.rowCount()
            self.beginRemoveRows(QModelIndex(), rows - count, rows - 1)
            self._end -= count
            self.endRemoveRows()

    def _archive_old(self) -> None:
        """Move the oldest objects into the archive once `hot` newer ones exist."""
        while len(self._recent) >= self.hot + CHUNK:
            self._archive.add(self._recent[:CHUNK])
            del self._recent[:CHUNK]
