"""The fire loop on a moved clock: every slot once, on time, across DST; intervals that do
not drift; misfires; overlap; run-now."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from agentcron.store.schedules import spec_of
from agentcron.store.tables import Execution, ExecutionStatus
from agentcron.timing import build_trigger
from tests.support.world import World

pytestmark = pytest.mark.anyio


async def test_cron_fires_exactly_at_each_slot_over_a_dst_week(world: World) -> None:
    # America/New_York springs forward on 2026-03-08: 02:30 does not exist that day.
    world.clock.set(datetime(2026, 3, 4, 12, 0, tzinfo=UTC))
    nightly = world.create(
        command_text="@alice nightly",
        schedule_type="cron",
        cron_expression="30 2 * * *",
        timezone="America/New_York",
    )
    weekdays = world.create(
        command_text="@bob standup",
        schedule_type="cron",
        cron_expression="0 9 * * 1-5",
        timezone="America/New_York",
    )
    end = datetime(2026, 3, 12, 0, 0, tzinfo=UTC)
    expected = {nightly.id: [], weekdays.id: []}
    for row in (nightly, weekdays):
        trigger = build_trigger(spec_of(row))
        slot = trigger.next_after(world.clock.now())
        while slot is not None and slot < end:
            expected[row.id].append(slot)
            slot = trigger.next_after(slot)

    while True:
        due = [world.schedule(r.id).next_run_at for r in (nightly, weekdays)]
        nxt = min(d for d in due if d is not None)
        if nxt >= end:
            break
        await world.fire(nxt)

    for row in (nightly, weekdays):
        fired = [e.scheduled_for for e in world.executions(row.id)]
        assert fired == expected[row.id]
        assert all(e.status == ExecutionStatus.SUCCESS for e in world.executions(row.id))
        assert all(e.lag_ms == 0 for e in world.executions(row.id))
    # The skipped 02:30 on spring-forward day fires once, at 03:00 EDT (07:00 UTC).
    assert datetime(2026, 3, 8, 7, 0, tzinfo=UTC) in expected[nightly.id]
    assert len(expected[nightly.id]) == 7
    assert len(expected[weekdays.id]) == 6  # Wed 4 … Wed 11, weekends skipped


async def test_interval_never_drifts_when_executions_start_late(world: World) -> None:
    start = world.clock.now()
    row = world.create(
        command_text="@alice poll",
        schedule_type="interval",
        interval_value=10,
        interval_unit="minutes",
    )
    for k in range(1, 6):
        # Each turn happens 3 minutes late (within the grace period): a slow machine.
        await world.fire(start + timedelta(minutes=10 * k, seconds=180))
    slots = [e.scheduled_for for e in world.executions(row.id)]
    assert slots == [start + timedelta(minutes=10 * k) for k in range(1, 6)]
    assert all(e.lag_ms == 180_000 for e in world.executions(row.id))
    assert world.schedule(row.id).next_run_at == start + timedelta(minutes=60)


async def test_downtime_beyond_grace_records_one_missed_row(world: World) -> None:
    start = world.clock.now()
    row = world.create(
        command_text="@alice poll",
        schedule_type="interval",
        interval_value=5,
        interval_unit="minutes",
    )
    report = await world.fire(start + timedelta(hours=1, seconds=30))
    assert report.missed == 1 and report.started == 0
    [missed] = world.executions(row.id)
    assert missed.status == ExecutionStatus.MISSED
    assert missed.missed_count == 12
    assert missed.scheduled_for == start + timedelta(minutes=5)
    following = world.schedule(row.id).next_run_at
    assert following == start + timedelta(minutes=65)
    assert following > world.clock.now()


async def test_late_within_grace_runs_and_records_its_lag(world: World) -> None:
    start = world.clock.now()
    row = world.create(
        command_text="@alice poll",
        schedule_type="interval",
        interval_value=5,
        interval_unit="minutes",
        misfire_grace_s=300,
    )
    await world.fire(start + timedelta(minutes=5, seconds=299))
    [execution] = world.executions(row.id)
    assert execution.status == ExecutionStatus.SUCCESS
    assert execution.lag_ms == 299_000


async def test_slots_folded_into_a_late_run_leave_a_record(world: World) -> None:
    # A generous grace (1 h) lets a slot found 30 min late still run; the six slots that
    # came due meanwhile are not run one after another, and not dropped silently either.
    start = world.clock.now()
    row = world.create(
        command_text="@alice poll",
        schedule_type="interval",
        interval_value=5,
        interval_unit="minutes",
        misfire_grace_s=3600,
    )
    first = start + timedelta(minutes=5)
    report = await world.fire(first + timedelta(minutes=30, seconds=10))
    assert (report.started, report.skipped, report.missed) == (1, 1, 0)
    ran, folded = world.executions(row.id)
    assert (ran.scheduled_for, ran.status) == (first, ExecutionStatus.SUCCESS)
    assert folded.status == ExecutionStatus.SKIPPED
    assert folded.scheduled_for == first + timedelta(minutes=5)
    assert folded.missed_count == 6
    assert "folded into the run of" in (folded.error_message or "")
    assert world.schedule(row.id).next_run_at == first + timedelta(minutes=35)


async def test_a_month_of_downtime_counts_every_missed_cron_slot(world: World) -> None:
    row = world.create(
        command_text="@alice poll", schedule_type="cron", cron_expression="*/5 * * * *"
    )
    first = world.schedule(row.id).next_run_at
    report = await world.fire(first + timedelta(days=30))
    assert report.missed == 1
    [missed] = world.executions(row.id)
    assert missed.missed_count == 30 * 288 + 1


async def test_once_schedule_fires_once_and_disables_itself(world: World) -> None:
    at = world.clock.now() + timedelta(hours=2)
    row = world.create(command_text="@alice launch", schedule_type="once", run_at=at)
    await world.fire(at - timedelta(seconds=1))
    assert world.executions(row.id) == []
    await world.fire(at)
    await world.fire(at + timedelta(days=1))
    [execution] = world.executions(row.id)
    assert execution.scheduled_for == at and execution.status == ExecutionStatus.SUCCESS
    stored = world.schedule(row.id)
    assert stored.enabled is False and stored.next_run_at is None


async def test_metrics_from_the_agent_are_recorded(world: World) -> None:
    row = world.create(
        command_text="@metered check deprecated models",
        schedule_type="interval",
        interval_value=1,
        interval_unit="hours",
    )
    await world.fire(world.schedule(row.id).next_run_at)
    [execution] = world.executions(row.id)
    assert execution.status == ExecutionStatus.SUCCESS
    assert (execution.tokens_used, execution.llm_calls) == (42, 2)
    assert execution.result_summary == "checked: check deprecated models"
    assert execution.duration_ms is not None and execution.finished_at == world.clock.now()
    assert world.schedule(row.id).last_status == "success"
    [attempt] = world.attempts(execution.id)
    assert attempt.status == "success" and attempt.tokens_used == 42


async def test_overlap_skip_records_skipped_while_previous_runs(world: World) -> None:
    row = world.create(
        command_text="@blocker long job",
        schedule_type="interval",
        interval_value=5,
        interval_unit="minutes",
    )
    first = world.schedule(row.id).next_run_at
    world.clock.set(first)
    await world.engine.tick()  # starts and blocks
    second = first + timedelta(minutes=5)
    world.clock.set(second)
    report = await world.engine.tick()
    assert report.skipped == 1
    from tests.support import agents

    agents.RELEASE.set()
    await world.engine.wait_idle()
    statuses = [(e.scheduled_for, e.status) for e in world.executions(row.id)]
    assert statuses == [(first, "success"), (second, "skipped")]


async def test_overlap_skip_counts_a_run_waiting_to_retry_as_busy(world: World) -> None:
    # The first slot fails and waits for its retry (backoff 5-10 s at attempt 1); a slot
    # due meanwhile is skipped: the previous execution has not reached its outcome.
    row = world.create(
        command_text="@broken call upstream",
        schedule_type="interval",
        interval_value=5,
        interval_unit="minutes",
        max_retries=3,
    )
    first = world.schedule(row.id).next_run_at
    await world.fire(first)
    [waiting] = world.executions(row.id)
    assert waiting.status == "pending" and waiting.next_attempt_at is not None
    assert waiting.next_attempt_at > first
    # Let the second slot come before the retry is due (backoff moved past it).
    second = first + timedelta(minutes=5)
    with world.store.write() as session:
        session.get(Execution, waiting.id).next_attempt_at = second + timedelta(minutes=1)  # type: ignore[union-attr]
    report = await world.fire(second)
    assert report.skipped == 1
    statuses = [(e.scheduled_for, e.status) for e in world.executions(row.id)]
    assert statuses == [(first, "pending"), (second, "skipped")]
    [skipped] = [e for e in world.executions(row.id) if e.status == "skipped"]
    assert "waiting to retry" in (skipped.error_message or "")


async def test_overlap_allow_runs_beside_the_previous(world: World) -> None:
    row = world.create(
        command_text="@blocker long job",
        schedule_type="interval",
        interval_value=5,
        interval_unit="minutes",
        overlap="allow",
    )
    first = world.schedule(row.id).next_run_at
    world.clock.set(first)
    await world.engine.tick()
    world.clock.set(first + timedelta(minutes=5))
    report = await world.engine.tick()
    assert report.started == 1 and world.engine.running_count == 2
    from tests.support import agents

    agents.RELEASE.set()
    await world.engine.wait_idle()
    assert [e.status for e in world.executions(row.id)] == ["success", "success"]


async def test_run_now_goes_through_the_same_runner(world: World) -> None:
    row = world.create(
        command_text="@metered on demand",
        schedule_type="cron",
        cron_expression="0 9 * * *",
        enabled=False,
    )
    execution = world.schedules.run_now(world.user, row.id)
    assert execution.status == "pending" and execution.trigger == "manual"
    report = await world.fire()
    assert report.started == 1
    [done] = world.executions(row.id)
    assert done.id == execution.id and done.status == "success" and done.tokens_used == 42


async def test_disabled_schedules_do_not_fire(world: World) -> None:
    row = world.create(
        command_text="@alice poll",
        schedule_type="interval",
        interval_value=5,
        interval_unit="minutes",
    )
    world.schedules.set_enabled(world.user, row.id, False)
    await world.fire(world.clock.now() + timedelta(minutes=30))
    assert world.executions(row.id) == []


async def test_one_batch_can_mix_runs_misses_and_skips(world: World) -> None:
    start = world.clock.now()
    late = world.create(
        command_text="@alice late",
        schedule_type="interval",
        interval_value=5,
        interval_unit="minutes",
        misfire_grace_s=0,
    )
    busy = world.create(
        command_text="@blocker busy",
        schedule_type="interval",
        interval_value=5,
        interval_unit="minutes",
    )
    on_time = world.create(
        command_text="@alice on time",
        schedule_type="interval",
        interval_value=5,
        interval_unit="minutes",
        misfire_grace_s=600,
    )
    world.clock.set(start + timedelta(minutes=5))
    await world.engine.tick()  # busy starts and blocks; the others run
    while world.engine.running_count > 1:
        await asyncio.sleep(0.01)
    # Their outcomes are written before the next turn: on PostgreSQL a claim skips rows
    # that the outcome transaction still has locked, and would take them a turn later.
    await world.engine.recorder.flushed()
    world.clock.set(start + timedelta(minutes=10, seconds=30))
    report = await world.engine.tick()
    assert (report.started, report.missed, report.skipped) == (1, 1, 1)
    from tests.support import agents

    agents.RELEASE.set()
    await world.engine.wait_idle()
    assert [e.status for e in world.executions(late.id)] == ["success", "missed"]
    assert [e.status for e in world.executions(busy.id)] == ["success", "skipped"]
    assert [e.status for e in world.executions(on_time.id)] == ["success", "success"]
