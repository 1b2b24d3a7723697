"""Notification channels, the notices the finish transaction writes, and their deliveries."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from agentcron.store.tables.base import (
    Base,
    allowed_in,
    partial_index,
)
from agentcron.store.types import UTCDateTime


class NoticeEvent(StrEnum):
    """What a notification tells: see engine/notices.py for when each happens."""

    FAILURE = "failure"
    RECOVERY = "recovery"
    SUCCESS = "success"
    AGENT = "agent"
    AUTO_PAUSED = "auto_paused"
    MISSED = "missed"
    TEST = "test"
    BUDGET_WARNING = "budget_warning"
    BUDGET_EXHAUSTED = "budget_exhausted"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SUPPRESSED = "suppressed"


class NotificationChannel(Base):
    """Where a user's notifications go: a signed JSON webhook or an apprise URL. `url` and
    `secret` are credentials: the API shows the URL redacted and the secret once."""

    __tablename__ = "notification_channels"
    __table_args__ = (
        UniqueConstraint("user_id", "name", name="uq_notification_channels_user_id_name"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    url: Mapped[str] = mapped_column(Text)
    secret: Mapped[str | None] = mapped_column(String(128))
    events: Mapped[list[str]] = mapped_column(JSON)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The rate limit's window: messages sent since `window_started_at`, and how many were
    # suppressed since the last message that went out (counted in the next one).
    window_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    window_count: Mapped[int] = mapped_column(Integer, default=0)
    suppressed: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Notice(Base):
    """Something worth telling a user (a failure, a recovery, a pause…), written in the
    transaction that made it true. The bell lists these; `Notification` rows carry each to
    a channel."""

    __tablename__ = "notices"
    __table_args__ = (Index("ix_notices_user_id_created_at", "user_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    schedule_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("scheduled_commands.id", ondelete="CASCADE"), index=True
    )
    # No foreign key: pruned history must not take the record of what was said with it.
    execution_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    event: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(300))
    message: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Notification(Base):
    """One notice on its way to one channel: the outbox row the sender claims, and then the
    delivery log's entry."""

    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint(allowed_in("status", DeliveryStatus), name="status"),
        partial_index(
            "ix_notifications_pending_next_attempt_at",
            "next_attempt_at",
            where="status = 'pending'",
        ),
        partial_index(
            "ix_notifications_sending_lease_expires_at",
            "lease_expires_at",
            where="status = 'sending'",
        ),
        Index("ix_notifications_user_id_created_at", "user_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    notice_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("notices.id", ondelete="CASCADE"), index=True
    )
    channel_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("notification_channels.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    schedule_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("scheduled_commands.id", ondelete="CASCADE"), index=True
    )
    event: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    suppressed_before: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    worker_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
