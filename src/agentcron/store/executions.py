"""Queries on execution history, scoped by owner."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agentcron.store.tables import Attempt, Execution


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
    if statuses:
        query = query.where(Execution.status.in_(list(statuses)))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(Execution.scheduled_for.desc(), Execution.id).offset(offset).limit(limit)
    ).all()
    return rows, total
