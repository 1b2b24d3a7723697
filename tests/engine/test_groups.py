"""Agent groups: a command to @category runs on every member agent at each slot, once per
(schedule, slot, agent), with one or two engines; a reload's members count from the next
slot."""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from agentcron.agents import AgentRegistry
from agentcron.agents.config import AgentConfigError, parse
from agentcron.engine.clock import ManualClock
from agentcron.engine.loop import Engine
from tests.support import agents
from tests.support.agents import AGENTS_TOML
from tests.support.world import World

pytestmark = pytest.mark.anyio

HOURLY: dict[str, Any] = {
    "schedule_type": "interval",
    "interval_value": 1,
    "interval_unit": "hours",
}


def _member(handle: str) -> str:
    return f'\n[agents.{handle}]\nbackend = "echo"\ncategories = ["research"]\n'


GROUP_TOML = AGENTS_TOML + "".join(_member(h) for h in ("ra", "rb", "rc"))


def _grouped(world: World, text: str = GROUP_TOML) -> None:
    assert world.settings.agents_file is not None
    Path(world.settings.agents_file).write_text(text)
    assert world.registry.reload().ok


def test_categories_are_listed_and_may_not_clash_with_a_handle() -> None:
    specs = parse(
        {"agents": {"ra": {"backend": "echo", "categories": ["Research", "@ops"]}}}, source="t"
    )
    assert specs[0].categories == ("ops", "research")
    with pytest.raises(AgentConfigError, match="clashes with the handle @rb"):
        parse(
            {
                "agents": {
                    "ra": {"backend": "echo", "categories": ["rb"]},
                    "rb": {"backend": "echo"},
                }
            },
            source="t",
        )
    with pytest.raises(AgentConfigError, match="categories must be a list"):
        parse({"agents": {"ra": {"backend": "echo", "categories": "research"}}}, source="t")


async def test_a_group_runs_once_per_member_at_each_slot(world: World) -> None:
    _grouped(world)
    assert world.registry.categories() == {"research": ["ra", "rb", "rc"]}
    row = world.create(command_text="@research read the new papers", **HOURLY)
    assert row.agent_id == "research"
    slot = world.schedule(row.id).next_run_at
    await world.fire(slot)
    runs = world.executions(row.id)
    assert sorted(e.agent_id for e in runs) == ["ra", "rb", "rc"]
    assert all(e.status == "success" and e.scheduled_for == slot for e in runs)
    # A reload that adds a member counts from the next slot.
    _grouped(world, GROUP_TOML + _member("rd"))
    await world.fire(slot + timedelta(hours=1))
    later = [e for e in world.executions(row.id) if e.scheduled_for == slot + timedelta(hours=1)]
    assert sorted(e.agent_id for e in later) == ["ra", "rb", "rc", "rd"]
    assert len(world.executions(row.id)) == 7


async def test_run_now_and_chains_fan_out_to_the_members(world: World) -> None:
    _grouped(world)
    up = world.create(command_text="@alice collect", key="collect", **HOURLY)
    down = world.create(
        command_text="@research read {{upstream.summary}}", after_schedule_id="collect"
    )
    world.schedules.run_now(world.user, up.id)
    await world.fire()
    await world.fire()
    runs = world.executions(down.id)
    assert sorted(e.agent_id for e in runs) == ["ra", "rb", "rc"]
    assert all(e.trigger == "chain" and e.status == "success" for e in runs)
    direct = world.create(command_text="@research check", **HOURLY)
    world.schedules.run_now(world.user, direct.id)
    await world.fire()
    assert sorted(e.agent_id for e in world.executions(direct.id)) == ["ra", "rb", "rc"]


@pytest.mark.postgres
async def test_two_engines_give_each_member_one_execution_per_slot(
    postgres_url: str, clock: ManualClock, tmp_path: Path
) -> None:
    agents.reset()
    world = World.build(postgres_url, clock, tmp_path)
    _grouped(world)
    registry = AgentRegistry(world.settings.agents_file)
    registry.load()
    other = Engine(
        world.store,
        registry,
        clock,
        world.settings,
        world.services.bus,
        worker_id="w-other",
        rng=random.Random(9),
    )
    try:
        rows = [world.create(command_text=f"@research topic {i}", **HOURLY) for i in range(10)]
        slot = world.schedule(rows[0].id).next_run_at
        for hour in range(3):
            clock.set(slot + timedelta(hours=hour, seconds=1))
            for _ in range(2):
                await asyncio.gather(world.engine.tick(), other.tick())
                await asyncio.gather(world.engine.wait_idle(), other.wait_idle())
        for row in rows:
            runs = world.executions(row.id)
            keys = [(e.scheduled_for, e.agent_id) for e in runs]
            assert len(keys) == len(set(keys)) == 9
            assert all(e.status == "success" and e.attempt == 1 for e in runs)
    finally:
        await other.wait_idle()
        await other.recorder.stop()
        await registry.aclose()
        await world.close()
