"""When to tell a user something, and whom to tell: the rules of notifications, applied in
the transaction that finishes executions (ARCHITECTURE.md, invariant 9), so a notice exists
exactly when the outcome that caused it does.

Events, per final outcome (after retries):

- `failure`: a failed or timed-out outcome that starts a failing streak (the next ones say
  nothing until the streak ends);
- `recovery`: the first success after a failing streak;
- `success`: every success (for channels that ask for it);
- `agent`: the agent asked to tell the user something (`AgentResult.notify`);
- `auto_paused`: the streak reached the schedule's `auto_pause_after` (0: never), and the
  schedule was disabled, with the reason and the last error, in this same transaction;
- `missed`: a slot found too late to run (written by the claim, see `slot_claims`).

Whom: every enabled channel of the schedule's owner whose `on` list has the event, unless
the schedule overrides it: `notify: {"channels": [...], "on": [...]}` narrows the channels
and replaces their `on` lists (either may be null: all of them, each channel's own), and
`{"channels": [], "on": []}` (sent as `notify: null`) is silence. The bell (the UI's list
of recent notices) shows every notice but successes, which are written only for channels
that asked for them.

Batches: the recorder writes thousands of outcomes a transaction in a burst. The streak is
a counter on the schedule, written only when it changes (a failure, or a success after
failures), and everything read here is read once per batch: a burst of successes for users
without channels costs two small reads and no writes.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from agentcron.engine.messages import compose
from agentcron.store import outbox
from agentcron.store.records import (
    AutoPause,
    ChannelRule,
    ExecutionFacts,
    NewNotice,
    NoticeSubject,
    StreakChange,
)
from agentcron.store.tables import ExecutionStatus, NoticeEvent

Event = tuple[str, str, dict[str, Any]]
FAILING = frozenset({ExecutionStatus.FAILED, ExecutionStatus.TIMED_OUT})
PAUSE_NOTE_MAX = 2000
CREATED = "notification.created"


@dataclass(frozen=True, slots=True)
class Final:
    """An execution's final outcome, as the rules need it."""

    execution_id: uuid.UUID
    schedule_id: uuid.UUID
    user_id: uuid.UUID
    status: ExecutionStatus
    error: str | None = None
    agent_message: str | None = None


def is_silent(override: dict[str, Any] | None) -> bool:
    return override is not None and (override.get("channels") == [] or override.get("on") == [])


def targets(
    event: NoticeEvent, subject: NoticeSubject, channels: Sequence[ChannelRule]
) -> tuple[tuple[uuid.UUID, ...], bool]:
    """The channels this event goes to for this schedule, and whether the bell shows it."""
    override = subject.notify
    if is_silent(override):
        return (), False
    wanted_on = override.get("on") if override else None
    wanted_channels = override.get("channels") if override else None
    chosen = tuple(
        rule.id
        for rule in channels
        if (wanted_channels is None or str(rule.id) in wanted_channels)
        and event.value in (wanted_on if wanted_on is not None else rule.events)
    )
    bell = (event is not NoticeEvent.SUCCESS or bool(chosen)) and (
        wanted_on is None or event.value in wanted_on
    )
    return chosen, bell


