"""A week of upcoming runs, as the calendar shows it: bounded work, bounded size.

Each enabled schedule's runs are counted into the hours of the viewer's days
(`timing.hours`, arithmetic rather than a walk fire by fire), one entry per schedule per
hour: a five-minute schedule is "every 5 min, 12 runs" in each hour, not twelve chips. An
hour lists at most `CELL_LIMIT` schedules and counts the rest, except on the day asked
for in full. Weeks are pages: the seven days from today, the next seven, and so on, up to
`WEEKS_AHEAD`. A user has at most 50 schedules, so a page is at most a few hundred entries.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from agentcron.service.context import Services
from agentcron.store import dashboard as repo
from agentcron.store import schedules
from agentcron.store.tables import ScheduledCommand, User
from agentcron.timing import InvalidSchedule, build_trigger
from agentcron.timing.hours import fires_by_hour

CELL_LIMIT = 3
WEEKS_AHEAD = 52
TICK = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    """One schedule's runs within one hour of one day."""

    schedule_id: uuid.UUID
    agent_id: str
    command_text: str
    first: datetime
    count: int
    cadence: str  # "every 5 min" for a schedule that runs more often than hourly, else ""


@dataclass
class CalendarHour:
    hour: int
    entries: list[CalendarEntry] = field(default_factory=list)
    hidden: int = 0  # schedules beyond CELL_LIMIT, counted, not listed
    runs: int = 0


@dataclass
class CalendarDay:
    day: date
    today: bool
    full: bool  # every schedule listed, none hidden
    hours: dict[int, CalendarHour] = field(default_factory=dict)
    runs: int = 0


@dataclass(frozen=True)
class CalendarWeek:
    week: int  # 0: the seven days from today; 1: the seven after them; ...
    start: datetime  # the viewer's midnight of the first day, as UTC
    end: datetime
    timezone: str
    now: datetime
    days: list[CalendarDay]
    agents: list[str]  # agents with runs this week, whatever the filter
    agent: str | None  # only this agent's runs, when set
    runs: int

    @property
    def has_previous(self) -> bool:
        return self.week > 0

    @property
    def has_next(self) -> bool:
        return self.week < WEEKS_AHEAD

    @property
    def busy_hours(self) -> list[int]:
        return sorted({h for d in self.days for h in d.hours})

    @property
    def today(self) -> CalendarDay | None:
        return next((d for d in self.days if d.today), None)


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The first instant of `day` in `zone`, as UTC (a DST gap at midnight moves it later)."""
    return datetime.combine(day, time(0), zone).astimezone(ZoneInfo("UTC"))


def build_week(
    services: Services,
    user: User,
    zone_key: str,
    *,
    week: int = 0,
    agent: str | None = None,
    full_day: date | None = None,
) -> CalendarWeek:
    """The upcoming runs of `user`'s enabled schedules in one week, by local day and hour."""
    zone = ZoneInfo(zone_key)
    week = min(max(week, 0), WEEKS_AHEAD)
    now = services.clock.now()
    today = now.astimezone(zone).date()
    first = today + timedelta(days=7 * week)
    start, end = local_midnight(first, zone), local_midnight(first + timedelta(days=7), zone)
    with services.store.read() as session:
        rows = repo.due_before(session, user.id, end)
    days = {
        first + timedelta(days=i): CalendarDay(
            first + timedelta(days=i), first + timedelta(days=i) == today, False
        )
        for i in range(7)
    }
    if full_day in days:
        days[full_day].full = True
    agents: set[str] = set()
    entries: list[tuple[date, int, CalendarEntry]] = []
    for row in rows:
        try:
            trigger = build_trigger(schedules.spec_of(row))
        except InvalidSchedule:
            continue
        after = max(row.next_run_at, start) - TICK if row.next_run_at else start - TICK
        hours = fires_by_hour(trigger, after, end, zone)
        if hours:
            agents.add(row.agent_id)
        if agent is not None and row.agent_id != agent:
            continue
        cadence = _cadence(row)
        for hour in hours:
            entry = CalendarEntry(
                row.id, row.agent_id, row.command_text, hour.first, hour.count, cadence
            )
            entries.append((hour.day, hour.hour, entry))
    entries.sort(key=lambda e: (e[2].first, e[2].agent_id))
    for day, hour_of_day, entry in entries:
        found = days.get(day)
        if found is None:
            continue
        cell = found.hours.setdefault(hour_of_day, CalendarHour(hour_of_day))
        same = next((e for e in cell.entries if e.schedule_id == entry.schedule_id), None)
        if same is not None:  # an hour repeated by a DST change: one entry
            index = cell.entries.index(same)
            cell.entries[index] = CalendarEntry(
                same.schedule_id,
                same.agent_id,
                same.command_text,
                same.first,
                same.count + entry.count,
                same.cadence,
            )
        elif found.full or len(cell.entries) < CELL_LIMIT:
            cell.entries.append(entry)
        else:
            cell.hidden += 1
        cell.runs += entry.count
        found.runs += entry.count
    listed = list(days.values())
    return CalendarWeek(
        week=week,
        start=start,
        end=end,
        timezone=zone.key,
        now=now,
        days=listed,
        agents=sorted(agents),
        agent=agent,
        runs=sum(d.runs for d in listed),
    )


def _cadence(row: ScheduledCommand) -> str:
    """How often a schedule runs within an hour, in words, when it runs more than hourly."""
    if row.schedule_type == "interval" and row.interval_value:
        if row.interval_unit == "minutes" and row.interval_value < 60:
            return f"every {row.interval_value} min"
        return ""
    if row.schedule_type == "cron" and row.cron_expression:
        minute = row.cron_expression.split()[0]
        if minute.startswith("*/") and minute[2:].isdigit():
            return f"every {int(minute[2:])} min"
        if minute == "*":
            return "every minute"
        values = sorted({int(v) for v in minute.split(",") if v.isdigit()})
        if len(values) > 1 and "," in minute and all(v.isdigit() for v in minute.split(",")):
            gaps = {b - a for a, b in pairwise(values)}
            gaps.add(values[0] + 60 - values[-1])
            if len(gaps) == 1:
                return f"every {gaps.pop()} min"
    return ""
