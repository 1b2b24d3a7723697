"""Cron lists as people read them: runs of three or more values as ranges ("1-5",
"0-5,21-23", "1,4,7,10"), for the hour, month and day-of-week fields alike."""

from __future__ import annotations

from collections.abc import Iterable


def runs_field(values: Iterable[int]) -> str:
    """A cron field listing these values, runs of three or more as ranges ("0-5,21-23")."""
    ordered, parts, k = sorted(set(values)), [], 0
    while k < len(ordered):
        stop = k
        while stop + 1 < len(ordered) and ordered[stop + 1] == ordered[stop] + 1:
            stop += 1
        if stop - k >= 2:
            parts.append(f"{ordered[k]}-{ordered[stop]}")
        else:
            parts.extend(str(v) for v in ordered[k : stop + 1])
        k = stop + 1
    return ",".join(parts)
