"""Channels, the delivery log and the bell's notices, always scoped by their owner: another
user's channel is not found, exactly like one that never existed."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agentcron.store.tables import (
    Notice,
    Notification,
    NotificationChannel,
    ScheduledCommand,
)


def get(session: Session, user_id: uuid.UUID, channel_id: uuid.UUID) -> NotificationChannel | None:
    return session.scalar(
        select(NotificationChannel).where(
            NotificationChannel.id == channel_id, NotificationChannel.user_id == user_id
        )
    )


def get_by_name(session: Session, user_id: uuid.UUID, name: str) -> NotificationChannel | None:
    return session.scalar(
        select(NotificationChannel).where(
            NotificationChannel.user_id == user_id, NotificationChannel.name == name
        )
    )


def list_for_user(session: Session, user_id: uuid.UUID) -> Sequence[NotificationChannel]:
    return session.scalars(
        select(NotificationChannel)
        .where(NotificationChannel.user_id == user_id)
        .order_by(NotificationChannel.created_at, NotificationChannel.id)
    ).all()


def count_for_user(session: Session, user_id: uuid.UUID) -> int:
    return int(
        session.scalar(select(func.count()).where(NotificationChannel.user_id == user_id)) or 0
    )


def owned_ids(session: Session, user_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these channel ids are this user's."""
    if not ids:
        return set()
    return set(
        session.scalars(
            select(NotificationChannel.id).where(
                NotificationChannel.user_id == user_id, NotificationChannel.id.in_(list(ids))
            )
        )
    )


def owns_schedule(session: Session, user_id: uuid.UUID, schedule_id: uuid.UUID) -> bool:
    return (
        session.scalar(
            select(ScheduledCommand.id).where(
                ScheduledCommand.id == schedule_id, ScheduledCommand.user_id == user_id
            )
        )
        is not None
    )


def deliveries(
    session: Session,
    user_id: uuid.UUID,
    *,
    schedule_id: uuid.UUID | None = None,
    channel_id: uuid.UUID | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[Sequence[tuple[Notification, str, str]], int]:
    """The delivery log, newest first, with each row's notice title and channel name."""
    where = [Notification.user_id == user_id]
    if schedule_id is not None:
        where.append(Notification.schedule_id == schedule_id)
    if channel_id is not None:
        where.append(Notification.channel_id == channel_id)
    total = int(session.scalar(select(func.count()).select_from(Notification).where(*where)) or 0)
    rows = session.execute(
        select(Notification, Notice.title, NotificationChannel.name)
        .join(Notice, Notice.id == Notification.notice_id)
        .join(NotificationChannel, NotificationChannel.id == Notification.channel_id)
        .where(*where)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return [(row[0], row[1], row[2]) for row in rows], total


def notices(
    session: Session, user_id: uuid.UUID, *, limit: int = 20, since: datetime | None = None
) -> Sequence[Notice]:
    """The bell: this user's most recent notices."""
    query = select(Notice).where(Notice.user_id == user_id)
    if since is not None:
        query = query.where(Notice.created_at > since)
    return session.scalars(
        query.order_by(Notice.created_at.desc(), Notice.id.desc()).limit(limit)
    ).all()


def notice_statuses(
    session: Session, notice_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[str]]:
    """The delivery statuses of each notice, for the bell to show where it went."""
    found: dict[uuid.UUID, list[str]] = {}
    if not notice_ids:
        return found
    rows = session.execute(
        select(Notification.notice_id, Notification.status).where(
            Notification.notice_id.in_(list(notice_ids))
        )
    )
    for notice_id, status in rows:
        found.setdefault(notice_id, []).append(status)
    return found
