"""IANA time zone names: accept the real ones, suggest the nearest for the rest.

A name is valid when zoneinfo loads it and it names a zone, not a file of the
tz database or the host's own setting (`localtime` would make a schedule mean
different things on different servers). The full list of names (about 600, read
from disk in ~100 ms) is loaded only to make suggestions.
"""

from __future__ import annotations

import difflib
import re
import zoneinfo
from functools import lru_cache

from agentcron.timing.problems import InvalidSchedule, Problem

FIELD = "timezone"
_NAME = re.compile(r"[A-Za-z0-9_+\-]+(?:/[A-Za-z0-9_+\-]+)*")
_NOT_ZONES = frozenset({"localtime", "Factory", "posixrules"})
_NOT_ZONE_PREFIXES = ("posix/", "right/")
_MAX_LENGTH = 64


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones() - _NOT_ZONES)


@lru_cache(maxsize=1)
def _by_lower() -> dict[str, str]:
    return {name.lower(): name for name in _known()}


@lru_cache(maxsize=1024)
def _loads(name: str) -> bool:
    if (
        len(name) > _MAX_LENGTH
        or not _NAME.fullmatch(name)
        or name in _NOT_ZONES
        or name.startswith(_NOT_ZONE_PREFIXES)
    ):
        return False
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def suggestions(name: str, limit: int = 3) -> list[str]:
    """Real zone names close to `name`: same name in other case, same city, then by spelling."""
    wanted = name.strip().lower().replace(" ", "_")
    if not wanted:
        return []
    by_lower = _by_lower()
    if wanted in by_lower:
        return [by_lower[wanted]]
    city = wanted.rsplit("/", 1)[-1]
    found = [real for low, real in sorted(by_lower.items()) if low.rsplit("/", 1)[-1] == city]
    close = difflib.get_close_matches(wanted, by_lower, n=limit, cutoff=0.6)
    if close:
        # Only the clear front-runners: "Europe/Berln" suggests Europe/Berlin, not Dublin too.
        best = difflib.SequenceMatcher(None, wanted, close[0]).ratio()
        for low in close:
            ratio = difflib.SequenceMatcher(None, wanted, low).ratio()
            if ratio >= best - 0.1 and by_lower[low] not in found:
                found.append(by_lower[low])
    return found[:limit]


def problem(name: object) -> Problem | None:
    """What is wrong with `name` as a time zone, or None when it is a real IANA zone."""
    if not isinstance(name, str) or not name.strip():
        return Problem(FIELD, "is required", "use an IANA name such as Europe/Berlin or UTC")
    if _loads(name):
        return None
    close = suggestions(name)
    fix = (
        f"did you mean {' or '.join(close)}?"
        if close
        else "use an IANA name such as Europe/Berlin, America/New_York or UTC"
    )
    shown = name if len(name) <= _MAX_LENGTH else name[:_MAX_LENGTH] + "..."
    return Problem(FIELD, f"unknown time zone {shown!r}", fix)


def check_timezone(name: str) -> str:
    """Return `name` if it is a real IANA zone; otherwise raise with close suggestions."""
    found = problem(name)
    if found is not None:
        raise InvalidSchedule([found])
    return name


def zone(name: str) -> zoneinfo.ZoneInfo:
    """The zone for a name `check_timezone` accepted."""
    return zoneinfo.ZoneInfo(check_timezone(name))
