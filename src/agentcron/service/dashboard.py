"""Overviews of one user's work: the summary numbers, a card per agent, the upcoming runs of
the week, the series behind history charts, recent failures. Read-only; every number is
computed from the rows at the moment of asking, with "today" meaning the user's own day.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from agentcron.agents.base import AgentInfo
from agentcron.errors import NotFound
from agentcron.service.calendar import CalendarWeek, build_week, local_midnight
from agentcron.service.context import Services
from agentcron.service.handles import parse_id
from agentcron.store import dashboard as repo
from agentcron.store import retention, schedules
from agentcron.store.tables import Execution, ExecutionStatus, User

# Days behind every success rate shown (Mission Control's summary and a schedule's history).
SUCCESS_WINDOW_DAYS = 7
# Outcomes that count for the success rate: what the user hoped would succeed. Skipped and
# cancelled executions were never meant to run, so they count neither way.
RATED = (
    ExecutionStatus.SUCCESS.value,
    ExecutionStatus.FAILED.value,
    ExecutionStatus.TIMED_OUT.value,
    ExecutionStatus.MISSED.value,
)


@dataclass(frozen=True, slots=True)
class Summary:
    active_schedules: int
    total_schedules: int
    runs_today: int
    tokens_today: int
    rated_7d: int
    success_rate_7d: float | None  # 0..1, None before anything finished
    next_run_at: datetime | None
    next_schedule_id: uuid.UUID | None
    next_command: str | None


@dataclass(frozen=True, slots=True)
class AgentCard:
    handle: str
    name: str
    description: str
    backend: str
    configured: bool  # False: schedules still name it, but agents.toml no longer does
    schedules: int
    enabled: int
    last_status: str | None
    last_at: datetime | None


@dataclass(frozen=True, slots=True)
class DayOutcomes:
    day: date
    success: int = 0
    failed: int = 0  # failed, timed out or missed
    other: int = 0  # skipped, cancelled

    @property
    def rate(self) -> float | None:
        rated = self.success + self.failed
        return self.success / rated if rated else None


@dataclass(frozen=True, slots=True)
class HistorySeries:
    points: list[Execution]  # final executions, oldest first
    days: list[DayOutcomes]  # one per local day, oldest first, today last
    timezone: str
    window_days: int = SUCCESS_WINDOW_DAYS

    @property
    def success_rate(self) -> float | None:
        """Over the success window's days, as Mission Control counts it."""
        window = self.days[-self.window_days :]
        success = sum(d.success for d in window)
        rated = success + sum(d.failed for d in window)
        return success / rated if rated else None


@dataclass(frozen=True, slots=True)
class Failure:
    execution: Execution
    command_text: str


def user_zone(user: User) -> ZoneInfo:
    try:
        return ZoneInfo(user.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


class DashboardService:
    def __init__(self, services: Services) -> None:
        self.s = services

    def summary(self, user: User) -> Summary:
        now = self.s.clock.now()
        zone = user_zone(user)
        today = now.astimezone(zone).date()
        start, end = local_midnight(today, zone), local_midnight(today + timedelta(days=1), zone)
        with self.s.store.read() as session:
            enabled, total = repo.enabled_count(session, user.id)
            runs, tokens = repo.started_between(session, user.id, start, end)
            # The success window: today and the days before it, as on a schedule's history.
            first_day = today - timedelta(days=SUCCESS_WINDOW_DAYS - 1)
            outcomes = repo.outcomes_since(session, user.id, local_midnight(first_day, zone))
            # Pruned history still counts: its totals live on in the daily rollup.
            for _day, status, count, _tokens in retention.daily_totals(session, user.id, first_day):
                outcomes[status] = outcomes.get(status, 0) + count
            upcoming = repo.next_due(session, user.id)
        rated = sum(outcomes.get(s, 0) for s in RATED)
        success = outcomes.get(ExecutionStatus.SUCCESS.value, 0)
        return Summary(
            active_schedules=enabled,
            total_schedules=total,
            runs_today=runs,
            tokens_today=tokens,
            rated_7d=rated,
            success_rate_7d=success / rated if rated else None,
            next_run_at=upcoming.next_run_at if upcoming else None,
            next_schedule_id=upcoming.id if upcoming else None,
            next_command=upcoming.command_text if upcoming else None,
        )

    def agents(self, user: User) -> list[AgentCard]:
        """Every configured agent, then any agent the user's schedules still name."""
        infos = {info.handle: info for info in self.s.agents.infos()}
        with self.s.store.read() as session:
            tallies = repo.schedules_by_agent(session, user.id)
            latest = repo.last_execution_by_agent(session, user.id)
        handles = list(infos) + sorted((set(tallies) | set(latest)) - set(infos))
        cards = []
        for handle in handles:
            info = infos.get(handle) or AgentInfo(handle, handle, "", "")
            tally = tallies.get(handle, repo.AgentTally(0, 0))
            last = latest.get(handle)
            cards.append(
                AgentCard(
                    handle=handle,
                    name=info.name,
                    description=info.description,
                    backend=info.backend,
                    configured=handle in infos,
                    schedules=tally.schedules,
                    enabled=tally.enabled,
                    last_status=last.status if last else None,
                    last_at=_when(last) if last else None,
                )
            )
        return cards

    def calendar(
        self,
        user: User,
        *,
        week: int = 0,
        agent: str | None = None,
        full_day: date | None = None,
    ) -> CalendarWeek:
        """One week of upcoming runs (`week` 0 starts today), by local day and hour, bounded:
        see service/calendar.py."""
        return build_week(
            self.s, user, user_zone(user).key, week=week, agent=agent, full_day=full_day
        )

    def history_series(
        self, user: User, schedule_id: uuid.UUID | str, *, points: int = 50, days: int = 14
    ) -> HistorySeries:
        ident = parse_id(schedule_id, "schedule")
        now = self.s.clock.now()
        zone = user_zone(user)
        today = now.astimezone(zone).date()
        first_day = today - timedelta(days=days - 1)
        with self.s.store.read() as session:
            if schedules.get(session, user.id, ident) is None:
                raise NotFound("schedule", schedule_id)
            recent = repo.finished_for_schedule(session, user.id, ident, points)
            endings = repo.endings_since(
                session, user.id, local_midnight(first_day, zone), schedule_id=ident
            )
            pruned = retention.daily_totals(session, user.id, first_day, schedule_id=ident)
        buckets = {first_day + timedelta(days=i): [0, 0, 0] for i in range(days)}
        counted = [(finished.astimezone(zone).date(), status, 1) for finished, status in endings]
        counted += [(day, status, count) for day, status, count, _tokens in pruned]
        for day, status, count in counted:
            bucket = buckets.get(day)
            if bucket is None:
                continue
            if status == ExecutionStatus.SUCCESS.value:
                bucket[0] += count
            elif status in RATED:
                bucket[1] += count
            else:
                bucket[2] += count
        return HistorySeries(
            recent, [DayOutcomes(day, *counts) for day, counts in buckets.items()], zone.key
        )

    def recent_failures(self, user: User, limit: int = 10) -> list[Failure]:
        with self.s.store.read() as session:
            rows = repo.recent_failures(session, user.id, limit)
        return [Failure(execution, command) for execution, command in rows]


def _when(execution: Execution) -> datetime:
    return execution.finished_at or execution.started_at or execution.scheduled_for
