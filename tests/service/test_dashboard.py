"""Overviews computed from the rows: the summary strip, agent cards, the week's calendar,
history series and recent failures; always the asking user's, in the user's own day."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from agentcron.engine.clock import ManualClock
from agentcron.errors import NotFound
from agentcron.service.calendar import CELL_LIMIT, CalendarWeek
from agentcron.service.dashboard import DashboardService, local_midnight, user_zone
from tests.support.world import World, write_agents

pytestmark = pytest.mark.anyio

MONDAY_NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
async def world(database_url: str, clock: ManualClock, tmp_path: Path) -> AsyncIterator[World]:
    built = World.build(database_url, clock, tmp_path)
    yield built
    await built.close()


def _board(world: World) -> DashboardService:
    return DashboardService(world.services)


async def test_a_new_user_sees_zeros_not_errors(world: World) -> None:
    summary = _board(world).summary(world.user)
    assert (summary.active_schedules, summary.total_schedules, summary.runs_today) == (0, 0, 0)
    assert summary.success_rate_7d is None and summary.next_run_at is None
    assert _board(world).recent_failures(world.user) == []
    assert _board(world).calendar(world.user).runs == 0


async def test_summary_counts_today_in_the_users_own_day(world: World) -> None:
    # 11:00 UTC on Monday is already Tuesday 00:00 in Auckland (UTC+13 in March).
    world.clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    metered = world.create(
        command_text="@metered count",
        schedule_type="interval",
        interval_value=30,
        interval_unit="minutes",
    )
    broken = world.create(
        command_text="@broken fail",
        schedule_type="interval",
        interval_value=30,
        interval_unit="minutes",
        max_retries=0,
    )
    world.create(
        command_text="@alice later",
        schedule_type="cron",
        cron_expression="0 9 * * *",
        enabled=False,
    )
    await world.fire(datetime(2026, 3, 2, 10, 30, tzinfo=UTC))  # Monday, 23:30 in Auckland
    await world.fire(datetime(2026, 3, 2, 11, 0, tzinfo=UTC))  # Tuesday, 00:00 in Auckland

    utc = _board(world).summary(world.user)
    assert (utc.active_schedules, utc.total_schedules) == (2, 3)
    assert utc.runs_today == 4 and utc.tokens_today == 2 * 42
    assert utc.rated_7d == 4 and utc.success_rate_7d == 0.5
    assert utc.next_run_at == datetime(2026, 3, 2, 11, 30, tzinfo=UTC)
    assert utc.next_schedule_id in (metered.id, broken.id)

    world.user.timezone = "Pacific/Auckland"
    auckland = _board(world).summary(world.user)
    assert auckland.runs_today == 2 and auckland.tokens_today == 42


async def test_agent_cards_show_counts_last_runs_and_forgotten_agents(
    world: World, tmp_path: Path
) -> None:
    world.clock.set(MONDAY_NOON)
    world.create(
        command_text="@maya review",
        schedule_type="interval",
        interval_value=1,
        interval_unit="hours",
    )
    world.create(
        command_text="@maya triage",
        schedule_type="cron",
        cron_expression="0 9 * * *",
        enabled=False,
    )
    fired = world.create(
        command_text="@metered count",
        schedule_type="interval",
        interval_value=1,
        interval_unit="hours",
    )
    await world.fire(MONDAY_NOON + timedelta(hours=1))

    cards = {c.handle: c for c in _board(world).agents(world.user)}
    assert set(cards) == set(world.registry.handles())
    assert (cards["maya"].schedules, cards["maya"].enabled) == (2, 1)
    assert cards["maya"].last_status == "success"
    assert cards["metered"].last_at == MONDAY_NOON + timedelta(hours=1)
    assert cards["alice"].schedules == 0 and cards["alice"].last_status is None
    assert cards["alice"].description == "echo" and cards["alice"].backend == "echo"
    assert fired.agent_id == "metered"

    write_agents(tmp_path, '[agents.alice]\nbackend = "echo"\n')
    assert world.registry.reload().ok
    cards = {c.handle: c for c in _board(world).agents(world.user)}
    assert cards["alice"].configured
    assert not cards["maya"].configured and cards["maya"].schedules == 2
    assert "bob" not in cards  # no schedules, no runs, not configured: nothing to show


async def test_someone_elses_work_never_counts(world: World) -> None:
    world.clock.set(MONDAY_NOON)
    other = world.users.create("bea", "UTC")
    world.schedules.create(other, _draft("@broken fail", max_retries=0))
    await world.fire(MONDAY_NOON + timedelta(minutes=30))
    board = _board(world)
    assert board.summary(world.user).total_schedules == 0
    assert board.summary(world.user).runs_today == 0
    assert board.recent_failures(world.user) == []
    assert len(board.recent_failures(other)) == 1
    assert all(c.schedules == 0 and c.last_status is None for c in board.agents(world.user))
    assert board.calendar(world.user).runs == 0


def _runs(calendar: CalendarWeek) -> dict[str, list[tuple[datetime, int]]]:
    """Each agent's (first run, runs) per hour, in time order."""
    found: dict[str, list[tuple[datetime, int]]] = {}
    for day in calendar.days:
        for hour in sorted(day.hours):
            for entry in day.hours[hour].entries:
                found.setdefault(entry.agent_id, []).append((entry.first, entry.count))
    return found


