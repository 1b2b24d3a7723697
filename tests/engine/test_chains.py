"""Dependency chains in the engine: an `after` schedule runs once per upstream slot, created
in the transaction that records its upstream's final outcome (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from agentcron.engine.chains import FENCE_CLOSE, FENCE_OPEN, after_finish, bounded, fires
from agentcron.engine.clock import ManualClock
from agentcron.engine.loop import Engine
from agentcron.engine.notices import Final
from agentcron.store.tables import ExecutionStatus
from tests.support import agents
from tests.support.world import World

pytestmark = pytest.mark.anyio

HOURLY: dict[str, Any] = {
    "schedule_type": "interval",
    "interval_value": 1,
    "interval_unit": "hours",
}


async def _settle(world: World, limit: int = 12) -> None:
    """Run turns (moving the clock to each retry) until nothing is waiting."""
    for _ in range(limit):
        waiting = [e for e in world.executions() if e.status in ("pending", "running")]
        if not waiting:
            return
        due = [e.next_attempt_at for e in waiting if e.next_attempt_at is not None]
        if due:
            world.clock.set(max(world.clock.now(), min(due)))
        await world.fire()
    raise AssertionError("executions did not settle")


async def test_a_success_starts_its_child_for_the_same_slot(world: World) -> None:
    a = world.create(command_text="@alice check the deploy", key="check", **HOURLY)
    b = world.create(
        command_text="@bob summarise: {{upstream.summary}} [{{upstream.status}}]",
        after_schedule_id="check",
        after_on="success",
    )
    assert world.schedule(b.id).next_run_at is None  # no clock of its own
    slot = world.schedule(a.id).next_run_at
    await world.fire(slot)
    [up] = world.executions(a.id)
    assert up.status == "success"
    [down] = world.executions(b.id)
    assert down.status == "pending" and down.trigger == "chain"
    assert down.scheduled_for == slot and down.upstream_execution_id == up.id
    await world.fire()
    [down] = world.executions(b.id)
    assert down.status == "success"
    # The echo agent says back what it was told: the rendered command and the fenced record.
    assert "summarise: check the deploy [success]" in down.output
    assert FENCE_OPEN in down.output and FENCE_CLOSE in down.output
    assert str(up.id) in down.output
    # The next slot of A starts B again: once per slot.
    await world.fire(slot + timedelta(hours=1))
    await world.fire()
    assert [e.scheduled_for for e in world.executions(b.id)] == [slot, slot + timedelta(hours=1)]


async def test_failure_fires_only_after_the_retries_are_spent(world: World) -> None:
    a = world.create(command_text="@broken sync", max_retries=2, key="sync", **HOURLY)
    on_failure = world.create(
        command_text="@bob page someone", after_schedule_id="sync", after_on="failure"
    )
    on_success = world.create(command_text="@bob celebrate", after_schedule_id="sync")
    always = world.create(command_text="@bob tidy up", after_schedule_id="sync", after_on="always")
    await world.fire(world.schedule(a.id).next_run_at)
    [up] = world.executions(a.id)
    assert up.status == "pending" and up.attempt == 1  # waiting to retry: not final
    assert world.executions(on_failure.id) == []
    await _settle(world)
    [up] = world.executions(a.id)
    assert up.status == "failed" and up.attempt == 3
    assert [e.status for e in world.executions(on_failure.id)] == ["success"]
    assert [e.status for e in world.executions(always.id)] == ["success"]
    assert world.executions(on_success.id) == []


async def test_a_disabled_child_gets_a_skipped_row_saying_why(world: World) -> None:
    a = world.create(command_text="@alice check", key="check", **HOURLY)
    b = world.create(command_text="@bob summarise", after_schedule_id="check", enabled=False)
    await world.fire(world.schedule(a.id).next_run_at)
    [down] = world.executions(b.id)
    assert down.status == "skipped" and down.trigger == "chain"
    assert "disabled" in down.error_message
    await world.fire()
    assert [e.status for e in world.executions(b.id)] == ["skipped"]


async def test_run_now_starts_the_chain_unless_asked_not_to(world: World) -> None:
    a = world.create(command_text="@alice check", key="check", **HOURLY)
    b = world.create(command_text="@bob summarise", after_schedule_id="check")
    first = world.schedules.run_now(world.user, a.id)
    await world.fire()
    await world.fire()
    [down] = world.executions(b.id)
    assert down.upstream_execution_id == first.id and down.status == "success"
    world.clock.advance(timedelta(seconds=1))
    world.schedules.run_now(world.user, a.id, chain=False)
    await world.fire()
    await world.fire()
    assert len(world.executions(a.id)) == 2
    assert len(world.executions(b.id)) == 1


async def test_cancelled_skipped_and_missed_outcomes_fire_nothing(world: World) -> None:
    a = world.create(command_text="@alice check", key="check", **HOURLY)
    b = world.create(command_text="@bob summarise", after_schedule_id="check", after_on="always")
    run = world.schedules.run_now(world.user, a.id)
    for status in (ExecutionStatus.CANCELLED, ExecutionStatus.SKIPPED, ExecutionStatus.MISSED):
        with world.store.write() as session:
            final = Final(run.id, a.id, world.user.id, status)
            assert after_finish(session, world.clock.now(), [final]) == []
    assert world.executions(b.id) == []
    assert not fires("always", ExecutionStatus.CANCELLED)
    assert fires("failure", ExecutionStatus.TIMED_OUT) and not fires(
        "failure", ExecutionStatus.SUCCESS
    )


async def test_the_same_final_outcome_seen_twice_creates_one_child_run(world: World) -> None:
    """A late outcome and recovery may both report an end: the slot key keeps one row."""
    a = world.create(command_text="@alice check", key="check", **HOURLY)
    b = world.create(command_text="@bob summarise", after_schedule_id="check")
    run = world.schedules.run_now(world.user, a.id)
    final = Final(run.id, a.id, world.user.id, ExecutionStatus.SUCCESS)
    for _ in range(2):
        with world.store.write() as session:
            after_finish(session, world.clock.now(), [final])
    assert len(world.executions(b.id)) == 1


async def test_upstream_output_is_bounded_in_the_command(world: World) -> None:
    a = world.create(command_text="@metered check", key="check", **HOURLY)
    b = world.create(command_text="@bob read {{upstream.output}}", after_schedule_id="check")
    run = world.schedules.run_now(world.user, a.id)
    await world.fire()
    with world.store.write() as session:  # an upstream that printed a lot
        from agentcron.store.tables import Execution

        session.get(Execution, run.id).output = "x" * 20_000  # type: ignore[union-attr]
    [down] = world.executions(b.id)
    await world.fire()
    [down] = world.executions(b.id)
    assert "truncated: 11,808 more bytes" in down.output
    text = bounded("y" * 20_000)
    assert len(text.encode()) <= 8 * 1024 and "truncated" in text


def _engine(world: World, name: str) -> Engine:
    return Engine(
        world.store,
        world.registry,
        world.clock,
        world.settings,
        world.services.bus,
        worker_id=name,
        rng=random.Random(5),
    )


@pytest.mark.postgres
async def test_two_engines_run_each_child_once_per_upstream_slot(
    postgres_url: str, clock: ManualClock, tmp_path: Path
) -> None:
    agents.reset()
    world = World.build(postgres_url, clock, tmp_path)
    other = _engine(world, "w-other")
    try:
        parents = [
            world.create(command_text=f"@alice check {i}", key=f"p{i}", **HOURLY) for i in range(12)
        ]
        children = [
            world.create(
                command_text=f"@bob follow {i}", after_schedule_id=f"p{i}", after_on="always"
            )
            for i in range(12)
        ]
        slot = world.schedule(parents[0].id).next_run_at
        for hour in range(3):
            clock.set(slot + timedelta(hours=hour, seconds=1))
            for _ in range(3):
                await asyncio.gather(world.engine.tick(), other.tick())
                await asyncio.gather(world.engine.wait_idle(), other.wait_idle())
        for parent, child in zip(parents, children, strict=True):
            ups = world.executions(parent.id)
            downs = world.executions(child.id)
            assert len(ups) == 3 and all(e.status == "success" for e in ups)
            assert sorted(e.scheduled_for for e in downs) == sorted(e.scheduled_for for e in ups)
            assert all(e.status == "success" and e.attempt == 1 for e in downs)
    finally:
        await other.wait_idle()
        await other.recorder.stop()
        await world.close()


async def test_a_run_recovered_from_a_lost_worker_starts_its_failure_chain(world: World) -> None:
    a = world.create(command_text="@blocker job", key="job", max_retries=0, **HOURLY)
    b = world.create(
        command_text="@bob investigate {{upstream.status}}",
        after_schedule_id="job",
        after_on="failure",
    )
    slot = world.schedule(a.id).next_run_at
    doomed = _engine(world, "w-doomed")
    world.clock.set(slot)
    await doomed.tick()  # claims and starts, then "dies"
    for task in list(doomed.attempts.tasks):
        task.cancel()
    await asyncio.gather(*doomed.attempts.tasks, return_exceptions=True)
    world.clock.set(slot + timedelta(seconds=world.settings.lease_s + 1))
    report = await world.engine.tick()
    assert report.recovered == 1
    [up] = world.executions(a.id)
    assert up.status == "failed"
    [down] = world.executions(b.id)
    assert down.trigger == "chain" and down.scheduled_for == slot
    await world.fire()
    [down] = world.executions(b.id)
    assert down.status == "success" and "investigate failed" in down.output
    agents.RELEASE.set()
    await doomed.recorder.stop()
