"""Pure time logic: what a schedule is, when it fires, and whether it may be saved.

The public face; everything else in this package is private to it. Instants in
and out are aware UTC datetimes; local time exists only inside the cron trigger
(evaluated in the schedule's IANA zone with Debian cron's DST rules) and in the
human descriptions. Errors: `InvalidSchedule` (a ValueError) carrying one
`Problem(field, message, fix)` per thing wrong; naive datetimes where instants
are expected raise plain ValueError, a caller's bug rather than a user's.
"""

from __future__ import annotations

from agentcron.timing.cron import normalize_cron
from agentcron.timing.describe import describe
from agentcron.timing.problems import InvalidSchedule, Problem
from agentcron.timing.spec import IntervalUnit, ScheduleSpec, ScheduleType, utc
from agentcron.timing.triggers import Trigger, build_trigger, preview
from agentcron.timing.validate import validate
from agentcron.timing.zones import check_timezone

__all__ = [
    "IntervalUnit",
    "InvalidSchedule",
    "Problem",
    "ScheduleSpec",
    "ScheduleType",
    "Trigger",
    "build_trigger",
    "check_timezone",
    "describe",
    "normalize_cron",
    "preview",
    "utc",
    "validate",
]
