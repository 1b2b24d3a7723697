"""Pausing by hand with a note, and optionally until a time: the schedule says who paused it,
when, why and until when, and the engine's resume step (engine/resume.py) starts it again
at `until`, once across instances."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from agentcron.errors import InvalidInput, NotFound, Problem
from agentcron.service.context import Services
from agentcron.service.handles import parse_id
from agentcron.service.schedules import ScheduleService, ScheduleView
from agentcron.store import schedules as repo
from agentcron.store.tables import User

NOTE_MAX_LEN = 1000
UNTIL_MAX = timedelta(days=366 * 5)


def checked_pause(note: str | None, until: datetime | None, now: datetime) -> str | None:
    """The note as stored (trimmed, None when blank); refuses a note too long or with a NUL,
    and an end that is not a future instant with its offset."""
    problems: list[Problem] = []
    if note is not None:
        note = note.strip() or None
    if note is not None:
        if len(note) > NOTE_MAX_LEN:
            problems.append(
                Problem(
                    "note", f"is {len(note)} characters long", f"keep it under {NOTE_MAX_LEN + 1}"
                )
            )
        if "\x00" in note:
            problems.append(Problem("note", "contains a NUL character", "remove it"))
    if until is not None:
        if until.tzinfo is None:
            problems.append(
                Problem("until", "has no UTC offset", 'give one, e.g. "2026-12-24T09:00:00Z"')
            )
        elif until <= now:
            problems.append(
                Problem("until", "is not in the future", "give a later instant, or leave it out")
            )
        elif until - now > UNTIL_MAX:
            problems.append(Problem("until", "is more than five years away", "leave it out"))
    if problems:
        raise InvalidInput(problems)
    return note


class PauseService:
    def __init__(self, services: Services, schedules: ScheduleService) -> None:
        self.s = services
        self.schedules = schedules

    def pause(
        self,
        user: User,
        schedule_id: uuid.UUID | str,
        *,
        note: str | None = None,
        until: datetime | None = None,
    ) -> ScheduleView:
        """Disable the schedule, saying why and until when. Pausing a paused schedule again
        replaces its note and end (and makes it a pause by hand)."""
        self.schedules._rate_limit(user)
        now = self.s.clock.now()
        note = checked_pause(note, until, now)
        with self.s.store.write() as session:
            row = repo.get(session, user.id, parse_id(schedule_id, "schedule"))
            if row is None:
                raise NotFound("schedule", schedule_id)
            if row.enabled or row.paused_at is None:
                row.paused_at = now
            row.enabled = False
            row.next_run_at = None
            row.paused_by = "user"
            row.paused_reason = None
            row.paused_note = note
            row.paused_until = until.astimezone(UTC) if until is not None else None
            row.updated_at = now
        self.s.bus.publish("schedule.disabled", str(user.id), schedule_id=str(row.id))
        return self.schedules.view(row)
