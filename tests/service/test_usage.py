"""Usage sums against hand-computed fixtures, on SQLite and PostgreSQL: by day, agent,
schedule and model, with unknown costs said as such, percentiles by nearest rank, pruned
history counted through the daily rollup, and only the asking user's runs."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from agentcron.engine.clock import ManualClock
from agentcron.errors import InvalidInput
from agentcron.service.drafts import ScheduleDraft
from agentcron.service.usage import UsageService
from agentcron.store import retention
from agentcron.store.tables import Execution
from tests.support.world import World

pytestmark = pytest.mark.anyio

DAY1 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
DAY2 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
async def world(database_url: str, clock: ManualClock, tmp_path: Path) -> AsyncIterator[World]:
    built = World.build(database_url, clock, tmp_path)
    yield built
    await built.close()


def add_run(
    world: World, schedule: Any, at: datetime, status: str = "success", **usage: Any
) -> None:
    """An execution row as the engine leaves it when a run ends."""
    values: dict[str, Any] = {
        "tokens_used": usage.get("input_tokens", 0) + usage.get("output_tokens", 0),
        "input_tokens": 0,
        "output_tokens": 0,
        "llm_calls": 0,
        "duration_ms": None,
        "cost_usd": None,
        "model": None,
        **usage,
    }
    with world.store.write() as session:
        session.add(
            Execution(
                id=uuid.uuid4(),
                schedule_id=schedule.id,
                user_id=schedule.user_id,
                agent_id=schedule.agent_id,
                scheduled_for=at,
                created_at=at,
                started_at=at,
                finished_at=at + timedelta(seconds=1),
                status=status,
                attempt=1,
                **values,
            )
        )


def fixture(world: World) -> tuple[Any, Any]:
    """Two schedules, two days. By hand:

    day 1, @alice (a): success 100+20 tok $0.01 1 s gpt; failed 10+0 tok, no cost, 3 s gpt;
    day 1, @bob (b): success 50+50 tok $0.02 2 s claude; skipped (nothing)
    day 2, @alice (a): success 0 tok (no LLM), 4 s; timed_out 200+0 tok $0.05 10 s gpt
    """
    a = world.create(
        command_text="@alice check models", schedule_type="cron", cron_expression="0 9 * * *"
    )
    b = world.create(
        command_text="@bob summarise", schedule_type="cron", cron_expression="0 9 * * *"
    )
    gpt, claude = "openai:gpt-4o", "anthropic:claude"
    add_run(
        world,
        a,
        DAY1,
        input_tokens=100,
        output_tokens=20,
        llm_calls=2,
        cost_usd=0.01,
        duration_ms=1000,
        model=gpt,
    )
    add_run(
        world,
        a,
        DAY1 + timedelta(hours=1),
        "failed",
        input_tokens=10,
        llm_calls=1,
        duration_ms=3000,
        model=gpt,
    )
    add_run(
        world,
        b,
        DAY1,
        input_tokens=50,
        output_tokens=50,
        llm_calls=1,
        cost_usd=0.02,
        duration_ms=2000,
        model=claude,
    )
    add_run(world, b, DAY1 + timedelta(hours=2), "skipped")
    add_run(world, a, DAY2, duration_ms=4000)
    add_run(
        world,
        a,
        DAY2 + timedelta(hours=1),
        "timed_out",
        input_tokens=200,
        llm_calls=1,
        cost_usd=0.05,
        duration_ms=10000,
        model=gpt,
    )
    return a, b


def _check_by_day(service: UsageService, world: World) -> None:
    report = service.table(world.user, "2026-03-01", "2026-03-02", "day")
    rows = {line.key: line.totals for line in report.lines}
    d1, d2 = rows["2026-03-01"], rows["2026-03-02"]
    assert (d1.runs, d1.successes, d1.failures, d1.skipped) == (4, 2, 1, 1)
    assert d1.success_rate == pytest.approx(2 / 3)
    assert (d1.input_tokens, d1.output_tokens, d1.total_tokens, d1.llm_calls) == (160, 70, 230, 4)
    assert d1.cost_usd == pytest.approx(0.03)
    assert (d1.runs_without_cost, d1.tokens_without_cost) == (1, 10)
    assert d1.duration_max_ms == 3000
    assert (d2.runs, d2.successes, d2.failures, d2.total_tokens) == (2, 1, 1, 200)
    assert d2.cost_usd == pytest.approx(0.05) and d2.runs_without_cost == 0
    t = report.total
    assert (t.runs, t.total_tokens, t.llm_calls) == (6, 430, 5)
    assert t.cost_usd == pytest.approx(0.08)


async def test_usage_by_day_agent_schedule_and_model(world: World) -> None:
    a, b = fixture(world)
    service = UsageService(world.services)
    _check_by_day(service, world)

    by_agent = {
        line.key: line
        for line in service.table(world.user, "2026-03-01", "2026-03-02", "agent").lines
    }
    alice = by_agent["alice"].totals
    assert by_agent["alice"].label == "@alice"
    assert (alice.runs, alice.total_tokens, alice.failures) == (4, 330, 2)
    assert alice.cost_usd == pytest.approx(0.06)
    # Durations of alice: 1, 3, 4, 10 s. Nearest rank: p50 = 2nd = 3 s, p95 = 4th = 10 s.
    assert (alice.duration_p50_ms, alice.duration_p95_ms, alice.duration_max_ms) == (
        3000,
        10000,
        10000,
    )
    bob = by_agent["bob"].totals
    assert (bob.runs, bob.skipped, bob.total_tokens, bob.duration_p50_ms) == (2, 1, 100, 2000)

    lines = service.table(world.user, "2026-03-01", "2026-03-02", "schedule").lines
    assert [line.key for line in lines] == [str(a.id), str(b.id)]  # most expensive first
    assert lines[0].label == "@alice check models"

    by_model = {
        line.key: line.totals
        for line in service.table(world.user, "2026-03-01", "2026-03-02", "model").lines
    }
    assert by_model["openai:gpt-4o"].total_tokens == 330
    assert by_model["openai:gpt-4o"].runs_without_cost == 1
    assert by_model["anthropic:claude"].cost_usd == pytest.approx(0.02)
    assert by_model[""].runs == 2  # the run without an LLM and the skipped one

    only_day2 = service.table(world.user, "2026-03-02", "2026-03-02", "day")
    assert [line.key for line in only_day2.lines] == ["2026-03-02"]


async def test_pruned_history_counts_through_the_rollup(world: World) -> None:
    fixture(world)
    service = UsageService(world.services)
    before = {
        g: [
            (
                line.key,
                line.totals.runs,
                line.totals.total_tokens,
                round(line.totals.cost_usd, 6),
                line.totals.runs_without_cost,
                line.totals.input_tokens,
                line.totals.output_tokens,
                line.totals.llm_calls,
                line.totals.successes,
                line.totals.failures,
            )
            for line in service.table(world.user, "2026-03-01", "2026-03-02", g).lines
        ]
        for g in ("day", "agent", "schedule", "model")
    }
    with world.store.write() as session:
        ids = retention.older_than(session, DAY2, 100)
        assert len(ids) == 4
        retention.roll_up_and_delete(session, ids)
    after = {
        g: [
            (
                line.key,
                line.totals.runs,
                line.totals.total_tokens,
                round(line.totals.cost_usd, 6),
                line.totals.runs_without_cost,
                line.totals.input_tokens,
                line.totals.output_tokens,
                line.totals.llm_calls,
                line.totals.successes,
                line.totals.failures,
            )
            for line in service.table(world.user, "2026-03-01", "2026-03-02", g).lines
        ]
        for g in ("day", "agent", "schedule", "model")
    }
    assert after == before
    report = service.table(world.user, "2026-03-01", "2026-03-01", "day")
    day1 = report.lines[0].totals
    assert day1.pruned_runs == 4 and day1.duration_max_ms == 3000
    assert day1.duration_p50_ms is None  # no distribution survives pruning


async def test_only_the_asking_users_runs_count(world: World) -> None:
    fixture(world)
    other = world.users.create("bea", "UTC")
    service = UsageService(world.services)
    report = service.table(other, "2026-03-01", "2026-03-02", "schedule")
    assert report.lines == [] and report.total.runs == 0


async def test_bad_ranges_and_groupings_are_refused_by_field(world: World) -> None:
    service = UsageService(world.services)
    with pytest.raises(InvalidInput) as week:
        service.table(world.user, group_by="week")
    assert week.value.problems[0].field == "group_by" and "tag" in str(week.value)
    with pytest.raises(InvalidInput) as bad:
        service.table(world.user, "March", None)
    assert bad.value.problems[0].field == "from"
    with pytest.raises(InvalidInput):
        service.table(world.user, "2026-03-05", "2026-03-01")
    with pytest.raises(InvalidInput):
        service.table(world.user, "2024-01-01", "2026-03-01")


async def test_default_range_is_the_last_30_utc_days_and_moves_with_the_clock(world: World) -> None:
    a, _ = fixture(world)
    service = UsageService(world.services)
    world.clock.set(datetime(2026, 3, 2, 23, 59, tzinfo=UTC))
    assert service.table(world.user).total.runs == 6
    world.clock.set(datetime(2026, 3, 31, 0, 1, tzinfo=UTC))  # day 1 falls out of the window
    report = service.table(world.user)
    assert report.range.start.isoformat() == "2026-03-02" and report.total.runs == 2


async def test_daily_series_stacks_agents_and_rates_days(world: World) -> None:
    fixture(world)
    series = UsageService(world.services).daily(world.user, "2026-02-28", "2026-03-02")
    assert series.agents == ["alice", "bob"]
    assert series.tokens["alice"] == [0, 130, 200] and series.tokens["bob"] == [0, 100, 0]
    assert series.rate == [None, pytest.approx(2 / 3), 0.5]


async def test_insights_find_the_spender_the_failing_and_the_unchanged(world: World) -> None:
    a, b = fixture(world)
    broken = world.create(
        command_text="@alice broken", schedule_type="cron", cron_expression="0 9 * * *"
    )
    same = world.create(command_text="@bob same", schedule_type="cron", cron_expression="0 9 * * *")
    slow = world.create(
        command_text="@bob slower", schedule_type="cron", cron_expression="0 9 * * *"
    )
    for i in range(3):
        add_run(world, broken, DAY1 + timedelta(minutes=10 * i), "failed", duration_ms=100)
    for i in range(5):
        add_run(
            world,
            same,
            DAY1 + timedelta(minutes=10 * i),
            duration_ms=100,
            result_summary="no change",
            output="same",
        )
    for i in range(8):
        add_run(
            world,
            slow,
            DAY1 + timedelta(minutes=10 * i),
            duration_ms=1000 * (i + 1),
            result_summary=f"r{i}",
        )
    found = UsageService(world.services).insights(world.user, "2026-03-01", "2026-03-02")
    kinds = {(i.kind, i.schedule_id) for i in found}
    assert ("most_expensive", a.id) in kinds
    assert ("always_failing", broken.id) in kinds
    assert ("unchanged", same.id) in kinds
    assert ("rising_duration", slow.id) in kinds
    assert ("unchanged", slow.id) not in kinds and ("always_failing", a.id) not in kinds


async def test_by_tag_a_schedule_counts_in_each_of_its_tags(world: World) -> None:
    a, b = fixture(world)
    world.schedules.update(world.user, a.id, ScheduleDraft(tags=["ops", "llm"]))
    world.schedules.update(world.user, b.id, ScheduleDraft(tags=["ops"]))
    c = world.create(
        command_text="@alice untagged", schedule_type="cron", cron_expression="0 9 * * *"
    )
    add_run(world, c, DAY1, input_tokens=7, duration_ms=500)
    service = UsageService(world.services)
    by_schedule = {
        line.key: line.totals
        for line in service.table(world.user, "2026-03-01", "2026-03-02", "schedule").lines
    }
    report = service.table(world.user, "2026-03-01", "2026-03-02", "tag")
    rows = {line.label: line.totals for line in report.lines}
    assert set(rows) == {"ops", "llm", "(no tag)"}
    mine, theirs, alone = by_schedule[str(a.id)], by_schedule[str(b.id)], by_schedule[str(c.id)]
    assert rows["llm"].runs == mine.runs and rows["llm"].total_tokens == mine.total_tokens
    assert rows["ops"].runs == mine.runs + theirs.runs
    assert rows["ops"].total_tokens == mine.total_tokens + theirs.total_tokens
    assert rows["ops"].cost_usd == pytest.approx(mine.cost_usd + theirs.cost_usd)
    assert rows["(no tag)"].total_tokens == alone.total_tokens == 7
    assert rows["llm"].duration_p50_ms == mine.duration_p50_ms
    assert report.total.total_tokens == mine.total_tokens + theirs.total_tokens + 7
