"""Accounts and private rooms on two server processes sharing one Redis
(issue #24): the scenarios of tests/server/test_accounts.py, with each
case's people spread over both processes and the admin commands run with
`--redis`, so that a removal or a new token made through Redis must reach
the connections another process holds, within 2 s."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from desktop_chat.server.redis_store import RedisStore
from desktop_chat.server.replay import Budgets, ReplayLimits
from tests.helpers import run_checked
from tests.scale.cluster import RedisProcess, ServerProcess
from tests.server.test_accounts import SCENARIOS, Place, closing, people

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


def test_the_send_rate_is_the_accounts_on_every_process(
    servers: Start, redis_process: RedisProcess
) -> None:
    """alice spends her burst on one process; her window on the other gets no
    fresh one (the meters are in Redis); bob's meter is his own."""
    first, second = servers(2, "--accounts", "--rate", "0.01", "--burst", "3")
    place = Place([first.url, second.url], ["--redis", redis_process.url], lambda: "")

    async def scenario() -> None:
        alice_token, bob_token = await place.account("alice"), await place.account("bob")
        here, there, bob = await people("alice-1", "alice-2", "bob-w")

        async def work() -> None:
            await here.connect(first.url, token=alice_token)
            for i in range(3):
                assert "offset" in await here.call("send-message", f"m{i}", "", {"id": f"m{i}"})
            await there.connect(second.url, token=alice_token)
            refused = await there.call("send-message", "one more", "", {"id": "x"})
            assert refused["error"].startswith("slow down"), refused
            await bob.connect(second.url, token=bob_token)
            assert "offset" in await bob.call("send-message", "mine", "", {"id": "b"})

        await closing([here, there, bob], work())

    run_checked(scenario())


def test_replay_budgets_are_shared_through_redis(redis_process: RedisProcess) -> None:
    """Two processes' budgets on one Redis: a page one of them charged to a
    key is owed on the other; an address's likewise; other keys are free."""
    limits = ReplayLimits(client_burst=1000, client_rate=1, address_burst=5000, address_rate=1)

    async def scenario() -> None:
        stores = [RedisStore(redis_process.url, prefix="budgets") for _ in range(2)]
        try:
            here, there = (Budgets(limits, store.meters) for store in stores)
            assert await there.delay("k", "10.0.0.1") == 0
            await here.charge("k", "10.0.0.1", 1500)  # sent on credit
            assert 400 < await there.client_delay("k") < 600
            assert await there.client_delay("other") == 0
            await here.charge("k2", "10.0.0.1", 4000)
            assert await there.address_delay("10.0.0.1") > 0
            assert await there.address_delay("10.0.0.2") == 0
            assert len(here) == len(there) == 0  # nothing kept in either process
        finally:
            for store in stores:
                await store.close()

    run_checked(scenario())
