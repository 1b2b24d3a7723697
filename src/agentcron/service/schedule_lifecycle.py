"""A saved schedule's life: enabling and disabling it (and what a pause by hand records),
running it now, deleting it. Pausing with a note or until a time is `pauses.PauseService`."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from agentcron.errors import Conflict, NotFound
from agentcron.service.chains import HasDependents
from agentcron.service.handles import parse_id
from agentcron.service.schedule_queries import ScheduleQueries, ScheduleView
from agentcron.store import chains as chains_repo
from agentcron.store import claims
from agentcron.store import executions as executions_repo
from agentcron.store import schedules as repo
from agentcron.store.records import NewExecution
from agentcron.store.tables import (
    Execution,
    ExecutionStatus,
    ExecutionTrigger,
    ScheduledCommand,
    User,
)
from agentcron.timing import ScheduleType, build_trigger


class ScheduleLifecycle(ScheduleQueries):
    """The schedule use cases that act on a saved schedule as it stands."""

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
            mark_pause(row, row.enabled, enabled, now)
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


def mark_pause(row: ScheduledCommand, was: bool, now_enabled: bool, now: datetime) -> None:
    """Enabling starts afresh (the failing streak and any pause's reason are cleared);
    disabling by hand says who paused it and when. Also for an update that flips `enabled`."""
    if now_enabled and not was:
        row.consecutive_failures = 0
        row.paused_at = row.paused_by = row.paused_reason = row.paused_note = None
        row.paused_until = None
    elif was and not now_enabled:
        row.paused_at, row.paused_by = now, "user"
        row.paused_reason = row.paused_note = None
        row.paused_until = None
