"""The timing fields of a draft: the spec they describe, validated, and where an interval
counts from. A whole draft, a preview, a template and a model's reading all reach
`timing_spec` through `DraftRules.spec` (drafts.py), so a timing accepted in one place is
accepted everywhere."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from agentcron.errors import Problem
from agentcron.store.tables import ScheduledCommand, User
from agentcron.timing import (
    IntervalUnit,
    InvalidSchedule,
    ScheduleSpec,
    ScheduleType,
    validate,
)
from agentcron.timing.language import ParsedSentence

if TYPE_CHECKING:  # drafts.py builds on this module; the draft is only named here
    from agentcron.service.drafts import ScheduleDraft


def timing_spec(
    min_gap: timedelta,
    user: User,
    draft: ScheduleDraft,
    now: datetime,
    problems: list[Problem],
    *,
    future_after: datetime | None = None,
) -> ScheduleSpec | None:
    """The timing fields as a validated spec, or None with the problems added."""
    kind = draft.schedule_type
    if kind is None:
        problems.append(
            Problem(
                "schedule_type",
                "is required",
                "use 'cron', 'interval', 'once' or 'after', or send `text`",
            )
        )
        return None
    try:
        schedule_type = ScheduleType(kind)
    except ValueError:
        problems.append(
            Problem(
                "schedule_type",
                f"{kind!r} is not a schedule type",
                "use 'cron', 'interval', 'once' or 'after'",
            )
        )
        return None
    unit: IntervalUnit | None = None
    if draft.interval_unit is not None:
        try:
            unit = IntervalUnit(draft.interval_unit)
        except ValueError:
            problems.append(
                Problem(
                    "interval_unit",
                    f"{draft.interval_unit!r} is not a unit",
                    "use 'minutes', 'hours' or 'days'",
                )
            )
    spec = ScheduleSpec(
        schedule_type=schedule_type,
        timezone=draft.timezone or user.timezone,
        cron_expression=draft.cron_expression if schedule_type is ScheduleType.CRON else None,
        interval_value=draft.interval_value if schedule_type is ScheduleType.INTERVAL else None,
        interval_unit=unit if schedule_type is ScheduleType.INTERVAL else None,
        run_at=draft.run_at if schedule_type is ScheduleType.ONCE else None,
        anchor=now,
    )
    try:
        validate(spec, min_gap=min_gap, now=future_after)
    except InvalidSchedule as exc:
        reported = {p.field for p in problems}
        problems.extend(p for p in exc.problems if p.field not in reported)
        return None
    return spec


def interval_anchor(
    spec: ScheduleSpec,
    existing: ScheduledCommand | None,
    now: datetime,
    parsed: ParsedSentence | None,
) -> datetime:
    """Where an interval counts from: what the sentence said ("every other friday at
    5pm" counts from the next Friday), else the stored anchor while the interval is
    unchanged (runs never drift through an edit), else now."""
    if parsed is not None and parsed.spec.anchor not in (None, now):
        assert parsed.spec.anchor is not None
        return parsed.spec.anchor
    if existing is None:
        return now
    if spec.schedule_type is not ScheduleType.INTERVAL:
        return existing.anchor_at
    same = (
        existing.schedule_type == spec.schedule_type.value
        and existing.interval_value == spec.interval_value
        and existing.interval_unit == (spec.interval_unit.value if spec.interval_unit else None)
    )
    return existing.anchor_at if same else now
