"""Which profile to speak to which server: loaded once, chosen per server.

The order is: `--profile` on the command line, then the profile remembered
for that server (settings.json), then `tutorial`. Profile files that cannot
be used are reported as lines in the window; the app goes on with the
others (a bad file must never keep the app from starting).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication

from desktop_chat.app.settings import Settings, config_dir
from desktop_chat.client.profile import Profile
from desktop_chat.client.profile_toml import DEFAULT_PROFILE, load_profiles
from desktop_chat.ui.tr import fill

translate = QCoreApplication.translate


def profiles_dir(remember: bool, explicit: Path | None) -> Path | None:
    """Where the user's own profiles are: explicit, else the config directory
    of a remembering session (tests that remember nothing read none)."""
    if explicit is not None:
        return explicit
    return config_dir() / "profiles" if remember else None


class ProfileChoice:
    def __init__(self, folder: Path | None, settings: Settings, wanted: str = "") -> None:
        loaded = load_profiles(folder)
        self.profiles: dict[str, Profile] = loaded.profiles
        self.problems: list[str] = [
            fill(translate("ProfileChoice", "Profile not loaded: %1"), error)
            for error in loaded.errors
        ]
        self._settings = settings
        self._wanted = wanted  # --profile, for the first server only
        if wanted and wanted not in self.profiles:
            known = ", ".join(self.profiles)
            self.problems.append(
                fill(
                    translate(
                        "ProfileChoice",
                        "There is no profile %1 (--profile); using the remembered one or %2. "
                        "Profiles: %3.",
                    ),
                    repr(wanted),
                    DEFAULT_PROFILE,
                    known,
                )
            )
            self._wanted = ""

    def names(self) -> list[tuple[str, str]]:
        """(name, description) of every usable profile, built-ins first."""
        return [(p.name, p.description) for p in self.profiles.values()]

    def get(self, name: str) -> Profile:
        return self.profiles.get(name) or self.profiles[DEFAULT_PROFILE]

    def for_server(self, key: str) -> Profile:
        """The profile to speak to this server, the first time it is connected to."""
        if self._wanted:
            wanted, self._wanted = self._wanted, ""
            return self.profiles[wanted]
        return self.get(self._settings.profiles.get(key, DEFAULT_PROFILE))

    def remember(self, key: str, profile: Profile) -> bool:
        """Note the profile that worked for this server; True when that is news."""
        if self._settings.profiles.get(key, DEFAULT_PROFILE) == profile.name:
            return False
        if profile.name == DEFAULT_PROFILE:
            self._settings.profiles.pop(key, None)
        else:
            self._settings.profiles[key] = profile.name
        return True
