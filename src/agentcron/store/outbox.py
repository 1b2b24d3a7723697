"""The notification outbox's SQL: what the notice rules read and write in the transaction
that finishes an execution, and how senders claim, rate and settle the rows.

Like `claims` and `outcomes`, every function runs inside a transaction the engine opens.
Notices are rare next to executions (a failing streak's first failure, a recovery, an
agent's message), so the reads here take whole batches at once and the writes are plain
statements; a burst of successes for users without channels costs two small reads a batch
and no writes (see engine/notices.py).

Senders claim like the fire loop claims slots: on PostgreSQL the due rows are locked with
`FOR UPDATE SKIP LOCKED`, so instances share them without waiting; on SQLite the write
transaction serialises claimers, and the claim is a conditional update either way, so a row
is only taken while it is still due.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from agentcron.store.claims import in_state, is_postgres, locking
from agentcron.store.records import (
    AutoPause,
    ChannelRule,
    ChannelWindow,
    ClaimedNotification,
    Delivered,
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


# -- senders --------------------------------------------------------------------------------


def _due(now: datetime) -> Any:
    table = table_of(Notification)
    return or_(
        and_(in_state_of(DeliveryStatus.PENDING), table.c.next_attempt_at <= now),
        and_(in_state_of(DeliveryStatus.SENDING), table.c.lease_expires_at < now),
    )


def in_state_of(status: DeliveryStatus) -> Any:
    return in_state(status, table_of(Notification).c.status)  # type: ignore[arg-type]


def claim(
    session: Session, now: datetime, worker_id: str, lease_until: datetime, limit: int
) -> list[ClaimedNotification]:
    """Take up to `limit` due rows (pending and due, or sending under an expired lease: its
    sender died) for `worker_id`, counting the attempt."""
    table = table_of(Notification)
    candidates: list[uuid.UUID] = []
    for status, column in (
        (DeliveryStatus.PENDING, table.c.next_attempt_at),
        (DeliveryStatus.SENDING, table.c.lease_expires_at),
    ):
        room = limit - len(candidates)
        if room <= 0:
            break
        bound = column <= now if status is DeliveryStatus.PENDING else column < now
        query = select(table.c.id).where(in_state_of(status), bound).order_by(column).limit(room)
        candidates.extend(session.scalars(locking(session, query)))
    if not candidates:
        return []
    session.execute(
        update(table)
        .where(table.c.id.in_(candidates), _due(now))
        .values(
            status=DeliveryStatus.SENDING.value,
            worker_id=worker_id,
            lease_expires_at=lease_until,
            last_attempt_at=now,
            next_attempt_at=None,
            attempts=table.c.attempts + 1,
        )
    )
    notices, channels = table_of(Notice), table_of(NotificationChannel)
    rows = session.execute(
        select(
            table.c.id,
            table.c.notice_id,
            table.c.channel_id,
            table.c.user_id,
            table.c.schedule_id,
            table.c.attempts,
            table.c.suppressed_before,
            table.c.event,
            notices.c.title,
            notices.c.message,
            notices.c.payload,
            channels.c.kind,
            channels.c.url,
            channels.c.secret,
        )
        .join(notices, notices.c.id == table.c.notice_id)
        .join(channels, channels.c.id == table.c.channel_id)
        .where(
            table.c.id.in_(candidates),
            table.c.worker_id == worker_id,
            table.c.lease_expires_at == lease_until,
            in_state_of(DeliveryStatus.SENDING),
        )
        .order_by(table.c.created_at, table.c.id)
    )
    return [ClaimedNotification(**row._mapping) for row in rows]


def lock_windows(
    session: Session, channel_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, ChannelWindow]:
    """The channels' rate windows, locked in id order so two senders never deadlock."""
    table = table_of(NotificationChannel)
    found: dict[uuid.UUID, ChannelWindow] = {}
    for chunk in _chunks(channel_ids):
        query = (
            select(
                table.c.id,
                table.c.enabled,
                table.c.disabled_reason,
                table.c.window_started_at,
                table.c.window_count,
                table.c.suppressed,
            )
            .where(table.c.id.in_(chunk))
            .order_by(table.c.id)
        )
        if is_postgres(session):
            query = query.with_for_update()
        for row in session.execute(query):
            found[row[0]] = ChannelWindow(*row)
    return found


def save_windows(session: Session, windows: Sequence[ChannelWindow]) -> None:
    table = table_of(NotificationChannel)
    for window in windows:
        session.execute(
            update(table)
            .where(table.c.id == window.id)
            .values(
                window_started_at=window.window_started_at,
                window_count=window.window_count,
                suppressed=window.suppressed,
            )
        )


def carry_suppressed(session: Session, counts: dict[uuid.UUID, int]) -> None:
    """Note on each row how many held-back messages it tells about."""
    table = table_of(Notification)
    for notification_id, count in counts.items():
        session.execute(
            update(table).where(table.c.id == notification_id).values(suppressed_before=count)
        )


def settle(session: Session, worker_id: str, now: datetime, results: Sequence[Delivered]) -> int:
    """Record how claimed rows ended, only where this sender still holds them (a row whose
    lease expired and was taken by another sender is theirs now). Returns rows written."""
    table, channels = table_of(Notification), table_of(NotificationChannel)
    written = 0
    for result in results:
        final = result.retry_at is None
        changed = session.execute(
            update(table)
            .where(
                table.c.id == result.id,
                table.c.worker_id == worker_id,
                table.c.attempts == result.attempts,
                in_state_of(DeliveryStatus.SENDING),
            )
            .values(
                status=result.status,
                error=result.error,
                lease_expires_at=None,
                next_attempt_at=result.retry_at,
                finished_at=now if final else None,
            )
        )
        if not changed.rowcount:  # type: ignore[attr-defined]
            continue
        written += 1
        if result.status == DeliveryStatus.SENT.value:
            values: dict[str, Any] = {"last_sent_at": now}
        else:
            values = {"last_error": result.error, "last_error_at": now}
            if result.disable:
                values.update(enabled=False, disabled_reason=result.error, updated_at=now)
        session.execute(update(channels).where(channels.c.id == result.channel_id).values(**values))
    return written


def end(
    session: Session,
    ids: Sequence[uuid.UUID],
    status: DeliveryStatus,
    now: datetime,
    error: str | None,
) -> None:
    """Finish claimed rows without sending them (suppressed, or their channel is off)."""
    if not ids:
        return
    table = table_of(Notification)
    session.execute(
        update(table)
        .where(table.c.id.in_(list(ids)))
        .values(status=status.value, error=error, lease_expires_at=None, finished_at=now)
    )


def earliest_due(session: Session) -> datetime | None:
    """When the next row falls due: a pending one's time, or a sending one's lease."""
    table = table_of(Notification)
    pending = session.scalar(
        select(func.min(table.c.next_attempt_at)).where(in_state_of(DeliveryStatus.PENDING))
    )
    sending = session.scalar(
        select(func.min(table.c.lease_expires_at)).where(in_state_of(DeliveryStatus.SENDING))
    )
    found = [t for t in (pending, sending) if t is not None]
    return min(found) if found else None


def prune(session: Session, before: datetime) -> int:
    """Forget notices older than `before` whose deliveries have all ended."""
    notices, table = table_of(Notice), table_of(Notification)
    open_rows = select(table.c.notice_id).where(
        table.c.status.in_((DeliveryStatus.PENDING.value, DeliveryStatus.SENDING.value))
    )
    result = session.execute(
        delete(notices).where(notices.c.created_at < before, notices.c.id.not_in(open_rows))
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
