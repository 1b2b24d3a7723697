"""The SQL behind per-agent limits: the agents' gates, their in-flight and recent starts, and
the runs that wait for them. The rules (who may start) are in `engine.gates`.

Every function but `ensure_gates` runs inside the engine's claim or outcome transaction. On
PostgreSQL the claim locks an agent's gate row with `FOR UPDATE SKIP LOCKED` before it
counts that agent's running executions and recent starts, so two instances never both
admit the last free run; a gate another instance holds is skipped (its agent has no room
this turn), so claims never wait on each other and cannot deadlock. On SQLite the write
transaction already serialises claimers.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from agentcron.store import bulk
from agentcron.store.claims import in_state, is_postgres
from agentcron.store.records import PendingExecution
from agentcron.store.tables import (
    AgentGate,
    AgentStart,
    Execution,
    ExecutionStatus,
    ScheduledCommand,
    table_of,
)

AGENT_LIMIT = "agent_limit"


def ensure_gates(session: Session, agent_ids: Iterable[str], now: datetime) -> None:
    """Create the gate rows of these agents where missing, in a transaction of its own (so a
    claim only ever locks rows that exist, and never waits on another's insert)."""
    wanted = sorted(set(agent_ids))
    if not wanted:
        return
    have = set(session.scalars(select(AgentGate.agent_id).where(AgentGate.agent_id.in_(wanted))))
    rows = [
        {"agent_id": a, "paused_until": None, "pause_reason": None, "updated_at": now}
        for a in wanted
        if a not in have
    ]
    if rows:
        statement = bulk.insert(
            table_of(AgentGate).name, tuple(rows[0]), "ON CONFLICT (agent_id) DO NOTHING"
        )
        bulk.run(session, statement, rows)


def lock_gates(session: Session, agent_ids: Collection[str]) -> dict[str, datetime | None]:
    """Lock the gates of these agents for this transaction, in agent order; returns each
    locked gate's `paused_until`. A gate held by another instance is left out."""
    if not agent_ids:
        return {}
    query = (
        select(AgentGate.agent_id, AgentGate.paused_until)
        .where(AgentGate.agent_id.in_(sorted(agent_ids)))
        .order_by(AgentGate.agent_id)
    )
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True)
    return {row[0]: row[1] for row in session.execute(query)}


def paused_gates(session: Session, now: datetime) -> dict[str, datetime]:
    """Agents whose starts are paused at `now` (a 429 with Retry-After), until when."""
    rows = session.execute(
        select(AgentGate.agent_id, AgentGate.paused_until).where(AgentGate.paused_until > now)
    )
    return {row[0]: row[1] for row in rows if row[1] is not None}


def running_counts(session: Session, agent_ids: Collection[str]) -> dict[str, int]:
    """Running executions per agent, over every instance."""
    if not agent_ids:
        return {}
    rows = session.execute(
        select(Execution.agent_id, func.count())
        .where(in_state(ExecutionStatus.RUNNING), Execution.agent_id.in_(sorted(agent_ids)))
        .group_by(Execution.agent_id)
    )
    return {row[0]: int(row[1]) for row in rows}


def recent_starts(
    session: Session, agent_ids: Collection[str], since: datetime
) -> dict[str, list[datetime]]:
    """The start times after `since` per agent, oldest first (for the rate's window)."""
    if not agent_ids:
        return {}
    rows = session.execute(
        select(AgentStart.agent_id, AgentStart.started_at)
        .where(AgentStart.agent_id.in_(sorted(agent_ids)), AgentStart.started_at > since)
        .order_by(AgentStart.agent_id, AgentStart.started_at)
    )
    found: dict[str, list[datetime]] = {}
    for agent_id, started_at in rows:
        found.setdefault(agent_id, []).append(started_at)
    return found


def record_starts(
    session: Session, starts: Mapping[str, int], at: datetime, prune_before: datetime
) -> None:
    """Count `starts[agent]` starts at `at`, and forget the agents' starts that have left the
    window (these gates are locked by this transaction)."""
    if not starts:
        return
    session.execute(
        delete(AgentStart).where(
            AgentStart.agent_id.in_(sorted(starts)), AgentStart.started_at <= prune_before
        )
    )
    rows = [{"agent_id": a, "started_at": at} for a, n in starts.items() for _ in range(n)]
    if rows:
        session.execute(insert(AgentStart), rows)


def pause(session: Session, agent_id: str, until: datetime, reason: str, now: datetime) -> None:
    """Pause an agent's starts until `until` (never shortening a longer pause already set)."""
    ensure_gates(session, [agent_id], now)
    session.execute(
        update(AgentGate)
        .where(
            AgentGate.agent_id == agent_id,
            or_(AgentGate.paused_until.is_(None), AgentGate.paused_until < until),
        )
        .values(paused_until=until, pause_reason=reason, updated_at=now)
    )


def waiting_agents(session: Session) -> set[str]:
    """Agents that have runs waiting for their limit."""
    return set(
        session.scalars(
            select(Execution.agent_id)
            .where(in_state(ExecutionStatus.PENDING), Execution.waiting_for.is_not(None))
            .distinct()
        )
    )


def waiting_runs(
    session: Session, rooms: Mapping[str, int], exclude: Collection[uuid.UUID]
) -> list[PendingExecution]:
    """Up to `rooms[agent]` runs waiting for each agent's limit, oldest slot first, locked
    (skipping any another instance holds), whatever their next check time: room has come."""
    executions, schedules = table_of(Execution), table_of(ScheduledCommand)
    found: list[PendingExecution] = []
    for agent_id, room in sorted(rooms.items()):
        if room <= 0:
            continue
        query = (
            select(
                executions.c.id,
                executions.c.schedule_id,
                executions.c.scheduled_for,
                executions.c.attempt,
                schedules.c.user_id,
                executions.c.agent_id,
                schedules.c.command_text,
                schedules.c.overlap,
                schedules.c.max_retries,
                schedules.c.timeout_s,
                schedules.c.last_status,
            )
            .join(schedules, schedules.c.id == executions.c.schedule_id)
            .where(
                in_state(ExecutionStatus.PENDING, executions.c.status),
                executions.c.waiting_for.is_not(None),
                executions.c.agent_id == agent_id,
            )
            .order_by(executions.c.scheduled_for)
            .limit(room + len(exclude))
        )
        if is_postgres(session):
            query = query.with_for_update(skip_locked=True, of=executions)
        taken = 0
        for row in session.execute(query):
            if row.id in exclude or taken >= room:
                continue
            taken += 1
            found.append(
                PendingExecution(
                    id=row.id,
                    schedule_id=row.schedule_id,
                    user_id=row.user_id,
                    agent_id=row.agent_id,
                    command_text=row.command_text,
                    scheduled_for=row.scheduled_for,
                    attempt=row.attempt,
                    overlap=row.overlap,
                    max_retries=row.max_retries,
                    timeout_s=row.timeout_s,
                    last_status=row.last_status,
                )
            )
    return found


def hold(session: Session, holds: Sequence[tuple[uuid.UUID, datetime]]) -> None:
    """Keep pending executions waiting for their agent's limit, to be looked at again at the
    given time (or sooner, when their agent has room)."""
    if not holds:
        return
    statement = bulk.update(
        table_of(Execution).name,
        (("b_id", "id"),),
        (bulk.Assign("next_attempt_at"), bulk.Assign("waiting_for", "scalar", "waiting")),
    )
    bulk.run(
        session,
        statement,
        [{"b_id": i, "next_attempt_at": at} for i, at in holds],
        {"waiting": AGENT_LIMIT},
    )
