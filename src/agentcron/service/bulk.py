"""Bulk actions on many schedules at once: enable, disable, run, delete, tag, untag.

Each id is its own transaction (all-or-nothing per id, never across ids), so one schedule's
problem (not found, already gone, a one-time schedule that cannot be enabled, too many tags)
is that id's answer while the others apply. The ids are given, or chosen by a filter (the
list's own filters), at most MAX_IDS either way. The write rate limit is taken once for the
whole action: it is one request of the user's."""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from agentcron.errors import AgentcronError, InvalidInput, NotFound, Problem
from agentcron.service.context import Services
from agentcron.service.handles import parse_id
from agentcron.service.schedules import ScheduleService
from agentcron.service.tags import MAX_TAGS, checked_tags
from agentcron.store import schedules as repo
from agentcron.store import tags as tags_repo
from agentcron.store.tables import User

MAX_IDS = 500
ACTIONS = ("enable", "disable", "run", "delete", "tag", "untag")


@dataclass(frozen=True, slots=True)
class BulkResult:
    """One id's answer: applied (`ok`), or the problem as the single call would say it."""

    id: str
    ok: bool
    status: int = 200
    problem: str | None = None
    slug: str | None = None
    execution_id: uuid.UUID | None = None


class BulkService:
    def __init__(self, services: Services, schedules: ScheduleService) -> None:
        self.s = services
        self.schedules = schedules

    def apply(
        self,
        user: User,
        action: str,
        *,
        ids: Sequence[str] | None = None,
        where: repo.ScheduleFilter | None = None,
        tags: Sequence[str] | None = None,
    ) -> builtins.list[BulkResult]:
        """Apply `action` to each chosen schedule of the user's; one result per id, in the
        order given (a repeated id counts once)."""
        problems: builtins.list[Problem] = []
        if action not in ACTIONS:
            problems.append(
                Problem(
                    "action",
                    f"{str(action)[:40]!r} is not an action",
                    f"use one of {', '.join(ACTIONS)}",
                )
            )
        if (ids is None) == (where is None):
            problems.append(Problem("ids", "give either ids or a filter", "not both, not neither"))
        elif ids is not None and len(dict.fromkeys(ids)) > MAX_IDS:
            problems.append(
                Problem(
                    "ids", f"has {len(dict.fromkeys(ids))} ids", f"send at most {MAX_IDS} at a time"
                )
            )
        elif ids is not None and not ids:
            problems.append(Problem("ids", "is empty", "give at least one schedule id"))
        wanted: builtins.list[str] = []
        if action in ("tag", "untag"):
            if not tags:
                problems.append(Problem("tags", f"is required to {action}", 'e.g. ["ops"]'))
            else:
                try:
                    wanted = checked_tags(tags)
                except InvalidInput as exc:
                    problems.extend(exc.problems)
        elif tags:
            problems.append(Problem("tags", f"means nothing to {action}", "leave it out"))
        if problems:
            raise InvalidInput(problems)
        chosen = list(dict.fromkeys(ids)) if ids is not None else self._matching(user, where)
        self.schedules._rate_limit(user)
        step = self._step(user, action, wanted)
        results = []
        for ident in chosen:
            try:
                results.append(step(ident))
            except AgentcronError as exc:
                results.append(
                    BulkResult(
                        str(ident), False, status=exc.status, problem=exc.detail, slug=exc.slug
                    )
                )
        return results

    def _matching(self, user: User, where: repo.ScheduleFilter | None) -> builtins.list[str]:
        assert where is not None
        views, total = self.schedules.list(user, where, limit=MAX_IDS)
        if total > MAX_IDS:
            raise InvalidInput.one(
                "filter",
                f"matches {total} schedules",
                f"narrow it to at most {MAX_IDS}, or send ids",
            )
        return [str(v.row.id) for v in views]

    def _step(
        self, user: User, action: str, tags: builtins.list[str]
    ) -> Callable[[str], BulkResult]:
        schedules = self.schedules

        def enable(ident: str) -> BulkResult:
            schedules.set_enabled(user, ident, action == "enable", limited=False)
            return BulkResult(ident, True)

        def run(ident: str) -> BulkResult:
            execution = schedules.run_now(user, ident, limited=False)
            return BulkResult(ident, True, status=202, execution_id=execution.id)

        def delete(ident: str) -> BulkResult:
            schedules.delete(user, ident, limited=False)
            return BulkResult(ident, True, status=204)

        def retag(ident: str) -> BulkResult:
            self._retag(user, ident, action, tags)
            return BulkResult(ident, True)

        return {
            "enable": enable,
            "disable": enable,
            "run": run,
            "delete": delete,
            "tag": retag,
            "untag": retag,
        }[action]

    def _retag(self, user: User, ident: str, action: str, tags: builtins.list[str]) -> None:
        now = self.s.clock.now()
        with self.s.store.write() as session:
            row = repo.get(session, user.id, parse_id(ident, "schedule"))
            if row is None:
                raise NotFound("schedule", ident)
            if action == "tag":
                merged = list(dict.fromkeys([*row.tags, *tags]))
                if len(merged) > MAX_TAGS:
                    raise InvalidInput.one(
                        "tags",
                        f"would give this schedule {len(merged)} tags",
                        f"a schedule carries at most {MAX_TAGS}; untag some first",
                    )
                tags_repo.set_tags(row, merged)
            else:
                tags_repo.remove_tags(row, tags)
            row.updated_at = now
        self.s.bus.publish("schedule.updated", str(user.id), schedule_id=str(row.id))
