"""Aggregates over one user's schedules and executions, for overviews (the web UI's
Mission Control, the calendar, history charts). Always scoped by owner, like every query.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from agentcron.store.tables import Execution, ExecutionStatus, ScheduledCommand

FAILED_STATUSES = (
    ExecutionStatus.FAILED.value,
    ExecutionStatus.TIMED_OUT.value,
    ExecutionStatus.MISSED.value,
)
FINAL_STATUSES = tuple(s.value for s in ExecutionStatus if s.is_final)
_ENABLED_AS_INT = case((ScheduledCommand.enabled.is_(True), 1), else_=0)


@dataclass(frozen=True, slots=True)
class AgentTally:
    schedules: int
    enabled: int


def schedules_by_agent(session: Session, user_id: uuid.UUID) -> dict[str, AgentTally]:
    rows = session.execute(
        select(
            ScheduledCommand.agent_id,
            func.count(),
            func.sum(_ENABLED_AS_INT),
        )
        .where(ScheduledCommand.user_id == user_id)
        .group_by(ScheduledCommand.agent_id)
    ).all()
    return {agent: AgentTally(int(total), int(enabled or 0)) for agent, total, enabled in rows}


def last_execution_by_agent(session: Session, user_id: uuid.UUID) -> dict[str, Execution]:
    """Each agent's most recently created execution for this user."""
    ranked = (
        select(
            Execution.id,
            func.row_number()
            .over(
                partition_by=Execution.agent_id,
                order_by=(Execution.created_at.desc(), Execution.id),
            )
            .label("rank"),
        )
        .where(Execution.user_id == user_id)
        .subquery()
    )
    rows = session.scalars(
        select(Execution).join(ranked, ranked.c.id == Execution.id).where(ranked.c.rank == 1)
    ).all()
    return {row.agent_id: row for row in rows}


def started_between(
    session: Session, user_id: uuid.UUID, start: datetime, end: datetime
) -> tuple[int, int]:
    """How many executions started in [start, end), and the tokens they used."""
    count, tokens = session.execute(
        select(func.count(), func.coalesce(func.sum(Execution.tokens_used), 0)).where(
            Execution.user_id == user_id,
            Execution.started_at >= start,
            Execution.started_at < end,
        )
    ).one()
    return int(count), int(tokens)


def outcomes_since(session: Session, user_id: uuid.UUID, since: datetime) -> dict[str, int]:
    """Final executions that ended at or after `since`, counted by status."""
    rows = session.execute(
        select(Execution.status, func.count())
        .where(
            Execution.user_id == user_id,
            Execution.finished_at >= since,
            Execution.status.in_(FINAL_STATUSES),
        )
        .group_by(Execution.status)
    ).all()
    return {status: int(count) for status, count in rows}


def enabled_count(session: Session, user_id: uuid.UUID) -> tuple[int, int]:
    """(enabled, total) schedules of this user."""
    total, enabled = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(_ENABLED_AS_INT), 0),
        ).where(ScheduledCommand.user_id == user_id)
    ).one()
    return int(enabled), int(total)


def next_due(session: Session, user_id: uuid.UUID) -> ScheduledCommand | None:
    return session.scalars(
        select(ScheduledCommand)
        .where(
            ScheduledCommand.user_id == user_id,
            ScheduledCommand.enabled.is_(True),
            ScheduledCommand.next_run_at.is_not(None),
        )
        .order_by(ScheduledCommand.next_run_at, ScheduledCommand.id)
        .limit(1)
    ).first()


def due_before(session: Session, user_id: uuid.UUID, until: datetime) -> Sequence[ScheduledCommand]:
    """Enabled schedules whose next run comes before `until`."""
    return session.scalars(
        select(ScheduledCommand)
        .where(
            ScheduledCommand.user_id == user_id,
            ScheduledCommand.enabled.is_(True),
            ScheduledCommand.next_run_at < until,
        )
        .order_by(ScheduledCommand.next_run_at, ScheduledCommand.id)
    ).all()


def finished_for_schedule(
    session: Session, user_id: uuid.UUID, schedule_id: uuid.UUID, limit: int
) -> list[Execution]:
    """The latest `limit` final executions of a schedule, oldest first."""
    rows = session.scalars(
        select(Execution)
        .where(
            Execution.user_id == user_id,
            Execution.schedule_id == schedule_id,
            Execution.status.in_(FINAL_STATUSES),
        )
        .order_by(Execution.scheduled_for.desc(), Execution.id)
        .limit(limit)
    ).all()
    return list(reversed(rows))


def endings_since(
    session: Session,
    user_id: uuid.UUID,
    since: datetime,
    *,
    schedule_id: uuid.UUID | None = None,
    limit: int = 20_000,
) -> list[tuple[datetime, str]]:
    """(finished_at, status) of final executions since `since`, to bucket by local day."""
    query = select(Execution.finished_at, Execution.status).where(
        Execution.user_id == user_id,
        Execution.finished_at >= since,
        Execution.status.in_(FINAL_STATUSES),
    )
    if schedule_id is not None:
        query = query.where(Execution.schedule_id == schedule_id)
    rows = session.execute(query.order_by(Execution.finished_at.desc()).limit(limit)).all()
    return [(finished, status) for finished, status in rows if finished is not None]


def recent_failures(
    session: Session, user_id: uuid.UUID, limit: int
) -> list[tuple[Execution, str]]:
    """The user's latest failed, timed-out or missed executions, with their schedule's command."""
    rows = session.execute(
        select(Execution, ScheduledCommand.command_text)
        .join(ScheduledCommand, ScheduledCommand.id == Execution.schedule_id)
        .where(Execution.user_id == user_id, Execution.status.in_(FAILED_STATUSES))
        .order_by(Execution.created_at.desc(), Execution.id)
        .limit(limit)
    ).all()
    return list(rows)
