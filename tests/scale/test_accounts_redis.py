"""Accounts and private rooms on two server processes sharing one Redis
(issue #24): the scenarios of tests/server/test_accounts.py, with each
case's people spread over both processes and the admin commands run with
`--redis`, so that a removal or a new token made through Redis must reach
the connections another process holds, within 2 s."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from tests.helpers import run_checked
from tests.scale.cluster import RedisProcess, ServerProcess
from tests.server.test_accounts import SCENARIOS, Place

Start = Callable[..., list[ServerProcess]]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
def test_accounts_on_two_processes_on_redis(
    servers: Start,
    redis_process: RedisProcess,
    tmp_path: Path,
    scenario: Callable[[Place], Awaitable[None]],
) -> None:
    first, second = servers(2, "--accounts", "--files-dir", str(tmp_path / "files"))
    place = Place(
        [first.url, second.url],
        ["--redis", redis_process.url],
        lambda: first.child.text("stderr") + "\n" + second.child.text("stderr"),
    )
    run_checked(scenario(place))
