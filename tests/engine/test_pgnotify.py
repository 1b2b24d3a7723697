"""Events across instances on PostgreSQL: NOTIFY out of one process's bus, LISTEN into another's."""

from __future__ import annotations

import asyncio

import pytest

from agentcron.engine.events import EventBus
from agentcron.engine.pgnotify import PostgresRelay

pytestmark = [pytest.mark.anyio, pytest.mark.postgres]


async def _connected(relay: PostgresRelay) -> None:
    for _ in range(500):
        if relay.connected.is_set():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the relay did not connect")


async def test_an_event_published_on_one_instance_reaches_another(postgres_url: str) -> None:
    loop = asyncio.get_running_loop()
    here, there = EventBus("instance-a"), EventBus("instance-b")
    here.bind(loop)
    there.bind(loop)
    woken: list[str] = []
    there.on_event(lambda event: woken.append(event.kind))
    relays = [PostgresRelay(postgres_url, bus) for bus in (here, there)]
    for relay in relays:
        relay.start()
    try:
        for relay in relays:
            await _connected(relay)
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
            await _watching(relays[1])
            here.publish("execution.finished", "user-1", execution_id="e0")
            progress = await asyncio.wait_for(theirs.get(), 10)
            assert (progress.kind, progress.data) == ("execution.finished", {"execution_id": "e0"})
            here.publish("execution.finished", "user-2", execution_id="e1")
            await asyncio.sleep(0.3)
            assert theirs.empty(), "another user's event must not reach this subscriber"
        assert "schedule.created" in woken
    finally:
        for relay in relays:
            await asyncio.to_thread(relay.stop)


async def _watching(relay: PostgresRelay, watching: bool = True) -> None:
    for _ in range(500):
        if relay.watching.is_set() == watching:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"the relay's watching flag did not become {watching}")


async def test_an_instance_nobody_watches_hears_only_what_wakes_it(postgres_url: str) -> None:
    """A worker with no live view does not listen to the others' execution progress, so a
    burst on one worker costs the others nothing; new work still wakes it."""
    loop = asyncio.get_running_loop()
    busy, idle = EventBus("busy-worker"), EventBus("idle-worker")
    for bus in (busy, idle):
        bus.bind(loop)
    heard: list[str] = []
    idle.on_event(lambda event: heard.append(event.kind))
    relays = [PostgresRelay(postgres_url, bus) for bus in (busy, idle)]
    for relay in relays:
        relay.start()
    try:
        for relay in relays:
            await _connected(relay)
        assert not relays[1].watching.is_set()
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
            await _watching(relays[1])
        await _watching(relays[1], False)
    finally:
        for relay in relays:
            await asyncio.to_thread(relay.stop)
