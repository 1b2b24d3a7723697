"""Usage of one user's runs: the table by day, agent, schedule or model, the daily series
the usage page charts, and the insights (where the money goes, what always fails, what
could run less often). Every number is summed by the database at the moment of asking
(store/usage.py); the rules for ranges and groupings live here, once, for the API, the web
page and the CLI.

Ranges are whole UTC days, `from` and `to` both included, because budgets' periods and the
daily rollup are UTC days too: everyone, in every zone, sees the same totals.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from agentcron.errors import InvalidInput
from agentcron.service.context import Services
from agentcron.service.models import User
from agentcron.store import usage as repo
from agentcron.store.tables import ScheduledCommand

UsageTotalsView = repo.UsageTotals
GROUPS = ("day", "agent", "schedule", "model", "tag")
DEFAULT_DAYS = 30
MAX_DAYS = 400
# Insights: how many of a schedule's latest runs to look at, and what counts as "the same".
SAME_RUNS = 5
TREND_RUNS = 10
RISING = 1.5  # the newest half's median duration over the oldest half's


@dataclass(frozen=True, slots=True)
class UsageRange:
    start: date  # first day, included
    end: date  # last day, included

    @property
    def since(self) -> datetime:
        return datetime.combine(self.start, time(), UTC)

    @property
    def until(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time(), UTC)

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


@dataclass(frozen=True, slots=True)
class UsageLine:
    """One row of the table, with a label a person reads (a schedule's command)."""

    key: str
    label: str
    totals: repo.UsageTotals


@dataclass(frozen=True, slots=True)
class UsageReport:
    range: UsageRange
    group_by: str
    lines: list[UsageLine]
    total: repo.UsageTotals


@dataclass(frozen=True, slots=True)
class Insight:
    kind: str  # most_expensive, always_failing, unchanged, rising_duration
    schedule_id: uuid.UUID
    label: str
    detail: str


@dataclass(slots=True)
class DailySeries:
    """Per UTC day: tokens and cost stacked by agent, and the success rate."""

    days: list[date]
    agents: list[str]
    tokens: dict[str, list[int]] = field(default_factory=dict)  # agent -> per day
    cost: dict[str, list[float]] = field(default_factory=dict)
    rate: list[float | None] = field(default_factory=list)


def parse_day(value: str | date | None, name: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        day = date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise InvalidInput.one(name, f"{value!r} is not a date", "write YYYY-MM-DD") from None
    if not 1970 <= day.year <= 9000:
        raise InvalidInput.one(name, f"{day} is out of range", "a day between 1970 and 9000")
    return day


class UsageService:
    def __init__(self, services: Services) -> None:
        self.s = services

    def range(self, start: str | date | None, end: str | date | None) -> UsageRange:
        """The days asked for: `to` defaults to today (UTC), `from` to 29 days before it."""
        last = parse_day(end, "to") or self.s.clock.now().astimezone(UTC).date()
        first = parse_day(start, "from") or last - timedelta(days=DEFAULT_DAYS - 1)
        if first > last:
            raise InvalidInput.one("from", f"{first} is after to={last}", "swap from and to")
        if (last - first).days + 1 > MAX_DAYS:
            raise InvalidInput.one(
                "from", f"the range spans more than {MAX_DAYS} days", "ask for a year or less"
            )
        return UsageRange(first, last)

    def table(
        self,
        user: User,
        start: str | date | None = None,
        end: str | date | None = None,
        group_by: str = "day",
    ) -> UsageReport:
        group = (group_by or "day").strip().lower()
        if group not in repo.DIMENSIONS:
            raise InvalidInput.one(
                "group_by",
                f"unknown grouping {group_by!r}",
                "use day, agent, schedule, model or tag",
            )
        span = self.range(start, end)
        with self.s.store.read() as session:
            found = repo.usage(session, user.id, span.since, span.until, (group,))
            spread = repo.usage(session, user.id, span.since, span.until, (), only_percentiles=True)
            labels = self._labels(session, user, found, group)
            # A schedule counts in each of its tags, so tag rows do not add up to the total.
            whole = (
                repo.usage(session, user.id, span.since, span.until, ()) if group == "tag" else {}
            )
        rows = list(found.values())
        if group == "day":
            rows.sort(key=lambda t: t.key)
        else:
            rows.sort(key=lambda t: (-t.cost_usd, -t.total_tokens, -t.runs, str(t.key)))
        lines = [UsageLine(str(t.key[0]), labels.get(t.key[0], str(t.key[0])), t) for t in rows]
        total = whole.get(()) or repo.folded(found.values(), spread.get(()))
        return UsageReport(span, group, lines, total)

    def _labels(
        self, session: object, user: User, found: dict[repo.Key, repo.UsageTotals], group: str
    ) -> dict[object, str]:
        if group == "model":
            return {k[0]: k[0] or "(no model)" for k in found}
        if group == "agent":
            return {k[0]: "@" + k[0] if k[0] else "(no agent)" for k in found}
        if group == "tag":
            return {k[0]: k[0] or "(no tag)" for k in found}
        if group != "schedule":
            return {}
        from sqlalchemy import select
        from sqlalchemy.orm import Session

        assert isinstance(session, Session)
        ids = [k[0] for k in found]
        names: dict[object, str] = {}
        for start in range(0, len(ids), 500):
            for sid, command, description in session.execute(
                select(
                    ScheduledCommand.id, ScheduledCommand.command_text, ScheduledCommand.description
                ).where(
                    ScheduledCommand.user_id == user.id,
                    ScheduledCommand.id.in_(ids[start : start + 500]),
                )
            ):
                names[sid] = description or command
        return names

    def daily(
        self, user: User, start: str | date | None = None, end: str | date | None = None
    ) -> DailySeries:
        """The charts' data: one point per UTC day of the range, agents stacked."""
        span = self.range(start, end)
        with self.s.store.read() as session:
            by_pair = repo.usage(
                session, user.id, span.since, span.until, ("day", "agent"), percentiles=False
            )
            by_day = repo.usage(
                session, user.id, span.since, span.until, ("day",), percentiles=False
            )
        days = span.days
        index = {d.isoformat(): i for i, d in enumerate(days)}
        agents = sorted({k[1] for k in by_pair})
        series = DailySeries(days, agents)
        for agent in agents:
            series.tokens[agent] = [0] * len(days)
            series.cost[agent] = [0.0] * len(days)
        for (day, agent), t in by_pair.items():
            i = index.get(day)
            if i is not None:
                series.tokens[agent][i] += t.total_tokens
                series.cost[agent][i] += t.cost_usd
        rates: list[float | None] = [None] * len(days)
        for (day,), t in by_day.items():
            i = index.get(day)
            if i is not None:
                rates[i] = t.success_rate
        series.rate = rates
        return series

    def durations(
        self,
        user: User,
        start: str | date | None = None,
        end: str | date | None = None,
        *,
        report: UsageReport | None = None,
    ) -> list[UsageLine]:
        """Per schedule: p50, p95 and the longest run, for the duration chart (from `report`
        when it is already by schedule)."""
        if report is None or report.group_by != "schedule":
            report = self.table(user, start, end, "schedule")
        return [line for line in report.lines if line.totals.duration_max_ms is not None]

    def insights(
        self,
        user: User,
        start: str | date | None = None,
        end: str | date | None = None,
        *,
        report: UsageReport | None = None,
    ) -> list[Insight]:
        """What a person could act on: the schedules that cost the most, those that always
        fail, those whose result has not changed in their last runs (they could run less
        often), those whose runs take longer and longer."""
        if report is None or report.group_by != "schedule":
            report = self.table(user, start, end, "schedule")
        span = report.range
        found: list[Insight] = []
        spenders = [
            line for line in report.lines if line.totals.cost_usd > 0 or line.totals.total_tokens
        ]
        for line in spenders[:3]:
            t = line.totals
            found.append(
                Insight(
                    "most_expensive",
                    uuid.UUID(line.key),
                    line.label,
                    f"${t.cost_usd:.4f} and {t.total_tokens:,} tokens in {t.runs} runs"
                    + (
                        f" ({t.runs_without_cost} runs without a price)"
                        if t.runs_without_cost
                        else ""
                    ),
                )
            )
        for line in report.lines:
            t = line.totals
            if t.failures >= 2 and t.successes == 0:
                found.append(
                    Insight(
                        "always_failing",
                        uuid.UUID(line.key),
                        line.label,
                        f"{t.failures} failures and no success from {span.start} to {span.end}",
                    )
                )
        with self.s.store.read() as session:
            recent = repo.recent_runs(session, user.id, TREND_RUNS, span.since)
        labels = {uuid.UUID(line.key): line.label for line in report.lines}
        runs: dict[uuid.UUID, list[repo.RecentRun]] = defaultdict(list)
        for run in recent:
            runs[run.schedule_id].append(run)
        for sid, items in runs.items():
            label = labels.get(sid, str(sid))
            latest = [r for r in items if r.status == "success"][:SAME_RUNS]
            if len(latest) == SAME_RUNS and len({_fingerprint(r) for r in latest}) == 1:
                found.append(
                    Insight(
                        "unchanged",
                        sid,
                        label,
                        f"the last {SAME_RUNS} successful runs returned the same result: "
                        "a candidate for a lower frequency",
                    )
                )
            durations = [r.duration_ms for r in reversed(items) if r.duration_ms is not None]
            if len(durations) >= 6:
                half = len(durations) // 2
                before, after = _median(durations[:half]), _median(durations[-half:])
                if (
                    before > 0
                    and after >= before * RISING
                    and all(
                        b <= a
                        for b, a in zip(durations[-half:], durations[-half + 1 :], strict=False)
                    )
                ):
                    found.append(
                        Insight(
                            "rising_duration",
                            sid,
                            label,
                            f"median duration rose from {before / 1000:.1f} s to "
                            f"{after / 1000:.1f} s over the last {len(durations)} runs",
                        )
                    )
        return found

    @staticmethod
    def csv(report: UsageReport) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for line in report.lines:
            writer.writerow(row_values(line.key, line.label, line.totals))
        writer.writerow(row_values("total", "", report.total))
        return out.getvalue()


CSV_COLUMNS = (
    "key",
    "label",
    "runs",
    "successes",
    "failures",
    "skipped",
    "success_rate",
    "llm_calls",
    "input_tokens",
    "output_tokens",
    "total_tokens",
    "cost_usd",
    "runs_without_cost",
    "tokens_without_cost",
    "duration_p50_ms",
    "duration_p95_ms",
    "duration_max_ms",
)


def row_values(key: str, label: str, t: repo.UsageTotals) -> list[object]:
    rate = t.success_rate
    return [
        key,
        label,
        t.runs,
        t.successes,
        t.failures,
        t.skipped,
        "" if rate is None else round(rate, 4),
        t.llm_calls,
        t.input_tokens,
        t.output_tokens,
        t.total_tokens,
        round(t.cost_usd, 6),
        t.runs_without_cost,
        t.tokens_without_cost,
        "" if t.duration_p50_ms is None else t.duration_p50_ms,
        "" if t.duration_p95_ms is None else t.duration_p95_ms,
        "" if t.duration_max_ms is None else t.duration_max_ms,
    ]


def _fingerprint(run: repo.RecentRun) -> tuple[str | None, str | None]:
    return (run.summary, run.output_hash)


def _median(values: list[int]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return float(ordered[mid]) if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
