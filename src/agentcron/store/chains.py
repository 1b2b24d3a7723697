"""The SQL of dependency chains: which schedules run after which, and what a chained run
reads of its upstream. Rules (when a chain fires, cycles, depth) live in `engine.chains`
and `service.chains`; these functions only read and write rows, inside the caller's
transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from agentcron.store.tables import Execution, ScheduledCommand, table_of


@dataclass(frozen=True, slots=True)
class ChainChild:
    """A schedule that runs after another, as the finish transaction reads it."""

    id: uuid.UUID
    user_id: uuid.UUID
    agent_id: str
    enabled: bool
    after_schedule_id: uuid.UUID
    after_on: str
    paused_reason: str | None


@dataclass(frozen=True, slots=True)
class UpstreamSlot:
    """What a finished execution passes to its downstream: its slot and whether it may."""

    id: uuid.UUID
    scheduled_for: datetime
    chain: bool


@dataclass(frozen=True, slots=True)
class UpstreamRecord:
    """A finished upstream execution as a chained run sees it (templating and context)."""

    id: uuid.UUID
    schedule_id: uuid.UUID
    agent_id: str
    status: str
    scheduled_for: datetime
    finished_at: datetime | None
    summary: str | None
    output: str | None
    error: str | None


@dataclass(frozen=True, slots=True)
class Edge:
    """One schedule of a user and the schedule it runs after (None: it has a clock)."""

    id: uuid.UUID
    key: str | None
    agent_id: str
    command_text: str
    enabled: bool
    after_schedule_id: uuid.UUID | None
    after_on: str | None


def _chunks(ids: list[uuid.UUID], size: int = 500) -> Iterable[list[uuid.UUID]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def any_chained(session: Session) -> bool:
    """Whether any schedule runs after another: one indexed probe, so a finish batch of
    people who use no chains does not pay for a lookup of each finished schedule."""
    table = table_of(ScheduledCommand)
    probe = select(table.c.id).where(table.c.after_schedule_id.is_not(None)).limit(1)
    return session.execute(probe).first() is not None


def children_of(session: Session, parent_ids: Iterable[uuid.UUID]) -> list[ChainChild]:
    """Schedules that run after any of these (indexed on `after_schedule_id`)."""
    ids = list(set(parent_ids))
    table = table_of(ScheduledCommand)
    found: list[ChainChild] = []
    for chunk in _chunks(ids):
        rows = session.execute(
            select(
                table.c.id,
                table.c.user_id,
                table.c.agent_id,
                table.c.enabled,
                table.c.after_schedule_id,
                table.c.after_on,
                table.c.paused_reason,
            ).where(table.c.after_schedule_id.in_(chunk))
        )
        found.extend(ChainChild(*row) for row in rows)
    return found


def upstream_slots(
    session: Session, execution_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, UpstreamSlot]:
    ids = list(set(execution_ids))
    table = table_of(Execution)
    found: dict[uuid.UUID, UpstreamSlot] = {}
    for chunk in _chunks(ids):
        rows = session.execute(
            select(table.c.id, table.c.scheduled_for, table.c.chain).where(table.c.id.in_(chunk))
        )
        found.update((row[0], UpstreamSlot(*row)) for row in rows)
    return found


def upstream_records(
    session: Session, execution_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, UpstreamRecord]:
    """The upstream executions these chained runs came from (gone when pruned)."""
    ids = list(set(execution_ids))
    table = table_of(Execution)
    found: dict[uuid.UUID, UpstreamRecord] = {}
    for chunk in _chunks(ids):
        rows = session.execute(
            select(
                table.c.id,
                table.c.schedule_id,
                table.c.agent_id,
                table.c.status,
                table.c.scheduled_for,
                table.c.finished_at,
                table.c.result_summary,
                table.c.output,
                table.c.error_message,
            ).where(table.c.id.in_(chunk))
        )
        found.update((row[0], UpstreamRecord(*row)) for row in rows)
    return found


def upstream_ids(
    session: Session, execution_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, uuid.UUID]:
    """For those of these executions that a chain created: their upstream execution."""
    ids = list(set(execution_ids))
    table = table_of(Execution)
    found: dict[uuid.UUID, uuid.UUID] = {}
    for chunk in _chunks(ids):
        rows = session.execute(
            select(table.c.id, table.c.upstream_execution_id).where(
                table.c.id.in_(chunk), table.c.upstream_execution_id.is_not(None)
            )
        )
        found.update((row[0], row[1]) for row in rows)
    return found


def edges(session: Session, user_id: uuid.UUID) -> list[Edge]:
    """Every schedule of this user with its upstream: the graph cycles and depth are
    checked on (a user has at most a few dozen schedules)."""
    table = table_of(ScheduledCommand)
    rows = session.execute(
        select(
            table.c.id,
            table.c.key,
            table.c.agent_id,
            table.c.command_text,
            table.c.enabled,
            table.c.after_schedule_id,
            table.c.after_on,
        ).where(table.c.user_id == user_id)
    )
    return [Edge(*row) for row in rows]


def detach_children(
    session: Session, parent_id: uuid.UUID, now: datetime, reason: str
) -> list[uuid.UUID]:
    """Disable the schedules that run after `parent_id` and unlink them, saying why."""
    table = table_of(ScheduledCommand)
    ids = list(session.scalars(select(table.c.id).where(table.c.after_schedule_id == parent_id)))
    if ids:
        session.execute(
            update(ScheduledCommand)
            .where(ScheduledCommand.id.in_(ids))
            .values(
                enabled=False,
                next_run_at=None,
                after_schedule_id=None,
                paused_at=now,
                paused_by="user",
                paused_reason=reason[:500],
                updated_at=now,
            )
        )
    return ids
