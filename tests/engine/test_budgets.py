"""Budgets at claim, with a real webhook agent on 127.0.0.1 that reports what it spent: a
run that would pass a limit is recorded skipped (budget_exhausted) without calling the
agent, a new UTC day starts afresh, notices go out once per period, an unknown model's cost
stays null while token budgets still hold, and two engines on PostgreSQL never overshoot
a budget together."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from agentcron.engine.loop import Engine
from agentcron.engine.slot_claims import claim_schedules
from agentcron.service.budgets import BudgetDraft, BudgetService
from agentcron.service.usage import UsageService
from agentcron.store.database import Store
from agentcron.store.tables import Notice
from tests.agents.conftest import LoopbackServer, Received
from tests.support import agents
from tests.support.world import World

pytestmark = pytest.mark.anyio

DAY1_13 = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)
DAY1_15 = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
DAY2_13 = datetime(2026, 3, 3, 13, 0, tzinfo=UTC)


def spends(tokens: int, model: str = "mystery-model", delay: float = 0.0) -> Any:
    def answer(request: Received) -> tuple[int, dict[str, Any], dict[str, str]]:
        if delay:
            time.sleep(delay)
        return 200, {"summary": "done", "tokens_used": tokens, "llm_calls": 1, "model": model}, {}

    return answer


@pytest.fixture
def loopback() -> Iterator[LoopbackServer]:
    server = LoopbackServer()
    server.start()
    yield server
    server.stop()


def _with_hook(world: World, loopback: LoopbackServer) -> World:
    world.settings.agents_file.write_text(
        agents.AGENTS_TOML
        + f"""
