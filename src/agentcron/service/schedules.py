"""The schedule use cases: read, create, update, enable, delete, run now, preview. Ownership,
caps and rate limits are checked here; the field rules are `drafts.DraftRules`. The API, the
web UI, the CLI and MCP all call these.
"""

from __future__ import annotations

import builtins
import re
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from agentcron.errors import AmbiguousId, Conflict, InvalidInput, NotFound, Problem, RateLimited
from agentcron.service.chains import HasDependents, after_text, stored_upstream, upstream_labels
from agentcron.service.context import Services
from agentcron.service.drafts import (
    FILTER_MAX_LEN,
    TIMING_FIELDS,
    DraftRules,
    ScheduleDraft,
    Understood,
)
from agentcron.service.handles import normal_handle, parse_id
from agentcron.service.previews import PREVIEW_COUNT, Preview, preview_draft
from agentcron.service.readings import ModelReading, accepted
from agentcron.service.tags import checked_tags, normal_tags
from agentcron.store import chains as chains_repo
from agentcron.store import channels as channels_repo
from agentcron.store import claims
from agentcron.store import executions as executions_repo
from agentcron.store import schedules as repo
from agentcron.store import tags as tags_repo
from agentcron.store.records import NewExecution
from agentcron.store.tables import (
    Execution,
    ExecutionStatus,
    ExecutionTrigger,
    ScheduledCommand,
    User,
)
from agentcron.timing import (
    InvalidSchedule,
    ScheduleType,
    build_trigger,
    describe,
    preview,
)

__all__ = ["ModelReading", "Preview", "ScheduleDraft", "ScheduleService", "ScheduleView"]


@dataclass(frozen=True, slots=True)
class ScheduleView:
    """A schedule as people see it: the row plus its description and next fire times."""

    row: ScheduledCommand
    description_text: str
    next_runs: list[datetime]


