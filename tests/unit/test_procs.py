"""tests/procs.py, the one helper for child processes: reads in order, fails fast and says why."""

from __future__ import annotations

import sys

import pytest

from tests.helpers import run_checked
from tests.procs import Child, ChildExitedError

SCRIPT = r"""
import json, sys
print(json.dumps({"event": "ready"}), flush=True)
for line in sys.stdin:
    command = json.loads(line)
    if command["cmd"] == "echo":
        print(json.dumps({"event": "echo", "text": command["text"]}), flush=True)
    elif command["cmd"] == "fail":
        print("going down", file=sys.stderr, flush=True)
        sys.exit(3)
"""


def test_a_dialogue_is_read_in_order_sync_and_async() -> None:
    child = Child("echo", [sys.executable, "-c", SCRIPT])
    try:
        assert child.next_event(10, event="ready") == {"event": "ready"}
        for text in ("one", "two"):
            child.command(cmd="echo", text=text)
        assert child.next_event(10, event="echo")["text"] == "one"
        assert child.next_event(10, event="echo")["text"] == "two"
        # From the start, both are there; in order, nothing more is.
        assert [e["text"] for e in child.events_where(event="echo")] == ["one", "two"]

        async def more() -> str:
            child.command(cmd="echo", text="three")
            event = await child.anext_event(10, event="echo")
            return str(event["text"])

        assert run_checked(more()) == "three"
        child.command(cmd="fail")
        assert child.exit_code(10) == 3
        assert child.text("stderr") == "going down"
    finally:
        child.reap()


def test_waiting_on_a_child_that_died_fails_at_once_with_its_output() -> None:
    child = Child("dies", [sys.executable, "-c", "print('last words'); raise SystemExit(2)"])
    try:
        with pytest.raises(ChildExitedError, match=r"dies exited \(2\)[\s\S]*last words"):
            child.next_event(60, event="never")
    finally:
        child.reap()


def test_a_timeout_says_what_was_awaited_and_what_the_child_printed() -> None:
    child = Child("quiet", [sys.executable, "-c", SCRIPT])
    try:
        with pytest.raises(AssertionError, match=r"timed out after 0.3 s waiting for the answer"):
            child.wait_event("the answer", 0.3, event="answer")
        child.close(grace=10)  # end of stdin: it ends by itself
        assert child.returncode == 0
    finally:
        child.reap()
