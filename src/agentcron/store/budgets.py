"""Budgets' SQL: the rows (CRUD, scoped by owner), and what a claim reads to check them:
the owners' budgets (locked on PostgreSQL), the spend of a period summed from executions
and the daily rollup, the runs still going, and each schedule's recent spend for its
estimate. Spend is never a counter kept here (ARCHITECTURE.md, invariant 10).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from agentcron.store.claims import in_state, is_postgres
from agentcron.store.records import NoticeSubject
from agentcron.store.tables import (
    Budget,
    BudgetScope,
    DailyRollup,
    Execution,
    ExecutionStatus,
    ScheduledCommand,
    table_of,
)

CHUNK = 500
FINAL = tuple(s.value for s in ExecutionStatus if s.is_final)
RAN = (
    ExecutionStatus.SUCCESS.value,
    ExecutionStatus.FAILED.value,
    ExecutionStatus.TIMED_OUT.value,
)
PROBE = "agentcron.budgets.any"


@dataclass(frozen=True, slots=True)
class BudgetRule:
    """A budget as a claim reads it."""

    id: uuid.UUID
    user_id: uuid.UUID
    scope: str
    schedule_id: uuid.UUID | None
    agent_id: str | None
    period: str
    max_tokens: int | None
    max_usd: float | None
    warn_at: float
    warned_for: str | None
    exhausted_for: str | None

    def covers(self, schedule_id: uuid.UUID, agent_id: str) -> bool:
        if self.scope == BudgetScope.SCHEDULE.value:
            return self.schedule_id == schedule_id
        if self.scope == BudgetScope.AGENT.value:
            return self.agent_id == agent_id
        return True


_RULE_COLUMNS = [table_of(Budget).c[name] for name in BudgetRule.__slots__]


def any_budgets(session: Session) -> bool:
    """Whether anyone has a budget: asked once per transaction (the claim of schedules and
    the claim of pending work share it), so users without budgets cost one tiny query."""
    cached = session.info.get(PROBE)
    if cached is None:
        cached = session.scalar(select(Budget.id).limit(1)) is not None
        session.info[PROBE] = cached
    return bool(cached)


def rules_for(session: Session, user_ids: Iterable[uuid.UUID]) -> list[BudgetRule]:
    """These users' budgets, in id order, locked on PostgreSQL until the claim commits: a
    second instance claiming for the same user waits here, then sees this claim's runs."""
    found: list[BudgetRule] = []
    ids = sorted(set(user_ids))
    for start in range(0, len(ids), CHUNK):
        query = (
            select(*_RULE_COLUMNS)
            .where(Budget.user_id.in_(ids[start : start + CHUNK]))
            .order_by(Budget.id)
        )
        if is_postgres(session):
            query = query.with_for_update()
        found.extend(BudgetRule(*row) for row in session.execute(query))
    return found


def _scoped(rule: BudgetRule, column_schedule: Any, column_agent: Any) -> list[Any]:
    if rule.scope == BudgetScope.SCHEDULE.value:
        return [column_schedule == rule.schedule_id]
    if rule.scope == BudgetScope.AGENT.value:
        return [column_agent == rule.agent_id]
    return []


def spent(
    session: Session, rule: BudgetRule, since: datetime, until: datetime
) -> tuple[int, float]:
    """Tokens and known USD spent by the runs this budget covers with slots in
    [since, until): finished executions plus the rollup of pruned days."""
    e = Execution
    tokens, usd = session.execute(
        select(
            func.coalesce(func.sum(e.tokens_used), 0), func.coalesce(func.sum(e.cost_usd), 0.0)
        ).where(
            e.user_id == rule.user_id,
            e.scheduled_for >= since,
            e.scheduled_for < until,
            e.status.in_(FINAL),
            *_scoped(rule, e.schedule_id, e.agent_id),
        )
    ).one()
    r = DailyRollup
    old_tokens, old_usd = session.execute(
        select(
            func.coalesce(func.sum(r.tokens_used), 0), func.coalesce(func.sum(r.cost_usd), 0.0)
        ).where(
            r.user_id == rule.user_id,
            r.day >= since.date(),
            r.day < until.date(),
            *_scoped(rule, r.schedule_id, r.agent_id),
        )
    ).one()
    return int(tokens or 0) + int(old_tokens or 0), float(usd or 0) + float(old_usd or 0)


