"""A pause with a note, or until a time: who, when, why and until when are kept; at `until`
the engine resumes the schedule once (across instances), from its next slot after now, and
records the slots in between as one skipped execution with their count."""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta
from pathlib import Path

import pytest

from agentcron.engine.clock import ManualClock
from agentcron.engine.loop import Engine
from agentcron.errors import InvalidInput
from agentcron.service import ScheduleDraft
from agentcron.service.pauses import PauseService
from tests.conftest import START
from tests.support import agents
from tests.support.world import World

pytestmark = pytest.mark.anyio

HOURLY = {"schedule_type": "cron", "cron_expression": "0 * * * *"}


def pauses(world: World) -> PauseService:
    return PauseService(world.services, world.schedules)


async def test_pause_until_resumes_once_and_records_the_skipped_slots(world: World) -> None:
    row = world.create(command_text="@alice check billing", **HOURLY)
    until = START + timedelta(hours=3, minutes=30)  # 12:00 → 15:30: 13, 14 and 15 skipped
    view = pauses(world).pause(world.user, row.id, note="waiting for the vendor", until=until)
    paused = view.row
    assert (paused.enabled, paused.paused_by, paused.paused_at) == (False, "user", START)
    assert (paused.paused_note, paused.paused_until) == ("waiting for the vendor", until)
    assert view.next_runs == []

    await world.fire(START + timedelta(hours=2))  # still paused: nothing runs
    assert world.executions(row.id) == []

    await world.fire(until)
    resumed = world.schedule(row.id)
    assert resumed.enabled and resumed.next_run_at == START + timedelta(hours=4)
    assert (resumed.paused_at, resumed.paused_until, resumed.paused_note) == (None, None, None)
    (skipped,) = world.executions(row.id)
    assert (skipped.status, skipped.missed_count) == ("skipped", 3)
    assert skipped.scheduled_for == START + timedelta(hours=1)
    assert skipped.error_message == "skipped: 3 slots while paused: waiting for the vendor"

    await world.fire(until + timedelta(minutes=1))  # resumed once: nothing new
    assert len(world.executions(row.id)) == 1
    await world.fire(START + timedelta(hours=4))  # and then it simply fires again
    statuses = [e.status for e in world.executions(row.id)]
    assert statuses == ["skipped", "success"]


async def test_enabling_by_hand_ends_the_pause_and_its_end(world: World) -> None:
    row = world.create(command_text="@alice check billing", **HOURLY)
    pauses(world).pause(world.user, row.id, note="later", until=START + timedelta(hours=2))
    world.schedules.set_enabled(world.user, row.id, True)
    enabled = world.schedule(row.id)
    assert (enabled.paused_until, enabled.paused_note, enabled.paused_by) == (None, None, None)
    await world.fire(START + timedelta(hours=1))
    await world.fire(START + timedelta(hours=2))
    assert [e.status for e in world.executions(row.id)] == ["success", "success"]


async def test_a_pause_without_an_end_stays_paused(world: World) -> None:
    row = world.create(command_text="@alice check billing", **HOURLY)
    pauses(world).pause(world.user, row.id, note="  off for now  ")
    assert world.schedule(row.id).paused_note == "off for now"
    await world.fire(START + timedelta(days=3))
    assert not world.schedule(row.id).enabled and world.executions(row.id) == []


async def test_a_pause_that_saw_no_slot_records_nothing(world: World) -> None:
    row = world.create(command_text="@alice check billing", **HOURLY)
    pauses(world).pause(world.user, row.id, until=START + timedelta(minutes=30))
    await world.fire(START + timedelta(minutes=30))
    assert world.schedule(row.id).enabled and world.executions(row.id) == []


async def test_bad_pauses_are_refused_naming_the_field(world: World) -> None:
    row = world.create(command_text="@alice check billing", **HOURLY)
    with pytest.raises(InvalidInput) as refused:
        pauses(world).pause(world.user, row.id, note="x" * 1001, until=START)
    assert [p.field for p in refused.value.problems] == ["note", "until"]
    assert world.schedule(row.id).enabled


@pytest.mark.postgres
async def test_two_engines_on_postgres_resume_each_pause_once(
    postgres_url: str, clock: ManualClock, tmp_path: Path
) -> None:
    agents.reset()
    world = World.build(postgres_url, clock, tmp_path)
    second = Engine(
        world.store, world.registry, clock, world.settings, worker_id="w-two", rng=random.Random(5)
    )
    try:
        until = START + timedelta(hours=2, minutes=30)
        ids = []
        for n in range(30):
            row = world.create(command_text=f"@alice check {n}", **HOURLY)
            pauses(world).pause(world.user, row.id, note=f"n{n}", until=until)
            ids.append(row.id)
        clock.set(until)
        first_report, second_report = await asyncio.gather(world.engine.tick(), second.tick())
        assert first_report.resumed + second_report.resumed == 30
        for schedule_id in ids:
            (skipped,) = world.executions(schedule_id)
            assert (skipped.status, skipped.missed_count) == ("skipped", 2)
            assert world.schedule(schedule_id).enabled
        again = await asyncio.gather(world.engine.tick(), second.tick())
        assert sum(r.resumed for r in again) == 0
    finally:
        await second.wait_idle()
        await second.recorder.stop()
        await second.dispatcher.aclose()
        await world.close()
        await world.engine.dispatcher.aclose()


async def test_schedule_draft_is_unaffected_by_pause_fields(world: World) -> None:
    """A PATCH of other fields keeps a pause's note and end."""
    row = world.create(command_text="@alice check billing", **HOURLY)
    pauses(world).pause(world.user, row.id, note="n", until=START + timedelta(hours=2))
    world.schedules.update(world.user, row.id, ScheduleDraft(description="d"))
    kept = world.schedule(row.id)
    assert (kept.paused_note, kept.paused_until) == ("n", START + timedelta(hours=2))
