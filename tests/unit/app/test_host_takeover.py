"""The host lock and the takeover on their own (app/host_takeover.py): plain
asyncio, a real lock file, a fake "is anything listening" (no sockets)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from desktop_chat.app.host_takeover import HostLock, Takeover, host_lock_path
from desktop_chat.client.status import ConnectionState
from tests.helpers import run_checked, until


def test_the_host_lock_is_held_by_one_at_a_time_and_free_again_once_released(
    tmp_path: Path,
) -> None:
    path = host_lock_path(tmp_path / "data", 3000)
    first, second = HostLock(path), HostLock(path)
    assert first.try_acquire() and first.held
    assert first.try_acquire()  # held already: still this one's
    assert not second.try_acquire() and not second.held
    first.release()
    assert second.try_acquire()
    assert not first.try_acquire()
    second.release()


class World:
    """One port: a server listens there or not; windows host it through the lock."""

    def __init__(self, tmp_path: Path) -> None:
        self.lock_path = host_lock_path(tmp_path, 3000)
        self.listening = False
        self.hosts: list[str] = []
        self.reconnects: list[str] = []
        self.looks: dict[str, int] = {}  # how often each window looked at the port

    def window(self, name: str, *, can_host: bool = True) -> Takeover:
        self.looks[name] = 0

        async def is_listening(_host: str, _port: int) -> bool:
            await asyncio.sleep(0)
            self.looks[name] += 1
            return self.listening

        async def host() -> bool:
            await asyncio.sleep(0.01)  # the server's thread starting
            if not can_host:
                return False
            self.hosts.append(name)
            self.listening = True
            return True

        return Takeover(
            HostLock(self.lock_path),
            3000,
            host=host,
            reconnect=lambda: self.reconnects.append(name),
            listening=is_listening,
        )


def test_of_many_windows_that_lose_the_server_exactly_one_hosts_and_the_others_reconnect(
    tmp_path: Path,
) -> None:
    async def scenario() -> None:
        world = World(tmp_path)
        host = HostLock(world.lock_path)
        assert host.try_acquire()  # the hosting window, still closing
        windows = [world.window(f"w{i}") for i in range(5)]
        for window in windows:
            window.status(ConnectionState.RECONNECTING)
        # Each looks a few times; nobody hosts while the closing host holds the lock.
        await until(lambda: min(world.looks.values()) >= 3, 5)
        assert world.hosts == []
        host.release()
        await until(lambda: bool(world.hosts) and len(world.reconnects) == 5, 5)
        assert len(world.hosts) == 1
        taker = next(w for w in windows if w.hosting)
        assert taker.lock.held
        assert sorted(world.reconnects) == sorted(f"w{i}" for i in range(5))
        assert [w for w in windows if w.lock.held] == [taker]
        for window in windows:
            await window.close()
        taker.lock.release()  # as the session does, once its server has stopped

    run_checked(scenario())


def test_a_server_someone_else_started_is_joined_and_the_lock_let_go(tmp_path: Path) -> None:
    async def scenario() -> None:
        world = World(tmp_path)
        world.listening = True  # started by hand, without the lock
        window = world.window("w")
        window.status(ConnectionState.RECONNECTING)
        await until(lambda: window._watch is not None and window._watch.done(), 5)
        assert world.hosts == [] and not window.hosting and not window.lock.held
        await window.close()

    run_checked(scenario())


def test_a_window_that_cannot_host_lets_go_and_tries_no_more_until_connected(
    tmp_path: Path,
) -> None:
    async def scenario() -> None:
        world = World(tmp_path)
        broken = world.window("broken", can_host=False)
        broken.status(ConnectionState.RECONNECTING)
        await until(lambda: broken._watch is not None and broken._watch.done(), 5)
        assert not broken.lock.held and not broken.hosting
        broken.status(ConnectionState.RECONNECTING)
        assert broken._watch is not None and broken._watch.done()  # not again
        other = world.window("other")
        other.status(ConnectionState.RECONNECTING)
        await until(lambda: world.hosts == ["other"], 5)
        broken.status(ConnectionState.CONNECTED)
        await broken.close()
        await other.close()
        other.lock.release()

    run_checked(scenario())


def test_a_closing_window_stops_looking_and_never_hosts(tmp_path: Path) -> None:
    async def scenario() -> None:
        world = World(tmp_path)
        holder = HostLock(world.lock_path)
        assert holder.try_acquire()
        window = world.window("w")
        window.status(ConnectionState.RECONNECTING)
        await until(lambda: world.looks["w"] >= 2, 5)
        await window.close()
        holder.release()
        window.status(ConnectionState.RECONNECTING)  # after close: nothing starts
        assert window._watch is None
        assert world.hosts == [] and not window.lock.held

    run_checked(scenario())


def test_the_hosting_window_losing_its_own_connection_keeps_the_lock(tmp_path: Path) -> None:
    async def scenario() -> None:
        world = World(tmp_path)
        world.listening = True
        hosting = world.window("host")
        assert hosting.lock.try_acquire()  # it hosts (app/session.py took the lock)
        hosting.status(ConnectionState.RECONNECTING)
        other = world.window("other")
        other.status(ConnectionState.RECONNECTING)
        await until(lambda: other._watch is not None and other._watch.done(), 5)
        assert hosting.lock.held and not other.lock.held
        await hosting.close()
        await other.close()
        hosting.lock.release()

    run_checked(scenario())
