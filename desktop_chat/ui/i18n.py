"""Korean and English: which language, and switching it while the app runs.

The app's strings are English in the source (`tr()`), translated by Qt
Linguist files in desktop_chat/resources/i18n (.ts sources, compiled .qm
shipped). Qt's own strings (dialog buttons, context menus of text fields)
come from Qt's qtbase_ko.qm, shipped in the bundle next to PySide6's.

Installing a translator makes Qt send every widget a LanguageChange event;
each of our widgets answers it with `retranslateUi()`, so the language
changes without a restart.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, QTranslator, Signal

from desktop_chat.resources import resource_path

log = logging.getLogger(__name__)

LANGUAGES = ("en", "ko")
DEFAULT = "en"


def i18n_dir() -> Path:
    return resource_path("i18n")


def system_language(locale: QLocale | None = None) -> str:
    """The first of the system's preferred UI languages that we have, else English."""
    for name in (locale or QLocale.system()).uiLanguages():
        code = name.replace("_", "-").split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return DEFAULT


def choose_language(command_line: str | None, setting: str, locale: QLocale | None = None) -> str:
    """--lang wins, then the setting, then the system's locale."""
    for choice in (command_line, setting):
        if choice in LANGUAGES:
            return choice
    return system_language(locale)


def qt_translations_dirs() -> list[Path]:
    """Where Qt's own .qm files are: PySide6's (installed or bundled)."""
    return [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))]


class Translations(QObject):
    """The translators installed in the application, one language at a time."""

    language_changed = Signal(str)

    def __init__(self, app: QCoreApplication) -> None:
        super().__init__(app)
        self._app = app
        self._installed: list[QTranslator] = []
        self.language = DEFAULT

    def apply(self, language: str) -> bool:
        """Switch to `language` (en, ko); False if its file could not be loaded."""
        language = language if language in LANGUAGES else DEFAULT
        for translator in self._installed:
            QCoreApplication.removeTranslator(translator)
        self._installed = []
        ok = True
        ours = QTranslator(self)
        if ours.load(f"desktop_chat_{language}", str(i18n_dir())):
            self._install(ours)
        else:
            log.warning("no translation for %s in %s", language, i18n_dir())
            ok = False
        if language != "en":
            qt = QTranslator(self)
            if any(qt.load(f"qtbase_{language}", str(d)) for d in qt_translations_dirs()):
                self._install(qt)
            else:
                log.info("Qt's own %s translation is not installed", language)
        self.language = language
        QLocale.setDefault(QLocale(language))
        self.language_changed.emit(language)
        return ok

    def _install(self, translator: QTranslator) -> None:
        QCoreApplication.installTranslator(translator)
        self._installed.append(translator)
