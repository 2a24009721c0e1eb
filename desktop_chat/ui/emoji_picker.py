"""A popup to choose an emoji: a search field over a grid, common reactions first.

The emoji and their names come from the `emoji` package (its
`EMOJI_DATA`: CLDR short names in English and, loaded on demand, Korean).
It is imported the first time a picker is opened, not when this module is
(tests/ui/test_emoji_picker.py checks that starting the app does not load
it). Only fully-qualified emoji are listed, without skin-tone variants and
without components (the bare skin tones and hair styles): one button per
emoji. After the common reactions (`COMMON`) they come in blocks of the
Unicode code charts, faces first; the package has no CLDR group order.

Typing searches the English names, their aliases and the Korean names:
an exact name first, then names with a word that starts with what was
typed (common reactions first), then any name that contains it (`search`
says the order). What a Korean input method is still composing counts
too, so results follow each syllable.

Keys: the search field keeps the focus; the arrows move in the grid,
Enter picks the emoji under the cursor (the first match, after typing),
Esc closes. A click picks. Picking emits `chosen` and closes.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLabel,
    QLineEdit,
    QListView,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.ui.emoji_font import emoji_font, load_emoji_font

log = logging.getLogger(__name__)

_Index = QModelIndex | QPersistentModelIndex

# The reactions most chats offer first; every other emoji comes from the data.
COMMON = ("👍", "❤️", "😂", "😮", "😢", "🙏", "🎉", "👀")

_SKIN_TONES = frozenset(chr(c) for c in range(0x1F3FB, 0x1F400))
_FULLY_QUALIFIED = 2  # emoji.STATUS["fully_qualified"]
# Code chart blocks in the order they are shown: faces and people first.
_BLOCKS = (
    (0x1F600, 0x1F64F),  # Emoticons
    (0x1F900, 0x1F9FF),  # Supplemental Symbols and Pictographs
    (0x1FA70, 0x1FAFF),  # Symbols and Pictographs Extended-A
    (0x1F300, 0x1F5FF),  # Miscellaneous Symbols and Pictographs
    (0x1F680, 0x1F6FF),  # Transport and Map Symbols
    (0x2600, 0x27BF),  # Miscellaneous Symbols, Dingbats
)


@dataclass(frozen=True, slots=True)
class EmojiEntry:
    emoji: str
    name: str  # English CLDR short name, "thumbs up"
    korean: str  # "올린 엄지", or "" when the data has none
    aliases: tuple[str, ...]  # "thumbsup", "+1"

    def display_name(self, korean: bool) -> str:
        return self.korean if korean and self.korean else self.name


def _words(name: str) -> str:
    """ ":thumbs_up:" as a user would type it: "thumbs up"."""
    return name.strip(":").replace("_", " ")


def _normal(text: str) -> str:
    return " ".join(text.replace("_", " ").split()).casefold()


def _order(emoji: str) -> tuple[int, str]:
    first = ord(emoji[0])
    for rank, (low, high) in enumerate(_BLOCKS):
        if low <= first <= high:
            return rank, emoji
    return len(_BLOCKS), emoji


@cache
def catalog() -> tuple[EmojiEntry, ...]:
    """Every emoji the picker offers, common reactions first (imports `emoji` once)."""
    import emoji  # here, not at the top: the app's start does not pay for it

    try:
        emoji.config.load_language("ko")
    except (KeyError, ValueError, OSError):  # an emoji package without Korean names
        log.info("the emoji package has no Korean names; searching English only")
    entries: dict[str, EmojiEntry] = {}
    for char, data in emoji.EMOJI_DATA.items():
        if data.get("status") != _FULLY_QUALIFIED or _SKIN_TONES.intersection(char):
            continue
        entries[char] = EmojiEntry(
            emoji=char,
            name=_words(data.get("en", "")),
            korean=_words(data.get("ko", "")),
            aliases=tuple(_words(alias) for alias in data.get("alias", ())),
        )
    common = [entries[char] for char in COMMON if char in entries]
    rest = sorted(
        (e for e in entries.values() if e.emoji not in COMMON), key=lambda e: _order(e.emoji)
    )
    return (*common, *rest)


@cache
def _search_names(entry: EmojiEntry) -> tuple[str, ...]:
    return tuple(_normal(n) for n in (entry.name, *entry.aliases, entry.korean) if n)


def _rank(names: Sequence[str], query: str) -> tuple[int, int] | None:
    """How well `query` matches one of `names`, best first: (0, 0) a whole
    name; (1, fine) words of a name, where fine is 0 whole words at its
    start, 1 a prefix of its start, 2 whole words further in, 3 the start
    of a word further in; (2, 0) anywhere inside a word; None: no match."""
    best: tuple[int, int] | None = None
    spaced = f" {query}"
    for name in names:
        if name == query:
            return (0, 0)
        if name.startswith(query):
            rank = (1, 0 if name.startswith(f"{query} ") else 1)
        elif f"{spaced} " in f" {name} ":
            rank = (1, 2)
        elif spaced in f" {name}":
            rank = (1, 3)
        elif query in name:
            rank = (2, 0)
        else:
            continue
        best = rank if best is None else min(best, rank)
    return best


def search(entries: Sequence[EmojiEntry], query: str) -> list[EmojiEntry]:
    """`entries` that match `query` (all of them for an empty one), best first.

    A whole name first; then names that match at a word, with the common
    reactions ahead of the others ("thumb": 👍 before 👎; "엄지": 👍 before
    🫰, whose name "엄지와 ..." has a particle on the word), then by how
    closely they match; then names that only contain the query. Among
    equals, in the order given."""
    query = _normal(query)
    if not query:
        return list(entries)
    common = set(COMMON)
    ranked = []
    for position, entry in enumerate(entries):
        rank = _rank(_search_names(entry), query)
        if rank is not None:
            bucket, fine = rank
            ranked.append(((bucket, entry.emoji not in common, fine, position), entry))
    ranked.sort(key=lambda item: item[0])
    return [entry for _key, entry in ranked]


class EmojiModel(QAbstractListModel):
    """The emoji shown: display is the emoji, tooltip and accessible text its name."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries: list[EmojiEntry] = []
        self.korean = False  # names in Korean (the installed language)

    def set_entries(self, entries: Sequence[EmojiEntry]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self.endResetModel()

    def emoji(self) -> list[str]:
        return [entry.emoji for entry in self._entries]

    def entry(self, row: int) -> EmojiEntry | None:
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        entry = self.entry(index.row()) if index.isValid() else None
        if entry is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return entry.emoji
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return entry.display_name(self.korean)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


class _SearchField(QLineEdit):
    """A line edit that reports its text with what an input method is composing."""

    query_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._preedit = ""
        self.textChanged.connect(self._changed)

    def query(self) -> str:
        return self.text() + self._preedit

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:
        super().inputMethodEvent(event)
        self._preedit = event.preeditString()
        self.query_changed.emit(self.query())

    def _changed(self, _text: str) -> None:
        self.query_changed.emit(self.query())

    def reset(self) -> None:
        self._preedit = ""
        self.clear()


_MOVES = {
    Qt.Key.Key_Up,
    Qt.Key.Key_Down,
    Qt.Key.Key_Left,
    Qt.Key.Key_Right,
    Qt.Key.Key_PageUp,
    Qt.Key.Key_PageDown,
}
_ENTER = {Qt.Key.Key_Return, Qt.Key.Key_Enter}


class EmojiPicker(QWidget):
    """The popup. `popup(pos)` opens it at a global position; `chosen(emoji)` when one is picked."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("emojiPicker")
        self._loaded = False
        self.search_field = _SearchField(self)
        self.search_field.setObjectName("emojiSearch")
        self.search_field.setClearButtonEnabled(True)
        self.model = EmojiModel(self)
        self.grid = QListView(self)
        self.grid.setObjectName("emojiGrid")
        self.grid.setModel(self.model)
        self.grid.setViewMode(QListView.ViewMode.IconMode)
        self.grid.setFlow(QListView.Flow.LeftToRight)
        self.grid.setWrapping(True)
        self.grid.setResizeMode(QListView.ResizeMode.Adjust)
        self.grid.setMovement(QListView.Movement.Static)
        self.grid.setUniformItemSizes(True)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        load_emoji_font()  # made when first asked for: a grid of emoji needs the font
        self.grid.setFont(emoji_font(self.font(), 1.6))
        self.grid.setMouseTracking(True)
        self.empty_label = QLabel(self)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.search_field)
        layout.addWidget(self.grid)
        layout.addWidget(self.empty_label)
        self._size_grid()
        self.search_field.query_changed.connect(self._search)
        self.search_field.installEventFilter(self)
        self.grid.clicked.connect(self._pick)
        self.grid.activated.connect(self._pick)
        self.setFocusProxy(self.search_field)
        self.retranslateUi()

    def _size_grid(self) -> None:
        side = self.grid.fontMetrics().height() + 10
        self.grid.setGridSize(QSize(side, side))
        self.grid.setMinimumSize(8 * side + 24, 6 * side + 4)

    def retranslateUi(self) -> None:
        self.search_field.setPlaceholderText(self.tr("Search emoji"))
        self.search_field.setAccessibleName(self.tr("Search emoji"))
        self.grid.setAccessibleName(self.tr("Emoji"))
        self.setAccessibleName(self.tr("Choose an emoji"))
        self.empty_label.setText(self.tr("No emoji found"))
        self.model.korean = QLocale().language() == QLocale.Language.Korean
        if self.model.rowCount():
            self.model.dataChanged.emit(
                self.model.index(0), self.model.index(self.model.rowCount() - 1)
            )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        elif event.type() == QEvent.Type.FontChange:
            self.grid.setFont(emoji_font(self.font(), 1.6))
            self._size_grid()
        super().changeEvent(event)

    def load(self) -> None:
        """Read the emoji data (done by the first `popup`)."""
        if not self._loaded:
            self._loaded = True
            self._search(self.search_field.query())

    def popup(self, pos: QPoint) -> None:
        """Open at `pos` (global), kept on the screen, with an empty search."""
        self.search_field.reset()
        self.load()
        self._search("")
        self.adjustSize()
        screen = self.screen().availableGeometry() if self.screen() else None
        x, y = pos.x(), pos.y()
        if screen is not None:
            x = max(screen.left(), min(x, screen.right() - self.width()))
            y = max(screen.top(), min(y, screen.bottom() - self.height()))
        self.move(x, y)
        self.show()
        self.search_field.setFocus()

    def matches(self) -> list[str]:
        """The emoji shown now, in order."""
        return self.model.emoji()

    def current(self) -> str:
        """The emoji Enter would pick, or ""."""
        entry = self.model.entry(self.grid.currentIndex().row())
        return entry.emoji if entry is not None else ""

    def _search(self, query: str) -> None:
        if not self._loaded:
            return
        found = search(catalog(), query)
        self.model.set_entries(found)
        self.grid.setVisible(bool(found))
        self.empty_label.setVisible(not found)
        if found:
            self.grid.setCurrentIndex(self.model.index(0))
            self.grid.scrollToTop()

    def _pick(self, index: _Index) -> None:
        entry = self.model.entry(index.row()) if index.isValid() else None
        # Visible: a click may also be an activation (one pick, not two).
        if entry is not None and self.isVisible():
            self.close()
            self.chosen.emit(entry.emoji)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search_field and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in _MOVES:  # moves the grid's cursor; the typing stays in the field
                QApplication.sendEvent(self.grid, QKeyEvent(event.type(), key, event.modifiers()))
                return True
            if key in _ENTER:
                self._pick(self.grid.currentIndex())
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close()
            return
        super().keyPressEvent(event)
