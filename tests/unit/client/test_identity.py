"""Window identities: one per running window, the same key after a restart."""

from __future__ import annotations

from pathlib import Path

from desktop_chat.client.identity import claim_identity
from desktop_chat.client.local_db import open_client_db


def test_a_second_window_gets_another_slot_and_the_first_gets_its_own_back(
    tmp_path: Path,
) -> None:
    db = open_client_db(tmp_path / "client.db")
    first = claim_identity(db, tmp_path)
    second = claim_identity(db, tmp_path)
    assert (first.slot, second.slot) == (0, 1)
    assert first.key != second.key
    key = first.key
    first.release()
    second.release()
    again = claim_identity(db, tmp_path)
    assert (again.slot, again.key) == (0, key)
    again.release()
