"""Reading schedules: one by id or by the CLI's short prefix, a filtered page of them, and
the view every schedule use case answers with (its row, its timing in words, its next
fires). The base of `ScheduleService` (schedules.py): the use cases that change schedules
build on it for their answer and for the write rate they take."""

from __future__ import annotations

import builtins
import re
import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from agentcron.errors import AmbiguousId, InvalidInput, NotFound, Problem, RateLimited
from agentcron.service.chains import after_text, upstream_labels
from agentcron.service.context import Services
from agentcron.service.handles import normal_handle, parse_id
from agentcron.service.previews import PREVIEW_COUNT
from agentcron.service.tags import normal_tags
from agentcron.store import schedules as repo
from agentcron.store.tables import ScheduledCommand, User
from agentcron.timing import InvalidSchedule, ScheduleType, describe, preview

FILTER_MAX_LEN = 200


@dataclass(frozen=True, slots=True)
class ScheduleView:
    """A schedule as people see it: the row plus its description and next fire times."""

    row: ScheduledCommand
    description_text: str
    next_runs: list[datetime]


class ScheduleQueries:
    """The schedule use cases that only read; `view` and `_seen` also make the answer of
    every use case that writes."""

    def __init__(self, services: Services) -> None:
        self.s = services

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

    def _rate_limit(self, user: User) -> None:
        """Every change to a schedule spends one of the user's writes (pauses, bulk actions,
        backfills and templates too, through `ScheduleService`)."""
        wait = self.s.write_limiter.take(str(user.id))
        if wait:
            raise RateLimited(
                f"too many changes: at most {self.s.settings.write_rate_per_minute} per minute",
                wait,
            )
