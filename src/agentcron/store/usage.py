"""What a user's runs spent, summed by the database: per UTC day, agent, schedule or model
(or a pair of them, for charts), from the executions still kept plus the daily rollup of
pruned history. Nothing here is a counter: every number is a SUM over rows at the moment of
asking (ARCHITECTURE.md, invariant 10). Duration percentiles come from the kept executions
only (a rollup keeps sums and the longest run, not a distribution).

Days are the UTC dates of the slots (`scheduled_for`), as the rollup keeps them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, and_, case, cast, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from agentcron.store.tables import DailyRollup, Execution, ExecutionStatus, ScheduleTag

DIMENSIONS = ("day", "agent", "schedule", "model", "tag")
FINAL = tuple(s.value for s in ExecutionStatus if s.is_final)
FAILING = (
    ExecutionStatus.FAILED.value,
    ExecutionStatus.TIMED_OUT.value,
    ExecutionStatus.MISSED.value,
)
NOT_RUN = (ExecutionStatus.SKIPPED.value, ExecutionStatus.CANCELLED.value)

Key = tuple[Any, ...]


@dataclass(slots=True)
class UsageTotals:
    """One row of the usage table. `cost_usd` is the known part of the cost;
    `runs_without_cost` and `tokens_without_cost` say how much of the spend had no price
    (a model genai-prices does not know, an agent that reports tokens but no cost)."""

    key: Key
    runs: int = 0
    successes: int = 0
    failures: int = 0  # failed, timed out or missed
    skipped: int = 0  # skipped or cancelled: never meant to run
    llm_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    cost_usd: float = 0.0
    runs_without_cost: int = 0
    tokens_without_cost: int = 0
    duration_p50_ms: int | None = None
    duration_p95_ms: int | None = None
    duration_max_ms: int | None = None
    pruned_runs: int = 0  # of `runs`, how many come from the rollup
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def success_rate(self) -> float | None:
        rated = self.successes + self.failures
        return self.successes / rated if rated else None


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _execution_key(session: Session, dimension: str) -> Any:
    if dimension == "day":
        if _postgres(session):
            return cast(func.timezone("UTC", Execution.scheduled_for), Date)
        # SQLite keeps UTC instants as "YYYY-MM-DD HH:MM:SS…" text (store/types.py).
        return func.substr(Execution.scheduled_for, 1, 10)
    if dimension == "agent":
        return Execution.agent_id
    if dimension == "schedule":
        return Execution.schedule_id
    if dimension == "model":
        return func.coalesce(Execution.model, "")
    if dimension == "tag":
        return ScheduleTag.tag
    raise ValueError(dimension)


def _tagged(query: Any, dims: Sequence[str], schedule_column: Any, base: Any) -> Any:
    """Grouping by tag joins each row to its schedule's tags: a schedule with two tags
    counts in both rows, one without any in the row of no tag (key "")."""
    if "tag" not in dims:
        return query
    return query.select_from(base).outerjoin(
        ScheduleTag, ScheduleTag.schedule_id == schedule_column
    )


def _rollup_key(dimension: str) -> ColumnElement[Any]:
    return {
        "day": DailyRollup.day,
        "agent": DailyRollup.agent_id,
        "schedule": DailyRollup.schedule_id,
        "model": DailyRollup.model,
        "tag": ScheduleTag.tag,
    }[dimension]  # type: ignore[return-value]


def _normal(dimension: str, value: Any) -> Any:
    """One spelling per key on both dialects and both sources: days as ISO dates, ids as
    UUIDs, unknown models as ""."""
    if dimension == "day":
        if isinstance(value, datetime):
            return value.date().isoformat()
        if isinstance(value, date):
            return value.isoformat()
        return str(value)[:10]
    if dimension == "schedule":
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    return value or ""


def _count(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.sum(case((condition, 1), else_=0))


def usage(
    session: Session,
    user_id: uuid.UUID,
    start: datetime,
    end: datetime,
    group_by: Sequence[str],
    *,
    schedule_id: uuid.UUID | None = None,
    only_percentiles: bool = False,
    percentiles: bool = True,
) -> dict[Key, UsageTotals]:
    """Usage of `user_id`'s final executions with slots in [start, end), grouped by the
    given dimensions, plus the rollup's days in [start's day, end's day). `start` and `end`
    are meant to be UTC midnights, so both sources cover the same days."""
    dims = tuple(group_by)
    keys = [_execution_key(session, d).label(f"k{i}") for i, d in enumerate(dims)]
    where = [
        Execution.user_id == user_id,
        Execution.scheduled_for >= start,
        Execution.scheduled_for < end,
        Execution.status.in_(FINAL),
    ]
    if schedule_id is not None:
        where.append(Execution.schedule_id == schedule_id)
    found: dict[Key, UsageTotals] = {}

    def entry(raw: Sequence[Any]) -> UsageTotals:
        key = tuple(_normal(d, v) for d, v in zip(dims, raw, strict=True))
        if key not in found:
            found[key] = UsageTotals(key)
        return found[key]

    if only_percentiles:
        _percentiles(session, dims, keys, where, entry)
        return found
    unpriced = and_(Execution.cost_usd.is_(None), Execution.tokens_used > 0)
    query = (
        select(
            *keys,
            func.count(),
            _count(Execution.status == ExecutionStatus.SUCCESS.value),
            _count(Execution.status.in_(FAILING)),
            _count(Execution.status.in_(NOT_RUN)),
            func.sum(Execution.llm_calls),
            func.sum(Execution.input_tokens),
            func.sum(Execution.output_tokens),
            func.sum(Execution.tokens_used),
            func.sum(Execution.cost_usd),
            _count(unpriced),
            func.sum(case((unpriced, Execution.tokens_used), else_=0)),
            func.max(Execution.duration_ms),
        )
        .where(*where)
        .group_by(*keys)
    )
    sums = session.execute(_tagged(query, dims, Execution.schedule_id, Execution)).all()
    n = len(dims)
    for row in sums:
        item = entry(row[:n])
        (runs, ok, bad, skipped, calls, tin, tout, total, cost, unp, unp_tokens, longest) = row[n:]
        item.runs += int(runs)
        item.successes += int(ok or 0)
        item.failures += int(bad or 0)
        item.skipped += int(skipped or 0)
        item.llm_calls += int(calls or 0)
        item.input_tokens += int(tin or 0)
        item.output_tokens += int(tout or 0)
        item.total_tokens += int(total or 0)
        item.cost_usd += float(cost or 0.0)
        item.runs_without_cost += int(unp or 0)
        item.tokens_without_cost += int(unp_tokens or 0)
        item.duration_max_ms = None if longest is None else int(longest)
    if percentiles:  # the costly part (a sort per group): charts of sums do without
        _percentiles(session, dims, keys, where, entry)
    _rollup(session, user_id, start, end, dims, schedule_id, entry)
    return found


def _percentiles(
    session: Session,
    dims: tuple[str, ...],
    keys: list[Any],
    where: list[ColumnElement[bool]],
    entry: Any,
) -> None:
    """p50 and p95 of durations per group, by nearest rank (the smallest duration with at
    least p% of the group at or below it), with window functions both dialects have."""
    duration = Execution.duration_ms
    ranked = select(
        *keys,
        duration.label("d"),
        func.row_number().over(partition_by=keys, order_by=duration).label("rn"),
        # The same window as the rank (every row of the group in view), so both come
        # from one sort instead of two.
        func.count().over(partition_by=keys, order_by=duration, rows=(None, None)).label("n"),
    ).where(*where, duration.is_not(None))
    ranked = _tagged(ranked, dims, Execution.schedule_id, Execution).subquery()
    cols = [ranked.c[f"k{i}"] for i in range(len(dims))]
    rows = session.execute(
        select(
            *cols,
            func.min(case((ranked.c.rn * 100 >= ranked.c.n * 50, ranked.c.d))),
            func.min(case((ranked.c.rn * 100 >= ranked.c.n * 95, ranked.c.d))),
        ).group_by(*cols)
    ).all()
    n = len(dims)
    for row in rows:
        item = entry(row[:n])
        item.duration_p50_ms, item.duration_p95_ms = (
            None if v is None else int(v) for v in row[n:]
        )


def _rollup(
    session: Session,
    user_id: uuid.UUID,
    start: datetime,
    end: datetime,
    dims: tuple[str, ...],
    schedule_id: uuid.UUID | None,
    entry: Any,
) -> None:
    r = DailyRollup
    keys = [_rollup_key(d) for d in dims]
    query = (
        select(
            *keys,
            func.sum(r.count),
            func.sum(case((r.status == ExecutionStatus.SUCCESS.value, r.count), else_=0)),
            func.sum(case((r.status.in_(FAILING), r.count), else_=0)),
            func.sum(case((r.status.in_(NOT_RUN), r.count), else_=0)),
            func.sum(r.llm_calls),
            func.sum(r.input_tokens),
            func.sum(r.output_tokens),
            func.sum(r.tokens_used),
            func.sum(r.cost_usd),
            func.sum(r.unpriced_runs),
            func.sum(r.unpriced_tokens),
            func.max(r.duration_max_ms),
        )
        .where(r.user_id == user_id, r.day >= start.date(), r.day < end.date())
        .group_by(*keys)
    )
    if schedule_id is not None:
        query = query.where(r.schedule_id == schedule_id)
    query = _tagged(query, dims, r.schedule_id, r)
    n = len(dims)
    for row in session.execute(query).all():
        item = entry(row[:n])
        (runs, ok, bad, skipped, calls, tin, tout, total, cost, unp, unp_tokens, longest) = row[n:]
        item.runs += int(runs or 0)
        item.pruned_runs += int(runs or 0)
        item.successes += int(ok or 0)
        item.failures += int(bad or 0)
        item.skipped += int(skipped or 0)
        item.llm_calls += int(calls or 0)
        item.input_tokens += int(tin or 0)
        item.output_tokens += int(tout or 0)
        item.total_tokens += int(total or 0)
        item.cost_usd += float(cost or 0.0)
        item.runs_without_cost += int(unp or 0)
        item.tokens_without_cost += int(unp_tokens or 0)
        if longest:
            item.duration_max_ms = max(item.duration_max_ms or 0, int(longest))


SUMMED = (
    "runs",
    "successes",
    "failures",
    "skipped",
    "llm_calls",
    "input_tokens",
    "output_tokens",
    "total_tokens",
    "cost_usd",
    "runs_without_cost",
    "tokens_without_cost",
    "pruned_runs",
)


def folded(parts: Iterable[UsageTotals], percentiles: UsageTotals | None) -> UsageTotals:
    """The total of some groups: their sums added up, the longest of their longest runs, and
    the percentiles of all their runs (asked of the database: they do not add up)."""
    total = UsageTotals(())
    for part in parts:
        for name in SUMMED:
            setattr(total, name, getattr(total, name) + getattr(part, name))
        if part.duration_max_ms is not None:
            total.duration_max_ms = max(total.duration_max_ms or 0, part.duration_max_ms)
    if percentiles is not None:
        total.duration_p50_ms = percentiles.duration_p50_ms
        total.duration_p95_ms = percentiles.duration_p95_ms
    return total


@dataclass(frozen=True, slots=True)
class RecentRun:
    """One of a schedule's latest final runs, for the insights (sameness, rising duration)."""

    schedule_id: uuid.UUID
    status: str
    duration_ms: int | None
    summary: str | None
    output_hash: str | None


