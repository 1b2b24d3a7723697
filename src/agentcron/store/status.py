"""Aggregates for the engine status report."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agentcron.store.claims import in_state
from agentcron.store.tables import Execution, ExecutionStatus, ScheduledCommand


def counts(session: Session, now: datetime, since: datetime) -> dict[str, object]:
    enabled = (
        session.scalar(
            select(func.count())
            .select_from(ScheduledCommand)
            .where(ScheduledCommand.enabled.is_(True))
        )
        or 0
    )
    due = (
        session.scalar(
            select(func.count())
            .select_from(ScheduledCommand)
            .where(ScheduledCommand.enabled.is_(True), ScheduledCommand.next_run_at <= now)
        )
        or 0
    )
    running = (
        session.scalar(
            select(func.count()).select_from(Execution).where(in_state(ExecutionStatus.RUNNING))
        )
        or 0
    )
    pending = (
        session.scalar(
            select(func.count()).select_from(Execution).where(in_state(ExecutionStatus.PENDING))
        )
        or 0
    )
    next_due = session.scalar(
        select(func.min(ScheduledCommand.next_run_at)).where(ScheduledCommand.enabled.is_(True))
    )
    by_status = dict(
        session.execute(
            select(Execution.status, func.count())
            .where(Execution.created_at >= since)
            .group_by(Execution.status)
        ).all()
    )
    lags = sorted(
        lag
        for lag in session.scalars(
            select(Execution.lag_ms)
            .where(Execution.started_at >= since, Execution.lag_ms.is_not(None))
            .order_by(Execution.started_at.desc())
            .limit(10_000)
        )
        if lag is not None
    )
    return {
        "enabled_schedules": enabled,
        "due_now": due,
        "running": running,
        "pending": pending,
        "next_due_at": next_due,
        "executions_last_hour": by_status,
        "lags_ms": lags,
    }


def enabled_schedules(session: Session) -> int:
    """How many schedules may fire, across every user (the active-schedules gauge)."""
    return (
        session.scalar(
            select(func.count())
            .select_from(ScheduledCommand)
            .where(ScheduledCommand.enabled.is_(True))
        )
        or 0
    )
