"""Events across instances on PostgreSQL: NOTIFY out of one process's bus, LISTEN into another's."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator

import pytest

from agentcron.engine.events import EventBus
from agentcron.engine.pgnotify import PostgresRelay

pytestmark = [pytest.mark.anyio, pytest.mark.postgres]


async def _until(flag: threading.Event, expected: bool = True) -> None:
    for _ in range(500):
        if flag.is_set() == expected:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"the relay's flag did not become {expected}")


@contextlib.asynccontextmanager
async def _instances(
    url: str, *origins: str
) -> AsyncIterator[list[tuple[EventBus, PostgresRelay]]]:
    """One bus per origin, each with its relay started and connected; stopped at the end."""
    loop = asyncio.get_running_loop()
    pairs = []
    for origin in origins:
        bus = EventBus(origin)
        bus.bind(loop)
        pairs.append((bus, PostgresRelay(url, bus)))
    for _, relay in pairs:
        relay.start()
    try:
        for _, relay in pairs:
            await _until(relay.connected)
        yield pairs
    finally:
        for _, relay in pairs:
            await asyncio.to_thread(relay.stop)


async def test_an_event_published_on_one_instance_reaches_another(postgres_url: str) -> None:
    async with _instances(postgres_url, "instance-a", "instance-b") as pairs:
        (here, _), (there, there_relay) = pairs
        woken: list[str] = []
        there.on_event(lambda event: woken.append(event.kind))
        async with there.subscribe("user-1") as theirs, here.subscribe("user-1") as ours:
            here.publish("schedule.created", "user-1", schedule_id="s1")
            event = await asyncio.wait_for(theirs.get(), 10)
            assert (event.kind, event.data, event.origin) == (
                "schedule.created",
                {"schedule_id": "s1"},
                "instance-a",
            )
            assert (await asyncio.wait_for(ours.get(), 1)).kind == "schedule.created"
            await asyncio.sleep(0.3)
            assert ours.empty(), "an instance must not hear its own event twice"
            await _until(there_relay.watching)
            here.publish("execution.finished", "user-1", execution_id="e0")
            progress = await asyncio.wait_for(theirs.get(), 10)
            assert (progress.kind, progress.data) == ("execution.finished", {"execution_id": "e0"})
            here.publish("execution.finished", "user-2", execution_id="e1")
            await asyncio.sleep(0.3)
            assert theirs.empty(), "another user's event must not reach this subscriber"
        assert "schedule.created" in woken


async def test_an_instance_nobody_watches_hears_only_what_wakes_it(postgres_url: str) -> None:
    """A worker with no live view does not listen to the others' execution progress, so a
    burst on one worker costs the others nothing; new work still wakes it."""
    async with _instances(postgres_url, "busy-worker", "idle-worker") as pairs:
        (busy, _), (idle, idle_relay) = pairs
        heard: list[str] = []
        idle.on_event(lambda event: heard.append(event.kind))
        assert not idle_relay.watching.is_set()
        for i in range(200):
            busy.publish("execution.started", "user-1", execution_id=f"e{i}")
            busy.publish("execution.finished", "user-1", execution_id=f"e{i}")
        busy.publish("schedule.created", "user-1", schedule_id="s1")
        for _ in range(500):
            if "schedule.created" in heard:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.3)
        assert heard == ["schedule.created"]
        async with idle.subscribe(None):  # someone opens a live view: progress flows again
            await _until(idle_relay.watching)
        await _until(idle_relay.watching, False)
