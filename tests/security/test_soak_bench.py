"""bench.soak's own machinery, on a tiny scale: good clients in two rooms,
a run without and one with the attackers cycling quickly, every message
counted (docs/reliability.md, Soak under attack)."""

from __future__ import annotations

import os

import pytest

from bench import soak
from bench._common import INTEROP
from tests.procs import node_executable


def _node_or_skip() -> None:
    if node_executable() is not None and (INTEROP / "node_modules" / "socket.io").is_dir():
        return
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true but node or tests/interop/node_modules is missing (npm ci)")
    pytest.skip("node and tests/interop/node_modules (npm ci) are needed")


def test_a_tiny_soak_counts_every_message_with_and_without_attackers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _node_or_skip()
    code = soak.main(
        ["--clients", "40", "--rooms", "2", "--minutes", "0.1", "--period", "2", "--phase", "1"]
    )
    out = capsys.readouterr().out
    rows = {
        cells[0]: cells
        for line in out.splitlines()
        if line.startswith("| with") and (cells := [c.strip() for c in line.strip("|").split("|")])
    }
    assert set(rows) == {"without attackers", "with attackers"}, out
    for label, cells in rows.items():
        sent = int(cells[1].split()[0].replace(",", ""))
        delivered, expected = (int(x.replace(",", "")) for x in cells[2].split(" of "))
        # Each of the 40 sent at least twice in 6 s; each reached its 19 room-mates.
        assert sent >= 80, (label, out)
        assert delivered == expected == sent * 19, (label, out)
        assert (cells[6], cells[7]) == ("0", "0"), (label, out)  # lost, duplicated
    assert "attack phases" in out and "slowloris" in out, out
    assert code == 0, out
