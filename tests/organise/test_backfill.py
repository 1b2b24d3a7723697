"""Backfill: one execution per past slot without one, oldest first under the schedule's
overlap policy; idempotent; refusals name the field."""

from __future__ import annotations

from datetime import timedelta

import pytest

from agentcron.errors import InvalidInput, NotFound
from agentcron.service.backfill import BackfillService
from tests.conftest import START
from tests.support.world import World

pytestmark = pytest.mark.anyio

HOURLY = {"schedule_type": "cron", "cron_expression": "0 * * * *"}
H = timedelta(hours=1)


def backfill(world: World) -> BackfillService:
    return BackfillService(world.services, world.schedules)


async def test_backfill_queues_the_missing_slots_runs_them_in_order_and_is_idempotent(
    world: World,
) -> None:
    row = world.create(command_text="@alice check billing", **HOURLY)
    await world.fire(START + H)  # 13:00 runs
    world.clock.set(START + 5 * H + timedelta(minutes=30))
    preview = backfill(world).backfill(
        world.user, row.id, START + H / 2, START + 4 * H, dry_run=True
    )
    assert preview.slots == [START + 2 * H, START + 3 * H, START + 4 * H]
    assert (preview.created, preview.existing) == (0, 1)
    assert len(world.executions(row.id)) == 1  # a preview queues nothing

    done = backfill(world).backfill(world.user, row.id, START + H / 2, START + 4 * H)
    assert (done.created, done.existing) == (3, 1)
    assert done.slots == preview.slots
    again = backfill(world).backfill(world.user, row.id, START + H / 2, START + 4 * H)
    assert (again.created, again.existing, again.slots) == (0, 4, [])

    # overlap: skip, so one at a time, oldest first, each waiting for the one before.
    started = []
    for _ in range(3):
        report = await world.fire()
        started.append(report.started)
        world.clock.advance(seconds=5)
    assert started == [1, 1, 1]
    backfilled = [e for e in world.executions(row.id) if e.trigger == "backfill"]
    assert [e.scheduled_for for e in backfilled] == preview.slots
    assert {e.status for e in backfilled} == {"success"}
    order = sorted(backfilled, key=lambda e: e.started_at)  # type: ignore[arg-type, return-value]
    assert [e.scheduled_for for e in order] == preview.slots


async def test_with_overlap_allowed_they_start_together(world: World) -> None:
    row = world.create(command_text="@alice check billing", overlap="allow", **HOURLY)
    world.schedules.set_enabled(world.user, row.id, False)  # a paused schedule backfills too
    world.clock.set(START + 4 * H)
    backfill(world).backfill(world.user, row.id, START, START + 3 * H)
    report = await world.fire()
    assert report.started == 4  # 12:00 to 15:00, both ends included


async def test_refusals_name_the_field(world: World) -> None:
    row = world.create(command_text="@alice check billing", **HOURLY)
    world.clock.set(START + 6 * H)
    cases = [
        ((START, START + 7 * H), {}, ["to"]),
        ((START, START + 5 * H), {"limit": 2}, ["limit"]),
        ((START + 2 * H, START + H), {}, ["from"]),
        ((START, START + H), {"limit": 0}, ["limit"]),
        ((None, START + H), {}, ["from"]),
        ((START.replace(tzinfo=None), START + H), {}, ["from"]),
    ]
    for (start, end), extra, fields in cases:
        with pytest.raises(InvalidInput) as refused:
            backfill(world).backfill(world.user, row.id, start, end, **extra)  # type: ignore[arg-type]
        assert [p.field for p in refused.value.problems] == fields
    bea = world.users.create("bea", "UTC")
    with pytest.raises(NotFound):
        backfill(world).backfill(bea, row.id, START, START + H)
    assert world.executions(row.id) == []
