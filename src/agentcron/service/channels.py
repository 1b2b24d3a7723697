"""The notification use cases: channels (add, list, change, remove, test), the delivery log,
and the bell's recent notices. Ownership, validation and rate limits are checked here; the
rules of when to notify are the engine's (engine/notices.py).

A channel's URL and signing secret are credentials: views carry the URL redacted, and the
secret only in the answer that created it (or gave the channel a new one).
"""

from __future__ import annotations

import asyncio
import builtins
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from agentcron.engine.delivery import base_url_of
from agentcron.engine.messages import channel_test_message
from agentcron.errors import Conflict, InvalidInput, NotFound, Problem, RateLimited
from agentcron.notify import (
    ChannelKind,
    DeliveryError,
    Dispatcher,
    Message,
    check_url,
    kind_of,
    redact_url,
)
from agentcron.notify.urls import mask_in
from agentcron.service.context import Services
from agentcron.service.handles import parse_id
from agentcron.store import channels as repo
from agentcron.store import outbox
from agentcron.store.records import NewNotice
from agentcron.store.tables import (
    DeliveryStatus,
    Notice,
    NoticeEvent,
    Notification,
    NotificationChannel,
    User,
)

EVENTS = tuple(e.value for e in NoticeEvent if e is not NoticeEvent.TEST)
DEFAULT_ON = ("failure", "recovery", "agent", "auto_paused", "budget_warning", "budget_exhausted")
MAX_CHANNELS = 20
NAME_MAX = 64


@dataclass(frozen=True, slots=True)
class ChannelDraft:
    """Fields a caller may set; None means "not given"."""

    name: str | None = None
    url: str | None = None
    on: Sequence[str] | None = None
    enabled: bool | None = None


@dataclass(frozen=True, slots=True)
class ChannelView:
    row: NotificationChannel
    url: str  # redacted
    secret: str | None = None  # only when just made


@dataclass(frozen=True, slots=True)
class Delivery:
    """One row of the delivery log."""

    row: Notification
    title: str
    channel_name: str


@dataclass(frozen=True, slots=True)
class BellItem:
    notice: Notice
    statuses: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ChannelTestResult:
    ok: bool
    error: str | None
    notification_id: uuid.UUID


def check_events(value: object, field: str, problems: list[Problem]) -> list[str] | None:
    """A list of known event names, each once, in the canonical order."""
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        problems.append(Problem(field, "must be a list of event names", f"use {', '.join(EVENTS)}"))
        return None
    unknown = [v for v in value if v not in EVENTS]
    if unknown:
        problems.append(
            Problem(field, f"{unknown[0]!r} is not an event", f"use {', '.join(EVENTS)}")
        )
        return None
    return [e for e in EVENTS if e in value]


