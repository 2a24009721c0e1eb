"""The test helpers themselves: run_checked fails a test on an unhandled loop error."""

from __future__ import annotations

import asyncio

import pytest

from tests.helpers import run_checked


def test_run_checked_returns_what_the_coroutine_returns() -> None:
    async def answer() -> int:
        await asyncio.sleep(0)
        return 42

    assert run_checked(answer()) == 42


def test_a_callback_that_raises_fails_the_test() -> None:
    async def scenario() -> None:
        def broken() -> None:
            raise RuntimeError("callback broke")

        asyncio.get_running_loop().call_soon(broken)
        await asyncio.sleep(0.01)

    with pytest.raises(AssertionError, match=r"unhandled errors in the event loop.*callback broke"):
        run_checked(scenario())


def test_a_background_task_that_died_unawaited_fails_the_test() -> None:
    """What asyncio.run lets pass: the task's error is only logged when it is collected."""

    async def scenario() -> None:
        async def dies() -> None:
            raise ValueError("background task broke")

        task = asyncio.ensure_future(dies())
        await asyncio.sleep(0.01)
        assert task.done()
        del task  # nobody looks at its exception

    with pytest.raises(AssertionError, match="background task broke"):
        run_checked(scenario())
    asyncio.run(scenario())  # the bare runner passes over it (it only logs)


def test_a_failing_test_keeps_its_own_error_and_names_the_loop_errors() -> None:
    async def scenario() -> None:
        asyncio.get_running_loop().call_soon(lambda: 1 / 0)
        await asyncio.sleep(0.01)
        raise KeyError("the test's own failure")

    with pytest.raises(KeyError) as info:
        run_checked(scenario())
    assert any("ZeroDivisionError" in note for note in info.value.__notes__)