[agents.hook]
backend = "webhook"
url = "{loopback.url}/agent"
"""
    )
    assert world.registry.reload().ok
    return world


@pytest.fixture
async def world(
    database_url: str, clock: Any, tmp_path: Path, loopback: LoopbackServer
) -> AsyncIterator[World]:
    built = _with_hook(World.build(database_url, clock, tmp_path), loopback)
    yield built
    await built.close()


def budget(world: World, **fields: Any) -> None:
    BudgetService(world.services).create(world.user, BudgetDraft(**fields))


def bell(world: World) -> list[str]:
    with world.store.read() as session:
        return list(session.scalars(select(Notice.event).order_by(Notice.created_at)))


async def test_a_daily_token_budget_skips_the_run_that_would_pass_it_until_the_next_day(
    world: World, loopback: LoopbackServer
) -> None:
    loopback.answer = spends(60)
    budget(world, scope="user", period="day", max_tokens=100, warn_at=0.5)
    row = world.create(
        command_text="@hook count", schedule_type="cron", cron_expression="0 13,15 * * *"
    )
    await world.fire(DAY1_13)
    await world.fire(DAY1_15)
    first, second = world.executions(row.id)
    assert (first.status, first.tokens_used, first.cost_usd) == ("success", 60, None)
    assert second.status == "skipped" and second.error_code == "budget_exhausted"
    assert "budget_exhausted" in (second.error_message or "")
    assert "100 tokens" in (second.error_message or "")
    assert len(loopback.received) == 1  # the skipped run never called the agent
    assert bell(world) == ["budget_warning", "budget_exhausted"]

    await world.fire(DAY2_13)  # a new UTC day: the budget starts again
    third = world.executions(row.id)[-1]
    assert third.status == "success" and len(loopback.received) == 2
    # Said once per period: day 2's run, estimated at 60 of 100, is warned as it starts.
    assert bell(world) == ["budget_warning", "budget_exhausted", "budget_warning"]

    # The unknown model has no price: its cost stays unknown, and usage says so.
    report = UsageService(world.services).table(world.user, "2026-03-02", "2026-03-03", "model")
    line = next(line for line in report.lines if line.key == "mystery-model")
    assert line.totals.cost_usd == 0
    assert (line.totals.runs_without_cost, line.totals.tokens_without_cost) == (2, 120)


async def test_a_usd_budget_ignores_unknown_costs_and_a_token_budget_does_not(
    world: World, loopback: LoopbackServer
) -> None:
    loopback.answer = spends(60)
    budget(world, scope="agent", agent="@hook", period="month", max_usd=0.01)
    row = world.create(
        command_text="@hook count", schedule_type="cron", cron_expression="0 13,15 * * *"
    )
    await world.fire(DAY1_13)
    await world.fire(DAY1_15)
    assert [e.status for e in world.executions(row.id)] == ["success", "success"]
    budget(world, scope="schedule", schedule_id=row.id, period="month", max_tokens=150)
    await world.fire(DAY2_13)
    assert world.executions(row.id)[-1].status == "skipped"


async def test_an_admitted_run_gets_what_the_budget_still_allows(
    world: World, loopback: LoopbackServer
) -> None:
    loopback.answer = spends(60)
    budget(world, scope="user", period="day", max_tokens=1000)
    budget(world, scope="user", period="run", max_tokens=300)
    row = world.create(
        command_text="@hook count", schedule_type="cron", cron_expression="0 13,15 * * *"
    )
    await world.fire(DAY1_13)
    world.clock.set(DAY1_15)
    with world.store.write() as session:
        claim = claim_schedules(session, DAY1_15, 10, worker_id="w-test", lease=world.engine.lease)
    [work] = claim.work
    assert work.schedule_id == row.id
    # 1000 - 60 spent = 940 left for the day, but the per-run cap is 300.
    assert work.token_allowance == 300


async def test_running_executions_hold_back_their_estimate(
    world: World, loopback: LoopbackServer
) -> None:
    loopback.answer = spends(60)
    budget(world, scope="user", period="day", max_tokens=100)
    budget(world, scope="user", period="run", max_tokens=60)  # every run is estimated at 60
    rows = [
        world.create(command_text=f"@hook n{i}", schedule_type="cron", cron_expression="0 13 * * *")
        for i in range(3)
    ]
    world.clock.set(DAY1_13)
    with world.store.write() as session:
        claim = claim_schedules(session, DAY1_13, 10, worker_id="w-test", lease=world.engine.lease)
    assert claim.started == 1 and claim.skipped == 2
    statuses = sorted(world.executions(r.id)[0].status for r in rows)
    assert statuses == ["running", "skipped", "skipped"]


@pytest.mark.postgres
async def test_two_engines_on_postgres_never_overshoot_a_budget(
    postgres_url: str, clock: Any, tmp_path: Path, loopback: LoopbackServer
) -> None:
    loopback.answer = spends(60, delay=0.3)
    world = _with_hook(World.build(postgres_url, clock, tmp_path, claim_batch_size=1), loopback)
    other_store = Store(postgres_url)
    other = Engine(
        other_store,
        world.registry,
        clock,
        world.settings,
        worker_id="w-other",
        rng=random.Random(3),
    )
    try:
        budget(world, scope="user", period="day", max_tokens=200)
        budget(world, scope="user", period="run", max_tokens=60)
        for i in range(12):
            world.create(
                command_text=f"@hook n{i}", schedule_type="cron", cron_expression="0 13 * * *"
            )
        clock.set(DAY1_13)
        await asyncio.gather(world.engine.tick(), other.tick())
        await asyncio.gather(world.engine.wait_idle(), other.wait_idle())
        runs = world.executions()
        assert len(runs) == 12
        ran = [e for e in runs if e.status == "success"]
        assert len(ran) == 3 and sum(e.tokens_used for e in ran) == 180  # 3 × 60 ≤ 200
        assert {e.worker_id for e in runs if e.worker_id} <= {"w-test", "w-other"}
        assert len(loopback.received) == 3
    finally:
        await other.wait_idle()
        await other.recorder.stop()
        other_store.dispose()
        await world.close()


async def test_a_run_now_past_the_budget_is_skipped_too(
    world: World, loopback: LoopbackServer
) -> None:
    loopback.answer = spends(60)
    budget(world, scope="user", period="day", max_tokens=100)
    row = world.create(
        command_text="@hook count", schedule_type="cron", cron_expression="0 13,15 * * *"
    )
    await world.fire(DAY1_13)
    world.clock.set(DAY1_13.replace(minute=30))
    queued = world.schedules.run_now(world.user, row.id)
    await world.fire()
    manual = next(e for e in world.executions(row.id) if e.id == queued.id)
    assert manual.status == "skipped" and manual.error_code == "budget_exhausted"
    assert len(loopback.received) == 1


async def test_a_daily_schedule_under_a_daily_budget_is_warned_by_its_own_run(
    world: World, loopback: LoopbackServer
) -> None:
    loopback.answer = spends(90)
    budget(world, scope="user", period="day", max_tokens=100, warn_at=0.8)
    row = world.create(
        command_text="@hook once", schedule_type="cron", cron_expression="0 13 * * *"
    )
    await world.fire(DAY1_13)  # no history: estimated at 0, nothing to warn about yet
    assert bell(world) == []
    await world.fire(DAY2_13)  # estimated at 90 of 100: warned as it starts, and it runs
    assert [e.status for e in world.executions(row.id)] == ["success", "success"]
    assert bell(world) == ["budget_warning"]
    await world.fire(datetime(2026, 3, 4, 13, 0, tzinfo=UTC))  # a new day, warned again
    assert bell(world) == ["budget_warning", "budget_warning"]


async def test_a_budget_already_past_its_warning_level_warns_once_when_a_run_is_admitted(
    world: World, loopback: LoopbackServer
) -> None:
    loopback.answer = spends(60)
    row = world.create(
        command_text="@hook count", schedule_type="cron", cron_expression="0 13,15 * * *"
    )
    await world.fire(DAY1_13)  # 60 tokens spent before there was a budget
    budget(world, scope="user", period="day", max_tokens=200, warn_at=0.25)
    # At 15:00 the day is 30% spent (past 25%, never warned) and the run's estimate takes it
    # to 60%: both say "warn", the owner hears it once.
    await world.fire(DAY1_15)
    assert [e.status for e in world.executions(row.id)] == ["success", "success"]
    assert bell(world) == ["budget_warning"]