class ChannelService:
    def __init__(self, services: Services, dispatcher: Dispatcher) -> None:
        self.s = services
        self.dispatcher = dispatcher

    # -- channels ---------------------------------------------------------------------------

    def list(self, user: User) -> builtins.list[ChannelView]:
        with self.s.store.read() as session:
            return [self._view(row) for row in repo.list_for_user(session, user.id)]

    def get(self, user: User, channel_id: uuid.UUID | str) -> ChannelView:
        with self.s.store.read() as session:
            return self._view(self._owned(session, user, channel_id))

    def create(self, user: User, draft: ChannelDraft) -> ChannelView:
        self._rate_limit(user)
        problems: list[Problem] = []
        name = self._name(draft.name, problems)
        url = self._url(draft.url, problems)
        on = check_events(
            list(draft.on) if draft.on is not None else list(DEFAULT_ON), "on", problems
        )
        if draft.enabled is not None and not isinstance(draft.enabled, bool):
            problems.append(Problem("enabled", "must be true or false"))
        if problems:
            raise InvalidInput(problems)
        assert name is not None and url is not None and on is not None
        now = self.s.clock.now()
        kind = kind_of(url)
        secret = _new_secret() if kind is ChannelKind.WEBHOOK else None
        row = NotificationChannel(
            id=uuid.uuid4(),
            user_id=user.id,
            name=name,
            kind=kind.value,
            url=url,
            secret=secret,
            events=on,
            enabled=draft.enabled if draft.enabled is not None else True,
            window_count=0,
            suppressed=0,
            created_at=now,
            updated_at=now,
        )
        try:
            with self.s.store.write() as session:
                if repo.count_for_user(session, user.id) >= MAX_CHANNELS:
                    raise Conflict(
                        f"you have {MAX_CHANNELS} channels, the most allowed; remove one first"
                    )
                if repo.get_by_name(session, user.id, name) is not None:
                    raise Conflict(f"you already have a channel named {name!r}")
                session.add(row)
        except IntegrityError:
            raise Conflict(f"you already have a channel named {name!r}") from None
        return self._view(row, secret)

    def update(self, user: User, channel_id: uuid.UUID | str, draft: ChannelDraft) -> ChannelView:
        """Merge the given fields. A new webhook URL keeps its secret; a channel that becomes
        a webhook gets one, shown in this answer only. Enabling clears the disabled reason."""
        self._rate_limit(user)
        problems: list[Problem] = []
        name = self._name(draft.name, problems) if draft.name is not None else None
        url = self._url(draft.url, problems) if draft.url is not None else None
        on = check_events(list(draft.on), "on", problems) if draft.on is not None else None
        if draft.enabled is not None and not isinstance(draft.enabled, bool):
            problems.append(Problem("enabled", "must be true or false"))
        if problems:
            raise InvalidInput(problems)
        now = self.s.clock.now()
        secret = None
        with self.s.store.write() as session:
            row = self._owned(session, user, channel_id)
            if name is not None and name != row.name:
                if repo.get_by_name(session, user.id, name) is not None:
                    raise Conflict(f"you already have a channel named {name!r}")
                row.name = name
            if url is not None and url != row.url:
                kind = kind_of(url)
                if kind is ChannelKind.WEBHOOK and row.secret is None:
                    secret = row.secret = _new_secret()
                elif kind is ChannelKind.APPRISE:
                    row.secret = None
                row.kind, row.url = kind.value, url
                row.last_error = row.last_error_at = None
            if on is not None:
                row.events = on
            if draft.enabled is not None and draft.enabled != row.enabled:
                row.enabled = draft.enabled
                row.disabled_reason = None if draft.enabled else "disabled by you"
                row.window_started_at, row.window_count, row.suppressed = None, 0, 0
            row.updated_at = now
        return self._view(row, secret)

    def delete(self, user: User, channel_id: uuid.UUID | str) -> None:
        """Its pending notifications and its log go with it."""
        self._rate_limit(user)
        with self.s.store.write() as session:
            session.delete(self._owned(session, user, channel_id))

    async def test(self, user: User, channel_id: uuid.UUID | str) -> ChannelTestResult:
        """Send a test message now, outside the outbox (someone is waiting for the answer),
        and log it like any delivery. A refusal is shown, not acted on: the person testing
        is there to fix it."""
        self._rate_limit(user)
        row = await asyncio.to_thread(self.get, user, channel_id)
        channel = row.row
        title, body, payload = channel_test_message(channel.name, base_url_of(self.s.settings))
        notice_id = uuid.uuid4()
        message = Message(str(notice_id), NoticeEvent.TEST.value, title, body, payload)
        error: str | None = None
        try:
            async with asyncio.timeout(self.s.settings.notify_timeout_s + 5):
                await self.dispatcher.send(channel.kind, channel.url, channel.secret, message)
        except DeliveryError as exc:
            error = exc.message
        except TimeoutError:
            error = f"no answer within {self.s.settings.notify_timeout_s:g} s"
        if error is not None:
            error = mask_in(error, channel.url, channel.secret)[:1000]
        notification_id = await asyncio.to_thread(
            self._log_test, user, channel, notice_id, title, body, payload, error
        )
        return ChannelTestResult(error is None, error, notification_id)

    def _log_test(
        self,
        user: User,
        channel: NotificationChannel,
        notice_id: uuid.UUID,
        title: str,
        body: str,
        payload: dict[str, object],
        error: str | None,
    ) -> uuid.UUID:
        now = self.s.clock.now()
        notification_id = uuid.uuid4()
        with self.s.store.write() as session:
            outbox.insert_notices(
                session,
                [
                    NewNotice(
                        notice_id,
                        user.id,
                        None,
                        None,
                        NoticeEvent.TEST.value,
                        title,
                        body,
                        dict(payload),
                        now,
                    )
                ],
            )
            session.add(
                Notification(
                    id=notification_id,
                    notice_id=notice_id,
                    channel_id=channel.id,
                    user_id=user.id,
                    schedule_id=None,
                    event=NoticeEvent.TEST.value,
                    status=(DeliveryStatus.FAILED if error else DeliveryStatus.SENT).value,
                    attempts=1,
                    suppressed_before=0,
                    error=error,
                    created_at=now,
                    last_attempt_at=now,
                    finished_at=now,
                )
            )
            stored = repo.get(session, user.id, channel.id)
            if stored is not None:
                if error:
                    stored.last_error, stored.last_error_at = error, now
                else:
                    stored.last_sent_at = now
        return notification_id

    # -- what was sent ----------------------------------------------------------------------

    def deliveries(
        self,
        user: User,
        *,
        schedule_id: uuid.UUID | str | None = None,
        channel_id: uuid.UUID | str | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> tuple[builtins.list[Delivery], int]:
        """The delivery log, newest first; a foreign schedule or channel is not found."""
        with self.s.store.read() as session:
            sid = cid = None
            if schedule_id is not None:
                sid = parse_id(schedule_id, "schedule")
                if not repo.owns_schedule(session, user.id, sid):
                    raise NotFound("schedule", schedule_id)
            if channel_id is not None:
                cid = self._owned(session, user, channel_id).id
            rows, total = repo.deliveries(
                session, user.id, schedule_id=sid, channel_id=cid, offset=offset, limit=limit
            )
        return [Delivery(row, title, name) for row, title, name in rows], total

    def recent(self, user: User, limit: int = 20) -> builtins.list[BellItem]:
        """The bell: the newest notices, each with where it went."""
        with self.s.store.read() as session:
            found = repo.notices(session, user.id, limit=max(1, min(limit, 100)))
            statuses = repo.notice_statuses(session, [n.id for n in found])
        return [BellItem(n, tuple(statuses.get(n.id, ()))) for n in found]

    # -- rules ------------------------------------------------------------------------------

    def _owned(
        self, session: Session, user: User, channel_id: uuid.UUID | str
    ) -> NotificationChannel:
        ident = parse_id(channel_id, "channel")
        row = repo.get(session, user.id, ident)
        if row is None:
            raise NotFound("channel", channel_id)
        return row

    def _view(self, row: NotificationChannel, secret: str | None = None) -> ChannelView:
        return ChannelView(row, redact_url(row.url), secret)

    def _name(self, value: str | None, problems: builtins.list[Problem]) -> str | None:
        name = (value or "").strip()
        if not name:
            problems.append(Problem("name", "is required", 'e.g. "ops"'))
            return None
        if len(name) > NAME_MAX or any(ord(c) < 32 or ord(c) == 127 for c in name):
            problems.append(
                Problem("name", f"must be 1-{NAME_MAX} printable characters", 'e.g. "ops-slack"')
            )
            return None
        return name

    def _url(self, value: str | None, problems: builtins.list[Problem]) -> str | None:
        url = (value or "").strip()
        if not url:
            problems.append(
                Problem(
                    "url",
                    "is required",
                    "https://… for a JSON webhook, or an apprise URL such as slack://…",
                )
            )
            return None
        problem = check_url(url, allow_private=self.s.settings.notify_allow_private)
        if problem is not None:
            problems.append(Problem("url", problem.message, problem.fix))
            return None
        return url

    def _rate_limit(self, user: User) -> None:
        wait = self.s.write_limiter.take(str(user.id))
        if wait:
            raise RateLimited(
                f"too many changes: at most {self.s.settings.write_rate_per_minute} per minute",
                wait,
            )


def _new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)