class ScheduleService:
    def __init__(self, services: Services) -> None:
        self.s = services
        self.rules = DraftRules(services.settings, services.agents)

    # -- reading ------------------------------------------------------------------------------

    def get(self, user: User, schedule_id: uuid.UUID | str) -> ScheduleView:
        with self.s.store.read() as session:
            row = repo.get(session, user.id, parse_id(schedule_id, "schedule"))
            if row is None:
                raise NotFound("schedule", schedule_id)
            return self.view(row, labels=upstream_labels(session, user, [row]))

    def resolve(self, user: User, ident: str) -> ScheduleView:
        """A full id or a unique prefix of one (the CLI's short ids)."""
        try:
            return self.get(user, uuid.UUID(ident))
        except ValueError:
            pass
        if not re.fullmatch(r"[0-9a-fA-F-]{1,36}", ident or ""):
            raise NotFound("schedule", ident)
        with self.s.store.read() as session:
            matches = repo.find_by_prefix(session, user.id, ident)
        if not matches:
            raise NotFound("schedule", ident)
        if len(matches) > 1:
            raise AmbiguousId("schedule", ident, len(matches))
        return self._seen(user, matches[0])

    def list(
        self,
        user: User,
        where: repo.ScheduleFilter | None = None,
        *,
        offset: int = 0,
        limit: int = 50,
    ) -> tuple[builtins.list[ScheduleView], int]:
        where = self._checked_filter(where or repo.ScheduleFilter())
        with self.s.store.read() as session:
            rows, total = repo.list_for_user(session, user.id, where, offset=offset, limit=limit)
            labels = upstream_labels(session, user, rows)
        return [self.view(row, runs=1, labels=labels) for row in rows], total

    def _checked_filter(self, where: repo.ScheduleFilter) -> repo.ScheduleFilter:
        """Refuse filters no schedule can match for a reason worth telling (an unknown type,
        a NUL byte PostgreSQL would choke on), and read `agent_id` as create does."""
        problems: list[Problem] = []
        for name, value in (
            ("agent_id", where.agent_id),
            ("schedule_type", where.schedule_type),
            ("q", where.search),
        ):
            if value is None:
                continue
            if "\x00" in value:
                problems.append(Problem(name, "contains a NUL character", "remove it"))
            elif len(value) > FILTER_MAX_LEN:
                problems.append(
                    Problem(
                        name, f"is {len(value)} characters long", f"keep it under {FILTER_MAX_LEN}"
                    )
                )
        kind = where.schedule_type
        if kind is not None and not problems and kind not in {t.value for t in ScheduleType}:
            problems.append(
                Problem(
                    "schedule_type",
                    f"{kind!r} is not a schedule type",
                    "use 'cron', 'interval' or 'once'",
                )
            )
        tags = normal_tags(where.tags, "tag", problems)
        if where.sort is not None and where.sort.lstrip("-") not in repo.SORTS:
            problems.append(
                Problem(
                    "sort",
                    f"{where.sort[:40]!r} is not a sort",
                    f"use one of {', '.join(repo.SORTS)} (a leading '-' reverses it)",
                )
            )
        if problems:
            raise InvalidInput(problems)
        where = replace(where, tags=tuple(tags))
        if where.agent_id is not None:
            where = replace(where, agent_id=normal_handle(where.agent_id, self.s.agents.handles()))
        return where

    def view(
        self,
        row: ScheduledCommand,
        runs: int = PREVIEW_COUNT,
        labels: dict[uuid.UUID, str] | None = None,
    ) -> ScheduleView:
        spec = repo.spec_of(row)
        try:
            text = describe(spec)
        except InvalidSchedule:
            text = "(this schedule's timing is no longer valid; edit it)"
        if row.schedule_type == ScheduleType.AFTER.value:
            text = after_text(row.after_schedule_id, row.after_on, labels or {})
        upcoming: builtins.list[datetime] = []
        if row.enabled and row.next_run_at is not None:
            upcoming = [row.next_run_at]
            if runs > 1:
                upcoming += preview(spec, row.next_run_at, runs - 1)
        return ScheduleView(row, text, upcoming)

    def _seen(self, user: User, row: ScheduledCommand) -> ScheduleView:
        """The view of a row just written (an `after` schedule names its upstream)."""
        if row.schedule_type != ScheduleType.AFTER.value:
            return self.view(row)
        with self.s.store.read() as session:
            return self.view(row, labels=upstream_labels(session, user, [row]))

    # -- writing ------------------------------------------------------------------------------

    def create(
        self,
        user: User,
        draft: ScheduleDraft,
        *,
        accept_model_reading: bool = False,
        model_reading: str | None = None,
    ) -> ScheduleView:
        """`accept_model_reading` (and the `model_reading` fingerprint a preview showed)
        matter only for a sentence the grammar refused and a model read: without them it
        is refused, showing the reading (`readings`)."""
        self._rate_limit(user)
        now = self.s.clock.now()
        understood = self.rules.understand(user, draft, now)
        self._accepted(understood, accept_model_reading, model_reading)
        checked = self.rules.checked(user, understood, now, None)
        values = dict(checked.values)
        after_ref = values.pop("after_schedule_id")
        tags = checked_tags(draft.tags)
        row = ScheduledCommand(
            id=uuid.uuid4(), user_id=user.id, created_at=now, updated_at=now, **values
        )
        tags_repo.set_tags(row, tags)
        try:
            with self.s.store.write() as session:
                repo.lock_owner(session, user.id)
                row.after_schedule_id = stored_upstream(session, user, row.id, after_ref)
                limit = self.s.settings.max_schedules_per_user
                if repo.count_for_user(session, user.id) >= limit:
                    raise Conflict(
                        f"you have reached the limit of {limit} schedules; "
                        "delete or reuse one first"
                    )
                if row.key and repo.get_by_key(session, user.id, row.key):
                    raise Conflict(f"a schedule with key {row.key!r} already exists")
                _check_channels(session, user, row.notify)
                session.add(row)
        except IntegrityError:  # the key constraint, should anything bypass the lock
            raise Conflict(f"a schedule with key {row.key!r} already exists") from None
        self.s.bus.publish("schedule.created", str(user.id), schedule_id=str(row.id))
        return self._seen(user, row)

    def update(
        self,
        user: User,
        schedule_id: uuid.UUID | str,
        draft: ScheduleDraft,
        *,
        accept_model_reading: bool = False,
        model_reading: str | None = None,
    ) -> ScheduleView:
        """Merge the given fields into the schedule; a field not given keeps its value."""
        self._rate_limit(user)
        now = self.s.clock.now()
        ident = parse_id(schedule_id, "schedule")
        understood = self.rules.understand(user, draft, now)
        self._accepted(understood, accept_model_reading, model_reading)
        tags = None if draft.tags is None else checked_tags(draft.tags)
        with self.s.store.write() as session:
            repo.lock_owner(session, user.id)
            row = repo.get(session, user.id, ident)
            if row is None:
                raise NotFound("schedule", schedule_id)
            values = self.rules.checked(user, understood, now, existing=row).values
            values["after_schedule_id"] = stored_upstream(
                session, user, row.id, values["after_schedule_id"]
            )
            if tags is not None:
                tags_repo.set_tags(row, tags)
            _check_channels(session, user, values.get("notify"))
            timing_changed = any(getattr(row, k) != values[k] for k in TIMING_FIELDS)
            if values.get("key") and values["key"] != row.key:
                other = repo.get_by_key(session, user.id, values["key"])
                if other is not None and other.id != row.id:
                    raise Conflict(f"a schedule with key {values['key']!r} already exists")
            keep_next = (
                not timing_changed
                and row.enabled
                and values["enabled"]
                and row.next_run_at is not None
            )
            if keep_next:
                values["next_run_at"] = row.next_run_at
                values["anchor_at"] = row.anchor_at
            _mark_pause(row, row.enabled, values["enabled"], now)
            for key, value in values.items():
                setattr(row, key, value)
            row.updated_at = now
        self.s.bus.publish("schedule.updated", str(user.id), schedule_id=str(row.id))
        return self._seen(user, row)

    def set_enabled(
        self, user: User, schedule_id: uuid.UUID | str, enabled: bool, *, limited: bool = True
    ) -> ScheduleView:
        """`limited=False`: a bulk action that took the rate limit once for all its ids."""
        if limited:
            self._rate_limit(user)
        now = self.s.clock.now()
        with self.s.store.write() as session:
            row = repo.get(session, user.id, parse_id(schedule_id, "schedule"))
            if row is None:
                raise NotFound("schedule", schedule_id)
            if enabled and not row.enabled and row.schedule_type == ScheduleType.AFTER.value:
                if row.after_schedule_id is None:
                    raise Conflict(
                        "the schedule this one ran after was deleted; set after_schedule_id "
                        "to chain it again, then enable it"
                    )
                row.next_run_at = None  # no clock: its upstream's end starts it
            elif enabled and not row.enabled:
                following = build_trigger(repo.spec_of(row)).next_after(now)
                if following is None:
                    raise Conflict(
                        "this one-time schedule's run_at has passed; set a new run_at to enable it"
                    )
                row.next_run_at = following
            elif not enabled:
                row.next_run_at = None
            _mark_pause(row, row.enabled, enabled, now)
            row.enabled = enabled
            row.updated_at = now
        kind = "schedule.enabled" if enabled else "schedule.disabled"
        self.s.bus.publish(kind, str(user.id), schedule_id=str(row.id))
        return self._seen(user, row)

    def delete(
        self,
        user: User,
        schedule_id: uuid.UUID | str,
        *,
        detach: bool = False,
        limited: bool = True,
    ) -> None:
        """Deletes the schedule and its whole execution history: the user asked for it gone.
        Schedules that run after it refuse the deletion (409, naming them) unless `detach`,
        which disables them, unlinked, saying why. Bulk actions pass `limited=False`: they
        count against the write rate once for the batch."""
        if limited:
            self._rate_limit(user)
        now = self.s.clock.now()
        detached: list[uuid.UUID] = []
        with self.s.store.write() as session:
            row = repo.get(session, user.id, parse_id(schedule_id, "schedule"))
            if row is None:
                raise NotFound("schedule", schedule_id)
            children = [
                e for e in chains_repo.edges(session, user.id) if e.after_schedule_id == row.id
            ]
            if children and not detach:
                raise HasDependents(row.key or str(row.id)[:8], children)
            if children:
                reason = f"its upstream {row.key or str(row.id)[:8]} was deleted"
                detached = chains_repo.detach_children(session, row.id, now, reason)
            repo.delete_with_history(session, row)
        self.s.bus.publish("schedule.deleted", str(user.id), schedule_id=str(schedule_id))
        for child in detached:
            self.s.bus.publish("schedule.disabled", str(user.id), schedule_id=str(child))

    def run_now(
        self,
        user: User,
        schedule_id: uuid.UUID | str,
        *,
        chain: bool = True,
        limited: bool = True,
    ) -> Execution:
        """Queue a manual execution; the engine runs it through the same runner and policies.
        Its end starts the schedules that run after this one, unless `chain` is false."""
        if limited:
            self._rate_limit(user)
        now = self.s.clock.now()
        ident = parse_id(schedule_id, "schedule")
        for nudge in range(5):
            # The slot is the moment asked; two runs asked in the same microsecond would
            # share it, and the slot key forbids that, so the second moves by a microsecond.
            with self.s.store.write() as session:
                row = repo.get(session, user.id, ident)
                if row is None:
                    raise NotFound("schedule", schedule_id)
                group = self.s.agents.categories().get(row.agent_id) or [row.agent_id]
                planned = [
                    NewExecution(
                        id=uuid.uuid4(),
                        schedule_id=row.id,
                        user_id=user.id,
                        agent_id=agent,
                        scheduled_for=now + timedelta(microseconds=nudge),
                        created_at=now,
                        status=ExecutionStatus.PENDING,
                        trigger=ExecutionTrigger.MANUAL,
                        next_attempt_at=now,
                        chain=chain,
                    )
                    for agent in group  # a group schedule runs on every member
                ]
                execution = planned[0]
                if claims.insert_executions(session, planned):
                    row.last_run_at = now
                    break
        else:  # pragma: no cover - five manual runs in the same microsecond
            raise Conflict("too many manual runs at once; try again")
        self.s.bus.publish(
            "execution.queued",
            str(user.id),
            execution_id=str(execution.id),
            schedule_id=str(execution.schedule_id),
            status=execution.status.value,
        )
        with self.s.store.read() as session:
            stored = executions_repo.get(session, user.id, execution.id)
        assert stored is not None
        return stored

    def preview(self, user: User, draft: ScheduleDraft) -> Preview:
        return preview_draft(self.rules, self.s, user, draft)

    # -- rules --------------------------------------------------------------------------------

    def _accepted(self, understood: Understood, accept: bool, seen: str | None) -> None:
        reading = understood.model
        if reading is None:
            return
        parsed = understood.parsed
        assert parsed is not None
        command = understood.draft.command_text or parsed.command
        accepted(reading, accept, seen, f"{parsed.description}: {command}")

    def _rate_limit(self, user: User) -> None:
        wait = self.s.write_limiter.take(str(user.id))
        if wait:
            raise RateLimited(
                f"too many changes: at most {self.s.settings.write_rate_per_minute} per minute",
                wait,
            )


def _mark_pause(row: ScheduledCommand, was: bool, now_enabled: bool, now: datetime) -> None:
    """Enabling starts afresh (the failing streak and any pause's reason are cleared);
    disabling by hand says who paused it and when."""
    if now_enabled and not was:
        row.consecutive_failures = 0
        row.paused_at = row.paused_by = row.paused_reason = row.paused_note = None
        row.paused_until = None
    elif was and not now_enabled:
        row.paused_at, row.paused_by = now, "user"
        row.paused_reason = row.paused_note = None
        row.paused_until = None


def _check_channels(session: Session, user: User, notify: dict[str, Any] | None) -> None:
    """A schedule's notification override may name only its owner's channels."""
    wanted = [uuid.UUID(c) for c in (notify or {}).get("channels") or ()]
    missing = set(wanted) - channels_repo.owned_ids(session, user.id, wanted)
    if missing:
        raise InvalidInput.one(
            "notify.channels",
            f"{sorted(map(str, missing))[0]} is not one of your channels",
            "see GET /api/channels",
        )
