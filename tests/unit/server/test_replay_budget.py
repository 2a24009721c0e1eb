"""The replay budget on its own: a page on credit, then a wait; kept per key and address."""

from __future__ import annotations

import asyncio

from desktop_chat.server.replay import Budgets, ReplayLimits


def limits() -> ReplayLimits:
    return ReplayLimits(client_burst=1000, client_rate=1e-6, address_burst=1e9, address_rate=1e9)


def test_a_page_on_credit_then_a_wait() -> None:
    async def scenario() -> None:
        budgets = Budgets(limits())
        assert await budgets.delay("k", "ip") == 0
        await budgets.charge("k", "ip", 1500)  # a page larger than what was left: sent, owed
        assert await budgets.delay("k", "ip") > 1000
        assert await budgets.delay("other key", "ip") == 0

    asyncio.run(scenario())


def test_the_address_pays_too_for_clients_that_change_keys() -> None:
    async def scenario() -> None:
        budgets = Budgets(
            ReplayLimits(client_burst=1e9, client_rate=1e9, address_burst=1000, address_rate=1e-6)
        )
        await budgets.charge("k1", "10.0.0.1", 1500)
        assert await budgets.delay("k2", "10.0.0.1") > 0
        assert await budgets.delay("k2", "10.0.0.2") == 0

    asyncio.run(scenario())


def test_only_budgets_in_use_are_kept() -> None:
    async def scenario() -> None:
        budgets = Budgets(limits())
        await budgets.delay("idle", "ip")
        await budgets.charge("busy", "ip", 500)
        budgets.prune()
        assert len(budgets) == 1  # busy's key; idle's and the address's are full again

    asyncio.run(scenario())