def recent_runs(
    session: Session, user_id: uuid.UUID, per_schedule: int, since: datetime
) -> list[RecentRun]:
    """The newest `per_schedule` final runs (success, failed, timed out) of each of the
    user's schedules since `since`, newest first within each schedule."""
    ran = (ExecutionStatus.SUCCESS.value, *FAILING[:2])
    ranked = (
        select(
            Execution.schedule_id,
            Execution.status,
            Execution.duration_ms,
            Execution.result_summary,
            func.md5(Execution.output).label("h") if _postgres(session) else Execution.output,
            Execution.scheduled_for,
            func.row_number()
            .over(partition_by=Execution.schedule_id, order_by=Execution.scheduled_for.desc())
            .label("rn"),
        )
        .where(
            Execution.user_id == user_id,
            Execution.status.in_(ran),
            Execution.scheduled_for >= since,
        )
        .subquery()
    )
    rows = session.execute(
        select(ranked)
        .where(ranked.c.rn <= per_schedule)
        .order_by(ranked.c.schedule_id, ranked.c.scheduled_for.desc())
    ).all()
    out = []
    for row in rows:
        digest = row[4]
        if digest is not None and not _postgres(session):
            import hashlib

            digest = hashlib.md5(str(digest).encode(), usedforsecurity=False).hexdigest()
        out.append(RecentRun(row[0], row[1], row[2], row[3], digest))
    return out
