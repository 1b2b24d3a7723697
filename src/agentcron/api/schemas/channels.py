"""Notification channels, the delivery log and test results, in and out."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from agentcron.api.schemas.page import Page
from agentcron.service.channels import (
    DEFAULT_ON,
    EVENTS,
    ChannelDraft,
    ChannelTestResult,
    ChannelView,
    Delivery,
)

_EVENT_LIST = ", ".join(EVENTS)


class ChannelIn(BaseModel):
    """A channel as sent on create (POST) and change (PATCH)."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(
        None, description="Your name for it, unique among yours.", examples=["ops"]
    )
    url: str | None = Field(
        None,
        description="`https://…` (or `http://…`): a signed JSON webhook. Any other scheme is "
        "an apprise URL: `slack://…`, `discord://…`, `msteams://…`, `tgram://…`, `ntfy://…`, "
        "`matrix://…`, `mailto://…` and the rest apprise knows.",
        examples=["https://hooks.example.com/agentcron"],
    )
    on: list[str] | None = Field(
        None,
        description=f"The events it gets for all your schedules: {_EVENT_LIST}. "
        f"Default: {', '.join(DEFAULT_ON)}.",
        examples=[["failure", "recovery"]],
    )
    enabled: bool | None = Field(
        None, description="Turn it off or back on (on again clears the reason it was off)."
    )

    def draft(self) -> ChannelDraft:
        return ChannelDraft(name=self.name, url=self.url, on=self.on, enabled=self.enabled)


class ChannelOut(BaseModel):
    id: uuid.UUID
    name: str
    kind: str = Field(description="`webhook` (signed JSON) or `apprise`.")
    url: str = Field(description="The URL with its credentials and tokens masked.")
    on: list[str]
    enabled: bool
    disabled_reason: str | None = Field(
        description="Why it is off: your choice, or the error that made agentcron turn it off."
    )
    last_error: str | None
    last_error_at: datetime | None
    last_sent_at: datetime | None
    created_at: datetime
    updated_at: datetime
    secret: str | None = Field(
        None,
        description="Webhooks only, and only in the answer that made it: the signing secret "
        "for `X-Agentcron-Signature`. Keep it; it is never shown again.",
    )

    @classmethod
    def of(cls, view: ChannelView) -> ChannelOut:
        row = view.row
        return cls(
            id=row.id,
            name=row.name,
            kind=row.kind,
            url=view.url,
            on=list(row.events or ()),
            enabled=row.enabled,
            disabled_reason=row.disabled_reason,
            last_error=row.last_error,
            last_error_at=row.last_error_at,
            last_sent_at=row.last_sent_at,
            created_at=row.created_at,
            updated_at=row.updated_at,
            secret=view.secret,
        )


class ChannelList(BaseModel):
    items: list[ChannelOut]


class ChannelTestOut(BaseModel):
    ok: bool
    error: str | None = Field(description="What the channel answered, when it refused.")
    notification_id: uuid.UUID = Field(description="Its entry in the delivery log.")

    @classmethod
    def of(cls, result: ChannelTestResult) -> ChannelTestOut:
        return cls(ok=result.ok, error=result.error, notification_id=result.notification_id)


class NotificationOut(BaseModel):
    id: uuid.UUID
    notice_id: uuid.UUID
    channel_id: uuid.UUID
    channel_name: str
    schedule_id: uuid.UUID | None
    event: str
    title: str
    status: str = Field(description="pending, sending, sent, failed or suppressed.")
    attempts: int
    suppressed_before: int = Field(description="Earlier suppressed messages this one counted.")
    error: str | None
    created_at: datetime
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def of(cls, delivery: Delivery) -> NotificationOut:
        row = delivery.row
        return cls(
            id=row.id,
            notice_id=row.notice_id,
            channel_id=row.channel_id,
            channel_name=delivery.channel_name,
            schedule_id=row.schedule_id,
            event=row.event,
            title=delivery.title,
            status=row.status,
            attempts=row.attempts,
            suppressed_before=row.suppressed_before,
            error=row.error,
            created_at=row.created_at,
            last_attempt_at=row.last_attempt_at,
            next_attempt_at=row.next_attempt_at,
            finished_at=row.finished_at,
        )


class NotificationPage(Page):
    items: list[NotificationOut]