async def test_calendar_lists_the_weeks_runs_from_now(world: World) -> None:
    world.clock.set(MONDAY_NOON)
    world.create(
        command_text="@alice daily",
        schedule_type="cron",
        cron_expression="0 9 * * *",
        timezone="Europe/Berlin",
    )
    world.create(
        command_text="@bob often", schedule_type="interval", interval_value=6, interval_unit="hours"
    )
    world.create(
        command_text="@maya off", schedule_type="cron", cron_expression="0 8 * * *", enabled=False
    )
    world.user.timezone = "Europe/Berlin"
    calendar = _board(world).calendar(world.user)
    zone = user_zone(world.user)
    assert calendar.start == local_midnight(MONDAY_NOON.date(), zone)  # Monday 00:00 CET
    assert calendar.end - calendar.start == timedelta(days=7)
    assert [d.today for d in calendar.days] == [True] + [False] * 6
    runs = _runs(calendar)
    # Daily at 09:00 Berlin: Monday's has passed (it is 13:00 there), six remain.
    assert [count for _, count in runs["alice"]] == [1] * 6
    assert runs["alice"][0][0] == datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
    assert calendar.days[1].hours[9].entries[0].first == datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
    # Every 6 hours from noon UTC: Monday 18:00, then four a day until Sunday 23:00 UTC
    # (midnight in Berlin).
    assert sum(count for _, count in runs["bob"]) == 1 + 6 * 4
    assert "maya" not in runs and calendar.agents == ["alice", "bob"]
    assert calendar.runs == 6 + 25


async def test_a_frequent_schedule_is_one_entry_an_hour(world: World) -> None:
    world.clock.set(MONDAY_NOON)
    world.create(command_text="@alice often", schedule_type="cron", cron_expression="*/5 * * * *")
    calendar = _board(world).calendar(world.user)
    runs = _runs(calendar)["alice"]
    # From Monday 12:05 UTC (12:00 is due now) to Sunday 23:55: 12 an hour after the first.
    assert runs[0] == (datetime(2026, 3, 2, 12, 5, tzinfo=UTC), 11)
    assert {count for _, count in runs[1:]} == {12}
    assert len(runs) == 12 + 6 * 24
    assert calendar.days[-1].hours[23].entries[0].cadence == "every 5 min"
    assert calendar.runs == 11 + 12 * (12 + 6 * 24 - 1)


async def test_a_busy_week_is_bounded_and_pages_by_week(world: World) -> None:
    world.clock.set(MONDAY_NOON)
    for n in range(12):
        world.create(
            command_text=f"@{'alice' if n % 2 else 'bob'} check {n}",
            schedule_type="interval",
            interval_value=5,
            interval_unit="minutes",
        )
    board = _board(world)
    calendar = board.calendar(world.user)
    friday = calendar.days[4]
    cell = friday.hours[10]
    assert len(cell.entries) == CELL_LIMIT and cell.hidden == 12 - CELL_LIMIT
    assert cell.runs == 12 * 12
    assert max(len(h.entries) for d in calendar.days for h in d.hours.values()) == CELL_LIMIT

    full = board.calendar(world.user, full_day=friday.day)
    assert len(full.days[4].hours[10].entries) == 12 and full.days[4].hours[10].hidden == 0
    assert len(full.days[3].hours[10].entries) == CELL_LIMIT

    alice = board.calendar(world.user, agent="alice")
    assert alice.agents == ["alice", "bob"]  # the chips that filter stay
    assert {e.agent_id for d in alice.days for h in d.hours.values() for e in h.entries} == {
        "alice"
    }
    assert alice.runs * 2 == calendar.runs

    later = board.calendar(world.user, week=1)
    assert later.start == calendar.start + timedelta(days=7) and later.week == 1
    assert not any(d.today for d in later.days)
    assert later.runs == 12 * 12 * 24 * 7
    assert board.calendar(world.user, week=-3).week == 0


async def test_history_series_buckets_days_and_keeps_order(world: World) -> None:
    world.clock.set(datetime(2026, 3, 2, 20, 0, tzinfo=UTC))
    row = world.create(
        command_text="@metered count", schedule_type="cron", cron_expression="0 9,18 * * *"
    )
    for day in range(3):
        for hour in (9, 18):
            await world.fire(datetime(2026, 3, 3 + day, hour, 0, tzinfo=UTC))
    world.clock.set(datetime(2026, 3, 5, 20, 0, tzinfo=UTC))
    series = _board(world).history_series(world.user, row.id, points=4, days=14)
    assert [p.scheduled_for.hour for p in series.points] == [9, 18, 9, 18]
    assert series.points[0].scheduled_for < series.points[-1].scheduled_for
    assert len(series.days) == 14 and series.days[-1].day == datetime(2026, 3, 5).date()
    assert [d.success for d in series.days[-3:]] == [2, 2, 2]
    assert series.success_rate == 1.0 and series.days[0].rate is None
    with pytest.raises(NotFound):
        _board(world).history_series(world.users.create("bea"), row.id)
    with pytest.raises(NotFound):
        _board(world).history_series(world.user, "not-a-uuid")


def _draft(command: str, **fields: object):  # type: ignore[no-untyped-def]
    from agentcron.service import ScheduleDraft

    return ScheduleDraft(
        command_text=command,
        schedule_type="interval",
        interval_value=30,
        interval_unit="minutes",
        **fields,
    )  # type: ignore[arg-type]
