"""SQL for pauses that end by themselves (`paused_until`): which are due, and resuming one
with a conditional UPDATE that exactly one instance wins."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from agentcron.store.tables import ScheduledCommand


def due(session: Session, now: datetime, limit: int = 200) -> Sequence[ScheduledCommand]:
    """Paused schedules whose pause has ended (read without a lock: the resume decides)."""
    return session.scalars(
        select(ScheduledCommand)
        .where(
            ScheduledCommand.paused_until.is_not(None),
            ScheduledCommand.paused_until <= now,
            ScheduledCommand.enabled.is_(False),
        )
        .order_by(ScheduledCommand.paused_until)
        .limit(limit)
    ).all()


def earliest(session: Session) -> datetime | None:
    """When the next pause ends, for the loop's sleep."""
    return session.scalar(
        select(func.min(ScheduledCommand.paused_until)).where(ScheduledCommand.enabled.is_(False))
    )


def resume(
    session: Session,
    schedule_id: uuid.UUID,
    now: datetime,
    next_run_at: datetime | None,
) -> bool:
    """Enable the schedule from `next_run_at` if its pause is still the one that ended: the
    WHERE is re-checked under the row lock, so of several instances racing, one changes the
    row and the others change nothing. A schedule with no slot left (a once schedule whose
    moment passed) stays disabled, its pause's end cleared. True for the winner."""
    resumed = next_run_at is not None
    values: dict[str, object] = {"paused_until": None, "updated_at": now}
    if resumed:
        values.update(
            enabled=True,
            next_run_at=next_run_at,
            consecutive_failures=0,
            paused_at=None,
            paused_by=None,
            paused_reason=None,
            paused_note=None,
        )
    else:
        values["paused_reason"] = "its only run came and went while it was paused"
    result = session.execute(
        update(ScheduledCommand)
        .where(
            ScheduledCommand.id == schedule_id,
            ScheduledCommand.enabled.is_(False),
            ScheduledCommand.paused_until.is_not(None),
            ScheduledCommand.paused_until <= now,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
