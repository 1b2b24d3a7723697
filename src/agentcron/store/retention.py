"""Pruning old execution history in small batches, keeping per-day totals.

Each batch is one short transaction: pick up to `batch` final executions that fall outside
the retention rules, add them to `execution_daily`, delete them (attempts go by cascade and
are deleted explicitly too). Short transactions keep the engine's claims flowing on SQLite,
where a writer holds the whole database.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from agentcron.store.tables import Attempt, DailyRollup, Execution, ExecutionStatus, table_of

FINAL = [s.value for s in ExecutionStatus if s.is_final]


def older_than(session: Session, cutoff: datetime, batch: int) -> list[uuid.UUID]:
    return list(
        session.scalars(
            select(Execution.id)
            .where(Execution.status.in_(FINAL), Execution.scheduled_for < cutoff)
            .order_by(Execution.scheduled_for)
            .limit(batch)
        )
    )


def beyond_last(session: Session, keep: int, batch: int) -> list[uuid.UUID]:
    """Final executions that are not among the newest `keep` of their schedule."""
    ranked = (
        select(
            Execution.id.label("id"),
            Execution.status.label("status"),
            func.row_number()
            .over(partition_by=Execution.schedule_id, order_by=Execution.scheduled_for.desc())
            .label("rank"),
        )
    ).subquery()
    return list(
        session.scalars(
            select(ranked.c.id).where(ranked.c.rank > keep, ranked.c.status.in_(FINAL)).limit(batch)
        )
    )


ROLLED = (
    "count",
    "tokens_used",
    "llm_calls",
    "duration_ms",
    "input_tokens",
    "output_tokens",
    "cost_usd",
    "unpriced_runs",
    "unpriced_tokens",
)


def roll_up_and_delete(session: Session, ids: list[uuid.UUID]) -> int:
    if not ids:
        return 0
    rows = session.execute(
        select(
            Execution.user_id,
            Execution.schedule_id,
            Execution.scheduled_for,
            Execution.status,
            Execution.agent_id,
            Execution.model,
            Execution.tokens_used,
            Execution.llm_calls,
            Execution.duration_ms,
            Execution.input_tokens,
            Execution.output_tokens,
            Execution.cost_usd,
        ).where(Execution.id.in_(ids))
    ).all()
    Key = tuple[uuid.UUID, uuid.UUID, date, str, str, str]
    totals: dict[Key, dict[str, Any]] = defaultdict(
        lambda: dict.fromkeys(ROLLED, 0) | {"duration_max_ms": 0}
    )
    for row in rows:
        key = (
            row.user_id,
            row.schedule_id,
            row.scheduled_for.date(),
            row.status,
            row.agent_id or "",
            row.model or "",
        )
        entry = totals[key]
        tokens = row.tokens_used or 0
        entry["count"] += 1
        entry["tokens_used"] += tokens
        entry["llm_calls"] += row.llm_calls or 0
        entry["duration_ms"] += row.duration_ms or 0
        entry["input_tokens"] += row.input_tokens or 0
        entry["output_tokens"] += row.output_tokens or 0
        if row.cost_usd is not None:
            entry["cost_usd"] += row.cost_usd
        elif tokens > 0:
            entry["unpriced_runs"] += 1
            entry["unpriced_tokens"] += tokens
        entry["duration_max_ms"] = max(entry["duration_max_ms"], row.duration_ms or 0)
    values: list[dict[str, Any]] = [
        {
            "user_id": key[0],
            "schedule_id": key[1],
            "day": key[2],
            "status": key[3],
            "agent_id": key[4],
            "model": key[5],
            **v,
        }
        for key, v in totals.items()
    ]
    table = table_of(DailyRollup)
    dialect = session.get_bind().dialect.name
    insert: Any = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    for value in values:
        stmt = insert.values(**value)
        longest = table.c.duration_max_ms
        session.execute(
            stmt.on_conflict_do_update(
                index_elements=["user_id", "schedule_id", "day", "status", "agent_id", "model"],
                set_={
                    **{name: table.c[name] + stmt.excluded[name] for name in ROLLED},
                    "duration_max_ms": case(
                        (stmt.excluded.duration_max_ms > longest, stmt.excluded.duration_max_ms),
                        else_=longest,
                    ),
                },
            )
        )
    session.execute(delete(Attempt).where(Attempt.execution_id.in_(ids)))
    session.execute(delete(Execution).where(Execution.id.in_(ids)))
    return len(rows)


def daily_totals(
    session: Session, user_id: uuid.UUID, since: date, *, schedule_id: uuid.UUID | None = None
) -> list[tuple[date, str, int, int]]:
    """(day, status, count, tokens) from the rollup: history that pruning removed.

    Days are UTC dates of the slots (`scheduled_for`)."""
    query = (
        select(
            DailyRollup.day,
            DailyRollup.status,
            func.sum(DailyRollup.count),
            func.sum(DailyRollup.tokens_used),
        )
        .where(DailyRollup.user_id == user_id, DailyRollup.day >= since)
        .group_by(DailyRollup.day, DailyRollup.status)
    )
    if schedule_id is not None:
        query = query.where(DailyRollup.schedule_id == schedule_id)
    rows = session.execute(query).all()
    return [(day, status, int(count or 0), int(tokens or 0)) for day, status, count, tokens in rows]
