"""A wall-clock time on a local date, as the instant it names, with cron's DST rules.

Shared by day intervals (which keep their local time across DST) and the sentence
parser (one-offs and anchors): both must agree with what cron does for a fixed
local time, so a person sees one rule everywhere.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# The largest DST gap in the tz database is 2 hours (a few historical 3-hour ones exist);
# scanning 181 minutes finds the end of any of them.
_GAP_SCAN_MINUTES = 181


def local_instant(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """The aware UTC instant of `clock` on `day` in `zone`.

    A time skipped by spring-forward moves to the first minute after the gap
    (02:30 becomes 03:00); a time repeated by fall-back takes its first occurrence.
    """
    wall = datetime.combine(day, clock.replace(tzinfo=None, fold=0))
    for step in range(_GAP_SCAN_MINUTES):
        candidate = wall + timedelta(minutes=step)
        if step:
            candidate = candidate.replace(second=0, microsecond=0)
        aware = candidate.replace(tzinfo=zone)
        if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == candidate:
            return aware.astimezone(UTC)
    return wall.replace(tzinfo=zone).astimezone(UTC)  # pragma: no cover - no such gap exists