def running(
    session: Session, user_ids: Iterable[uuid.UUID]
) -> list[tuple[uuid.UUID, uuid.UUID, str]]:
    """(user, schedule, agent) of every execution still running for these users: each holds
    back its estimate from what the budgets allow."""
    found: list[tuple[uuid.UUID, uuid.UUID, str]] = []
    ids = sorted(set(user_ids))
    for start in range(0, len(ids), CHUNK):
        rows = session.execute(
            select(Execution.user_id, Execution.schedule_id, Execution.agent_id).where(
                in_state(ExecutionStatus.RUNNING), Execution.user_id.in_(ids[start : start + CHUNK])
            )
        )
        found.extend((row[0], row[1], row[2]) for row in rows)
    return found


def recent_spend(
    session: Session, schedule_ids: Iterable[uuid.UUID], runs: int
) -> dict[uuid.UUID, list[tuple[int, float | None]]]:
    """Each schedule's latest `runs` runs that called their agent: (tokens, cost)."""
    ids = sorted(set(schedule_ids))
    found: dict[uuid.UUID, list[tuple[int, float | None]]] = {}
    for start in range(0, len(ids), CHUNK):
        ranked = (
            select(
                Execution.schedule_id,
                Execution.tokens_used,
                Execution.cost_usd,
                func.row_number()
                .over(partition_by=Execution.schedule_id, order_by=Execution.scheduled_for.desc())
                .label("rn"),
            )
            .where(Execution.schedule_id.in_(ids[start : start + CHUNK]), Execution.status.in_(RAN))
            .subquery()
        )
        for sid, tokens, cost, _rn in session.execute(select(ranked).where(ranked.c.rn <= runs)):
            found.setdefault(sid, []).append((int(tokens or 0), cost))
    return found


def mark(session: Session, changes: Sequence[tuple[uuid.UUID, str, str]]) -> None:
    """Remember which period a budget last warned about or ran out in: (id, column, key)."""
    for budget_id, column, key in changes:
        session.execute(update(Budget).where(Budget.id == budget_id).values({column: key}))


def skip_refused(
    session: Session, refused: Sequence[tuple[uuid.UUID, str]], now: datetime, code: str
) -> None:
    """Waiting executions the budgets refused: skipped, with the reason and its code."""
    for execution_id, message in refused:
        session.execute(
            update(Execution)
            .where(Execution.id == execution_id)
            .values(
                status=ExecutionStatus.SKIPPED.value,
                finished_at=now,
                next_attempt_at=None,
                error_message=message,
                error_code=code,
            )
        )


# -- the rows, for the service --------------------------------------------------------------


def list_for(session: Session, user_id: uuid.UUID) -> list[Budget]:
    return list(
        session.scalars(
            select(Budget).where(Budget.user_id == user_id).order_by(Budget.created_at, Budget.id)
        )
    )


def get(session: Session, user_id: uuid.UUID, budget_id: uuid.UUID) -> Budget | None:
    return session.scalar(select(Budget).where(Budget.id == budget_id, Budget.user_id == user_id))


def remove(session: Session, user_id: uuid.UUID, budget_id: uuid.UUID) -> bool:
    result: Any = session.execute(
        delete(Budget).where(Budget.id == budget_id, Budget.user_id == user_id)
    )
    return bool(result.rowcount)


def subjects(session: Session, schedule_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, NoticeSubject]:
    """The schedules budget notices are about, read without a lock: a claim that holds its
    owners' budget rows must not then wait for a schedule another transaction holds (that
    one may be waiting for a schedule this claim holds)."""
    table = table_of(ScheduledCommand)
    columns = [table.c[name] for name in NoticeSubject.__slots__]
    found: dict[uuid.UUID, NoticeSubject] = {}
    ids = sorted(set(schedule_ids))
    for start in range(0, len(ids), CHUNK):
        for row in session.execute(
            select(*columns).where(table.c.id.in_(ids[start : start + CHUNK]))
        ):
            found[row[0]] = NoticeSubject(*row)
    return found
