"""Queries on schedules, always scoped by owner: another user's schedule does not exist."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from agentcron.store import tags as tags_repo
from agentcron.store.records import DueSchedule
from agentcron.store.tables import Execution, ScheduledCommand, User
from agentcron.timing.spec import IntervalUnit, ScheduleSpec, ScheduleType


def spec_of(row: ScheduledCommand | DueSchedule) -> ScheduleSpec:
    """The timing view of a stored schedule (an ORM row, or a due row a claim read)."""
    return ScheduleSpec(
        schedule_type=ScheduleType(row.schedule_type),
        timezone=row.timezone,
        cron_expression=row.cron_expression,
        interval_value=row.interval_value,
        interval_unit=IntervalUnit(row.interval_unit) if row.interval_unit else None,
        run_at=row.run_at,
        anchor=row.anchor_at,
    )


@dataclass(frozen=True, slots=True)
class ScheduleFilter:
    agent_id: str | None = None
    enabled: bool | None = None
    schedule_type: str | None = None
    search: str | None = None
    tags: tuple[str, ...] = ()  # every one of these (AND)
    sort: str | None = None  # a key of SORTS, "-" before it for the reverse


def get(session: Session, user_id: uuid.UUID, schedule_id: uuid.UUID) -> ScheduledCommand | None:
    row = session.get(ScheduledCommand, schedule_id)
    return row if row is not None and row.user_id == user_id else None


def get_by_key(session: Session, user_id: uuid.UUID, key: str) -> ScheduledCommand | None:
    return session.scalars(
        select(ScheduledCommand).where(
            ScheduledCommand.user_id == user_id, ScheduledCommand.key == key
        )
    ).first()


def lock_owner(session: Session, user_id: uuid.UUID) -> None:
    """Serialise this user's schedule changes for the rest of the transaction.

    A cap ("at most 50") and a key ("unique per user") are checks over several rows that
    concurrent creates would each pass on PostgreSQL; locking the owner's row makes them
    queue. SQLite's write transaction already holds the whole database."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(User.id).where(User.id == user_id).with_for_update())


def count_for_user(session: Session, user_id: uuid.UUID) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(ScheduledCommand)
            .where(ScheduledCommand.user_id == user_id)
        )
        or 0
    )


def find_by_prefix(session: Session, user_id: uuid.UUID, prefix: str) -> list[ScheduledCommand]:
    """Schedules whose id (as 32 hex digits, dashes ignored) starts with `prefix`; the CLI's
    short ids. Filtered in Python: a user has at most a few dozen schedules."""
    wanted = prefix.replace("-", "").lower()
    rows = session.scalars(select(ScheduledCommand).where(ScheduledCommand.user_id == user_id))
    return [row for row in rows if row.id.hex.startswith(wanted)]


def list_for_user(
    session: Session,
    user_id: uuid.UUID,
    where: ScheduleFilter,
    *,
    offset: int = 0,
    limit: int = 50,
) -> tuple[Sequence[ScheduledCommand], int]:
    query = select(ScheduledCommand).where(ScheduledCommand.user_id == user_id)
    if where.agent_id is not None:
        query = query.where(ScheduledCommand.agent_id == where.agent_id)
    if where.enabled is not None:
        query = query.where(ScheduledCommand.enabled == where.enabled)
    if where.schedule_type is not None:
        query = query.where(ScheduledCommand.schedule_type == where.schedule_type)
    if where.search:
        # The user's text is matched literally: % and _ in it are not wildcards.
        literal = where.search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{literal}%"
        query = query.where(
            or_(
                func.lower(ScheduledCommand.command_text).like(pattern, escape="\\"),
                func.lower(ScheduledCommand.description).like(pattern, escape="\\"),
                func.lower(ScheduledCommand.agent_id).like(pattern, escape="\\"),
            )
        )
    if where.tags:
        query = tags_repo.having_all(query, where.tags)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(*order_of(where.sort)).offset(offset).limit(limit)).all()
    return rows, total


SORTS: dict[str, Any] = {
    "created": ScheduledCommand.created_at,
    "next_run": ScheduledCommand.next_run_at,
    "last_run": ScheduledCommand.last_run_at,
    "agent": ScheduledCommand.agent_id,
    "status": ScheduledCommand.last_status,
}


def order_of(sort: str | None) -> list[Any]:
    """ORDER BY for a sort key: empty values (never ran, paused) last either way, written
    as `(col IS NULL)` first so SQLite and PostgreSQL agree; ties by creation, then id."""
    name = (sort or "created").lstrip("-")
    column = SORTS.get(name, ScheduledCommand.created_at)
    direction = column.desc() if (sort or "").startswith("-") else column.asc()
    return [column.is_(None), direction, ScheduledCommand.created_at, ScheduledCommand.id]


def delete_with_history(session: Session, row: ScheduledCommand) -> None:
    """Delete a schedule and its executions (attempts and rollups go by cascade).

    Executions are deleted explicitly as well, so the result does not hang on SQLite's
    foreign-key pragma being on."""
    session.execute(delete(Execution).where(Execution.schedule_id == row.id))
    session.delete(row)
