"""Retries with backoff and visible attempts; permanent errors and timeouts."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from agentcron.engine.retry import backoff
from tests.support.world import World

pytestmark = pytest.mark.anyio


async def _run_until_settled(world: World, execution_id, limit: int = 10) -> None:
    for _ in range(limit):
        [row] = [e for e in world.executions() if e.id == execution_id]
        if row.status not in ("pending", "running"):
            return
        if row.next_attempt_at is not None:
            world.clock.set(max(world.clock.now(), row.next_attempt_at))
        await world.fire()
    raise AssertionError("execution did not settle")


async def test_retryable_failures_are_retried_with_backoff_and_attempts_stay_visible(
    world: World,
) -> None:
    row = world.create(
        command_text="@flaky sync",
        schedule_type="interval",
        interval_value=1,
        interval_unit="hours",
    )
    slot = world.schedule(row.id).next_run_at
    await world.fire(slot)
    [execution] = world.executions(row.id)
    assert execution.status == "pending" and execution.attempt == 1
    assert "attempt 1" in execution.error_message
    first_retry = execution.next_attempt_at
    # backoff base 10 s, attempt 1: between 5 and 10 s
    assert timedelta(seconds=5) <= first_retry - slot <= timedelta(seconds=10)

    await world.fire(first_retry - timedelta(seconds=1))  # not yet
    assert world.executions(row.id)[0].attempt == 1
    await _run_until_settled(world, execution.id)

    [done] = world.executions(row.id)
    assert done.status == "success" and done.attempt == 3
    assert done.result_summary == "third time lucky"
    attempts = world.attempts(done.id)
    assert [(a.number, a.status) for a in attempts] == [
        (1, "failed"),
        (2, "failed"),
        (3, "success"),
    ]
    assert "attempt 2" in attempts[1].error_message
    assert done.trigger == "schedule" and done.scheduled_for == slot


async def test_retries_stop_after_max_retries(world: World) -> None:
    row = world.create(
        command_text="@broken sync",
        schedule_type="interval",
        interval_value=1,
        interval_unit="hours",
        max_retries=2,
    )
    await world.fire(world.schedule(row.id).next_run_at)
    [execution] = world.executions(row.id)
    await _run_until_settled(world, execution.id)
    [done] = world.executions(row.id)
    assert done.status == "failed" and done.attempt == 3
    assert [a.status for a in world.attempts(done.id)] == ["failed"] * 3
    assert world.schedule(row.id).last_status == "failed"


async def test_permanent_errors_are_not_retried(world: World) -> None:
    row = world.create(
        command_text="@refused sync",
        schedule_type="interval",
        interval_value=1,
        interval_unit="hours",
    )
    await world.fire(world.schedule(row.id).next_run_at)
    [done] = world.executions(row.id)
    assert done.status == "failed" and done.attempt == 1 and done.next_attempt_at is None
    assert "400 Bad Request" in done.error_message


async def test_unknown_agent_fails_permanently(world: World) -> None:
    row = world.create(
        command_text="@alice sync",
        schedule_type="interval",
        interval_value=1,
        interval_unit="hours",
    )
    world.settings.agents_file.write_text('[agents.bob]\nbackend = "echo"\n')
    assert world.registry.reload().ok
    await world.fire(world.schedule(row.id).next_run_at)
    [done] = world.executions(row.id)
    assert done.status == "failed" and done.attempt == 1
    assert "alice" in done.error_message


async def test_timeout_cancels_the_call_and_records_timed_out(world: World) -> None:
    row = world.create(
        command_text="@sleeper nap 30",
        schedule_type="interval",
        interval_value=1,
        interval_unit="hours",
        timeout_s=1,
        max_retries=0,
    )
    await world.fire(world.schedule(row.id).next_run_at)
    [done] = world.executions(row.id)
    assert done.status == "timed_out"
    assert 900 <= done.duration_ms < 5000
    assert "timed out after 1 s" in done.error_message


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    rng = random.Random(1)
    for attempt, full in [(1, 10), (2, 20), (3, 40), (4, 80), (10, 600)]:
        delay = backoff(attempt, 10, 600, rng).total_seconds()
        assert full / 2 <= delay <= full
