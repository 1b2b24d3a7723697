"""The notification outbox's SQL on the way in: what the notice rules read and write in
the transaction that finishes an execution, and the notices they put in the outbox. (How
senders claim, rate and settle the rows is `deliveries`.)

Like `claims` and `outcomes`, every function runs inside a transaction the engine opens.
Notices are rare next to executions (a failing streak's first failure, a recovery, an
agent's message), so the reads here take whole batches at once and the writes are plain
statements; a burst of successes for users without channels costs two small reads a batch
and no writes (see engine/notices.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from agentcron.store.claims import is_postgres
from agentcron.store.records import (
    AutoPause,
    ChannelRule,
    ExecutionFacts,
    NewNotice,
    NoticeSubject,
    StreakChange,
)
from agentcron.store.tables import (
    DeliveryStatus,
    Execution,
    Notice,
    Notification,
    NotificationChannel,
    ScheduledCommand,
    table_of,
)

CHUNK = 500
AUTO = "auto"


def _chunks(ids: Iterable[uuid.UUID]) -> Iterable[list[uuid.UUID]]:
    unique = sorted(set(ids))
    for start in range(0, len(unique), CHUNK):
        yield unique[start : start + CHUNK]


# -- what the rules read ------------------------------------------------------------------


def failing(session: Session, schedule_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these schedules are on a failing streak (a success now is a recovery)."""
    table = table_of(ScheduledCommand)
    found: set[uuid.UUID] = set()
    for chunk in _chunks(schedule_ids):
        query = (
            select(table.c.id)
            .where(table.c.id.in_(chunk), table.c.consecutive_failures > 0)
            .order_by(table.c.id)
        )
        found.update(session.scalars(_locked(session, query)))
    return found


def _locked(session: Session, query: Any) -> Any:
    """On PostgreSQL, lock the schedules whose streak this transaction reads and may write,
    in id order: two instances finishing runs of one schedule must not both see its streak
    at 0 (SQLite's write transaction already serialises them)."""
    return query.with_for_update() if is_postgres(session) else query


def subjects(session: Session, schedule_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, NoticeSubject]:
    table = table_of(ScheduledCommand)
    columns = [table.c[name] for name in NoticeSubject.__slots__]
    found: dict[uuid.UUID, NoticeSubject] = {}
    for chunk in _chunks(schedule_ids):
        query = select(*columns).where(table.c.id.in_(chunk)).order_by(table.c.id)
        for row in session.execute(_locked(session, query)):
            found[row[0]] = NoticeSubject(*row)
    return found


def channel_rules(session: Session, user_ids: Iterable[uuid.UUID]) -> list[ChannelRule]:
    """The enabled channels of these users, oldest first."""
    table = table_of(NotificationChannel)
    rules: list[ChannelRule] = []
    for chunk in _chunks(user_ids):
        rows = session.execute(
            select(table.c.id, table.c.user_id, table.c.events)
            .where(table.c.user_id.in_(chunk), table.c.enabled.is_(True))
            .order_by(table.c.created_at, table.c.id)
        )
        rules.extend(ChannelRule(row[0], row[1], tuple(row[2] or ())) for row in rows)
    return rules


def execution_facts(
    session: Session, execution_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, ExecutionFacts]:
    table = table_of(Execution)
    found: dict[uuid.UUID, ExecutionFacts] = {}
    for chunk in _chunks(execution_ids):
        rows = session.execute(
            select(
                table.c.id,
                table.c.scheduled_for,
                table.c.started_at,
                table.c.finished_at,
                table.c.status,
                table.c.trigger,
                table.c.attempt,
                table.c.duration_ms,
                table.c.result_summary.label("summary"),
                table.c.error_message.label("error"),
            ).where(table.c.id.in_(chunk))
        )
        for row in rows:
            found[row[0]] = ExecutionFacts(**row._mapping)
    return found


# -- what the rules write -----------------------------------------------------------------


def set_streaks(session: Session, changes: Sequence[StreakChange]) -> None:
    table = table_of(ScheduledCommand)
    for change in changes:
        session.execute(
            update(table)
            .where(table.c.id == change.schedule_id)
            .values(consecutive_failures=change.consecutive_failures)
        )


def auto_pause(session: Session, pauses: Sequence[AutoPause]) -> None:
    """Disable these schedules, saying why; only while they are still enabled."""
    table = table_of(ScheduledCommand)
    for pause in pauses:
        session.execute(
            update(table)
            .where(table.c.id == pause.schedule_id, table.c.enabled.is_(True))
            .values(
                enabled=False,
                next_run_at=None,
                paused_at=pause.paused_at,
                paused_by=AUTO,
                paused_reason=pause.reason,
                paused_note=pause.note,
                updated_at=pause.paused_at,
            )
        )


def insert_notices(session: Session, notices: Sequence[NewNotice]) -> int:
    """Write the notices and one pending outbox row per channel each goes to; returns how
    many outbox rows were written."""
    if not notices:
        return 0
    session.execute(
        table_of(Notice).insert(),
        [
            {
                "id": n.id,
                "user_id": n.user_id,
                "schedule_id": n.schedule_id,
                "execution_id": n.execution_id,
                "event": n.event,
                "title": n.title,
                "message": n.message,
                "payload": n.payload,
                "created_at": n.created_at,
            }
            for n in notices
        ],
    )
    rows = [
        {
            "id": uuid.uuid4(),
            "notice_id": n.id,
            "channel_id": channel_id,
            "user_id": n.user_id,
            "schedule_id": n.schedule_id,
            "event": n.event,
            "status": DeliveryStatus.PENDING.value,
            "attempts": 0,
            "suppressed_before": 0,
            "created_at": n.created_at,
            "next_attempt_at": n.created_at,
        }
        for n in notices
        for channel_id in n.channel_ids
    ]
    if rows:
        session.execute(table_of(Notification).insert(), rows)
    return len(rows)
