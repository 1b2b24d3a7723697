"""Lost workers and shutdown: every execution ends, none runs twice."""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta

import pytest

from agentcron.engine.loop import Engine
from agentcron.engine.recovery import HANDED_BACK, WORKER_LOST
from tests.support import agents
from tests.support.world import World

pytestmark = pytest.mark.anyio


async def _until(condition, limit: float = 10.0) -> None:
    """The started loop runs on its own task: give it turns until it has done its part."""
    for _ in range(int(limit / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the engine's loop did not get there")


def _second_engine(world: World, name: str) -> Engine:
    return Engine(
        world.store,
        world.registry,
        world.clock,
        world.settings,
        world.services.bus,
        worker_id=name,
        rng=random.Random(3),
    )


async def test_expired_lease_is_recovered_and_retried(world: World) -> None:
    row = world.create(
        command_text="@blocker job",
        schedule_type="interval",
        interval_value=1,
        interval_unit="hours",
    )
    slot = world.schedule(row.id).next_run_at
    doomed = _second_engine(world, "w-doomed")
    world.clock.set(slot)
    await doomed.tick()  # claims and starts, then "dies": its task is abandoned below
    [execution] = world.executions(row.id)
    assert execution.status == "running" and execution.worker_id == "w-doomed"
    for task in list(doomed.attempts.tasks):
        task.cancel()
    await asyncio.gather(*doomed.attempts.tasks, return_exceptions=True)

    world.clock.set(slot + timedelta(seconds=world.settings.lease_s + 1))
    report = await world.engine.tick()
    assert report.recovered == 1
    [execution] = world.executions(row.id)
    assert execution.status == "pending" and execution.error_message == WORKER_LOST

    agents.RELEASE.set()
    world.clock.set(execution.next_attempt_at)
    await world.fire()
    [done] = world.executions(row.id)
    assert done.status == "success" and done.attempt == 2 and done.worker_id == "w-test"
    assert [(a.status, a.error_message) for a in world.attempts(done.id)] == [
        ("failed", WORKER_LOST),
        ("success", None),
    ]


async def test_lost_worker_without_retries_left_fails_with_the_reason(world: World) -> None:
    row = world.create(
        command_text="@blocker job",
        schedule_type="interval",
        interval_value=1,
        interval_unit="hours",
        max_retries=0,
    )
    slot = world.schedule(row.id).next_run_at
    doomed = _second_engine(world, "w-doomed")
    world.clock.set(slot)
    await doomed.tick()
    for task in list(doomed.attempts.tasks):
        task.cancel()
    await asyncio.gather(*doomed.attempts.tasks, return_exceptions=True)
    world.clock.set(slot + timedelta(minutes=5))
    await world.engine.tick()
    [done] = world.executions(row.id)
    assert done.status == "failed" and done.error_message == WORKER_LOST
    assert done.finished_at == world.clock.now()


async def test_a_late_outcome_from_a_lost_worker_is_not_recorded_twice(world: World) -> None:
    row = world.create(
        command_text="@blocker job",
        schedule_type="interval",
        interval_value=1,
        interval_unit="hours",
        max_retries=0,
    )
    slot = world.schedule(row.id).next_run_at
    slow = _second_engine(world, "w-slow")
    world.clock.set(slot)
    await slow.tick()
    world.clock.set(slot + timedelta(minutes=5))
    await world.engine.tick()  # recovers: failed, worker lost
    agents.RELEASE.set()
    await slow.wait_idle()  # the slow worker finally reports success: dropped
    [done] = world.executions(row.id)
    assert done.status == "failed" and done.error_message == WORKER_LOST
    await slow.recorder.stop()


async def test_shutdown_hands_back_unfinished_work_without_using_a_retry(world: World) -> None:
    row = world.create(
        command_text="@blocker job",
        schedule_type="interval",
        interval_value=1,
        interval_unit="hours",
        max_retries=0,
    )
    slot = world.schedule(row.id).next_run_at
    world.clock.set(slot)
    leaving = _second_engine(world, "w-leaving")
    await leaving.start()  # its loop claims the due slot at once
    await _until(lambda: leaving.running_count == 1)
    await leaving.stop(grace_s=0.05)
    [execution] = world.executions(row.id)
    assert execution.status == "pending" and execution.worker_id is None

    agents.RELEASE.set()
    await world.fire()
    [done] = world.executions(row.id)
    assert done.status == "success" and done.attempt == 2
    assert [(a.status, a.error_message) for a in world.attempts(done.id)] == [
        ("cancelled", HANDED_BACK),
        ("success", None),
    ]


async def test_graceful_shutdown_lets_short_work_finish(world: World) -> None:
    row = world.create(
        command_text="@sleeper nap 0.2",
        schedule_type="interval",
        interval_value=1,
        interval_unit="hours",
    )
    world.clock.set(world.schedule(row.id).next_run_at)
    engine = _second_engine(world, "w-graceful")
    await engine.start()
    await _until(lambda: engine.running_count == 1)
    await engine.stop(grace_s=10)
    [done] = world.executions(row.id)
    assert done.status == "success" and done.attempt == 1
