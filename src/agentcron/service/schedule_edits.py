"""Turning drafts into schedules: preview, create and update. The field rules are
`drafts.DraftRules`; here are what needs the user's other rows, in one transaction: the cap
on schedules, a unique key, the upstream of a chain, the channels a notification names."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from agentcron.errors import Conflict, InvalidInput, NotFound
from agentcron.service.chains import stored_upstream
from agentcron.service.context import Services
from agentcron.service.drafts import TIMING_FIELDS, DraftRules, ScheduleDraft, Understood
from agentcron.service.handles import parse_id
from agentcron.service.previews import Preview, preview_draft
from agentcron.service.readings import accepted
from agentcron.service.schedule_lifecycle import mark_pause
from agentcron.service.schedule_queries import ScheduleQueries, ScheduleView
from agentcron.service.tags import checked_tags
from agentcron.store import channels as channels_repo
from agentcron.store import schedules as repo
from agentcron.store import tags as tags_repo
from agentcron.store.tables import ScheduledCommand, User


class ScheduleEdits(ScheduleQueries):
    """The schedule use cases that take a draft."""

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        self.rules = DraftRules(services.settings, services.agents)

    def preview(self, user: User, draft: ScheduleDraft) -> Preview:
        return preview_draft(self.rules, self.s, user, draft)

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
            mark_pause(row, row.enabled, values["enabled"], now)
            for key, value in values.items():
                setattr(row, key, value)
            row.updated_at = now
        self.s.bus.publish("schedule.updated", str(user.id), schedule_id=str(row.id))
        return self._seen(user, row)

    def _accepted(self, understood: Understood, accept: bool, seen: str | None) -> None:
        reading = understood.model
        if reading is None:
            return
        parsed = understood.parsed
        assert parsed is not None
        command = understood.draft.command_text or parsed.command
        accepted(reading, accept, seen, f"{parsed.description}: {command}")


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
