"""Filling a translated text's placeholders.

Qt's translated strings number their placeholders (%1, %2: a translation
may reorder them, as Korean often does). Python has no QString.arg, and
`.replace("%1", a).replace("%2", b)` would also replace a "%2" inside `a`,
which is a stranger's name or message; `fill` replaces them all in one pass.
"""

from __future__ import annotations

import re

_PLACEHOLDER = re.compile(r"%([1-9])")


def fill(template: str, *values: object) -> str:
    """`template` with %1…%9 replaced by `values`, each once, in one pass."""

    def value(match: re.Match[str]) -> str:
        number = int(match[1])
        return str(values[number - 1]) if number <= len(values) else match[0]

    return _PLACEHOLDER.sub(value, template)
