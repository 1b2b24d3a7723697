"""Durations said the way people say them, shared by descriptions and problems."""

from __future__ import annotations

from datetime import timedelta

_UNITS = (
    (timedelta(days=1), "day"),
    (timedelta(hours=1), "hour"),
    (timedelta(minutes=1), "minute"),
    (timedelta(seconds=1), "second"),
)


def plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def human_duration(duration: timedelta) -> str:
    """The largest whole unit: 5 minutes, 1 hour, 36 hours, 90 seconds."""
    for size, unit in _UNITS:
        if duration >= size and duration % size == timedelta(0):
            return plural(duration // size, unit)
    return f"{duration.total_seconds():g} seconds"


def every(duration: timedelta) -> str:
    """'Every minute', 'Every hour', 'Every 30 minutes', 'Every 2 days'."""
    text = human_duration(duration)
    count, _, unit = text.partition(" ")
    return f"Every {unit}" if count == "1" else f"Every {text}"
