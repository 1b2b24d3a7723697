"""Queries on execution history, scoped by owner."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from agentcron.store.tables import Attempt, Execution, ExecutionStatus


def get(session: Session, user_id: uuid.UUID, execution_id: uuid.UUID) -> Execution | None:
    row = session.get(Execution, execution_id)
    return row if row is not None and row.user_id == user_id else None


def attempts(session: Session, execution_id: uuid.UUID) -> Sequence[Attempt]:
    return session.scalars(
        select(Attempt).where(Attempt.execution_id == execution_id).order_by(Attempt.number)
    ).all()


def for_schedule(
    session: Session,
    user_id: uuid.UUID,
    schedule_id: uuid.UUID,
    *,
    statuses: Sequence[str] | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[Sequence[Execution], int]:
    query = select(Execution).where(
        Execution.user_id == user_id, Execution.schedule_id == schedule_id
    )
    order = (Execution.scheduled_for.desc(), Execution.id)
    return _page(session, query, statuses, order, offset, limit)


def for_user(
    session: Session,
    user_id: uuid.UUID,
    *,
    statuses: Sequence[str] | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[Sequence[Execution], int]:
    """Every schedule's executions, newest first: by creation, which the (user_id,
    created_at) index serves."""
    query = select(Execution).where(Execution.user_id == user_id)
    order = (Execution.created_at.desc(), Execution.id)
    return _page(session, query, statuses, order, offset, limit)


def _page(
    session: Session,
    query: Select[Execution],
    statuses: Sequence[str] | None,
    order: tuple[ColumnElement[Any] | InstrumentedAttribute[Any], ...],
    offset: int,
    limit: int,
) -> tuple[Sequence[Execution], int]:
    if statuses:
        query = query.where(Execution.status.in_(list(statuses)))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(*order).offset(offset).limit(limit)).all()
    return rows, total


def pending_retries(
    session: Session, user_id: uuid.UUID, schedule_ids: Sequence[uuid.UUID]
) -> Sequence[Execution]:
    """Executions waiting for a retry (pending after an attempt ran) of these schedules,
    soonest first; the partial index on pending `next_attempt_at` serves the status test."""
    if not schedule_ids:
        return []
    return session.scalars(
        select(Execution)
        .where(
            Execution.user_id == user_id,
            Execution.schedule_id.in_(list(schedule_ids)),
            Execution.status == ExecutionStatus.PENDING.value,
            Execution.attempt >= 1,
            Execution.next_attempt_at.is_not(None),
        )
        .order_by(Execution.next_attempt_at)
    ).all()