class Notices:
    """The rules, bound to what the messages need (the base URL of execution links)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")

    def after_finish(self, session: Session, now: datetime, finals: Sequence[Final]) -> list[Event]:
        """Update failing streaks, pause schedules that reached their limit, and write the
        notices these final outcomes call for. Returns the events to publish after commit."""
        if not finals:
            return []
        succeeded = [f for f in finals if f.status is ExecutionStatus.SUCCESS]
        rules = _by_user(outbox.channel_rules(session, {f.user_id for f in finals}))
        recovering = outbox.failing(session, (f.schedule_id for f in succeeded))
        needed = {
            f.schedule_id
            for f in finals
            if f.status in FAILING
            or f.agent_message
            or f.schedule_id in recovering
            or (f.status is ExecutionStatus.SUCCESS and f.user_id in rules)
        }
        if not needed:
            return []
        subjects = outbox.subjects(session, needed)
        streaks = {sid: s.consecutive_failures for sid, s in subjects.items()}
        enabled = {sid: s.enabled for sid, s in subjects.items()}
        planned: list[tuple[NoticeEvent, Final, int]] = []
        pauses: list[AutoPause] = []
        for final in finals:
            subject = subjects.get(final.schedule_id)
            if subject is None:  # not needed, or deleted meanwhile
                continue
            sid = subject.id
            before = streaks[sid]
            if final.status in FAILING:
                streaks[sid] = before + 1
                if before == 0:
                    planned.append((NoticeEvent.FAILURE, final, 1))
                limit = subject.auto_pause_after
                if limit > 0 and streaks[sid] >= limit and enabled[sid]:
                    enabled[sid] = False
                    pauses.append(_pause(now, streaks[sid], final))
                    planned.append((NoticeEvent.AUTO_PAUSED, final, streaks[sid]))
            elif final.status is ExecutionStatus.SUCCESS:
                if before > 0:
                    streaks[sid] = 0
                    planned.append((NoticeEvent.RECOVERY, final, before))
                planned.append((NoticeEvent.SUCCESS, final, 0))
            if final.agent_message:
                planned.append((NoticeEvent.AGENT, final, streaks[sid]))
        outbox.set_streaks(
            session,
            [
                StreakChange(sid, count)
                for sid, count in streaks.items()
                if count != subjects[sid].consecutive_failures
            ],
        )
        outbox.auto_pause(session, pauses)
        events = self._write(session, now, planned, subjects, rules)
        events += [
            (
                "schedule.disabled",
                str(subjects[p.schedule_id].user_id),
                {"schedule_id": str(p.schedule_id), "paused_by": outbox.AUTO},
            )
            for p in pauses
        ]
        return events

    def after_missed(self, session: Session, now: datetime, finals: Sequence[Final]) -> list[Event]:
        """Notices for slots recorded as missed (in the claim's transaction)."""
        if not finals:
            return []
        rules = _by_user(outbox.channel_rules(session, {f.user_id for f in finals}))
        subjects = outbox.subjects(session, {f.schedule_id for f in finals})
        planned = [
            (NoticeEvent.MISSED, f, subjects[f.schedule_id].consecutive_failures)
            for f in finals
            if f.schedule_id in subjects
        ]
        return self._write(session, now, planned, subjects, rules)

    def _write(
        self,
        session: Session,
        now: datetime,
        planned: Sequence[tuple[NoticeEvent, Final, int]],
        subjects: dict[uuid.UUID, NoticeSubject],
        rules: dict[uuid.UUID, list[ChannelRule]],
    ) -> list[Event]:
        chosen: list[tuple[NoticeEvent, Final, int, tuple[uuid.UUID, ...]]] = []
        for event, final, streak in planned:
            subject = subjects[final.schedule_id]
            channel_ids, bell = targets(event, subject, rules.get(subject.user_id, ()))
            if channel_ids or bell:
                chosen.append((event, final, streak, channel_ids))
        if not chosen:
            return []
        facts = outbox.execution_facts(session, {final.execution_id for _, final, _, _ in chosen})
        notices: list[NewNotice] = []
        for event, final, streak, channel_ids in chosen:
            subject = subjects[final.schedule_id]
            found: ExecutionFacts | None = facts.get(final.execution_id)
            title, message, payload = compose(
                event,
                subject,
                found,
                base_url=self.base_url,
                streak=streak,
                agent_message=final.agent_message if event is NoticeEvent.AGENT else None,
            )
            payload["event"] = event.value
            notices.append(
                NewNotice(
                    id=uuid.uuid4(),
                    user_id=subject.user_id,
                    schedule_id=subject.id,
                    execution_id=final.execution_id,
                    event=event.value,
                    title=title,
                    message=message,
                    payload=payload,
                    created_at=now,
                    channel_ids=channel_ids,
                )
            )
        outbox.insert_notices(session, notices)
        return [
            (
                CREATED,
                str(n.user_id),
                {
                    "notice_id": str(n.id),
                    "event": n.event,
                    "schedule_id": str(n.schedule_id),
                    "execution_id": str(n.execution_id),
                    "title": n.title,
                    "deliveries": len(n.channel_ids),
                },
            )
            for n in notices
        ]


def _by_user(rules: Sequence[ChannelRule]) -> dict[uuid.UUID, list[ChannelRule]]:
    grouped: dict[uuid.UUID, list[ChannelRule]] = defaultdict(list)
    for rule in rules:
        grouped[rule.user_id].append(rule)
    return dict(grouped)


def _pause(now: datetime, streak: int, final: Final) -> AutoPause:
    note = (final.error or "")[:PAUSE_NOTE_MAX] or None
    return AutoPause(
        schedule_id=final.schedule_id,
        paused_at=now,
        reason=f"paused automatically after {streak} consecutive failures",
        note=note,
    )
