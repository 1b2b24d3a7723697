"""The notification outbox's deliveries: how senders claim the due rows, rate them per
channel, settle how they ended, and forget old notices once all their deliveries have
ended. (What puts rows in the outbox is `outbox`.)

Like `claims` and `outcomes`, every function runs inside a transaction the engine opens
(engine/sender.py).

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
from agentcron.store.records import ChannelWindow, ClaimedNotification, Delivered
from agentcron.store.tables import (
    DeliveryStatus,
    Notice,
    Notification,
    NotificationChannel,
    table_of,
)

CHUNK = 500


def _chunks(ids: Iterable[uuid.UUID]) -> Iterable[list[uuid.UUID]]:
    unique = sorted(set(ids))
    for start in range(0, len(unique), CHUNK):
        yield unique[start : start + CHUNK]


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
