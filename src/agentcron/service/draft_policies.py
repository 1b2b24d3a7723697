"""The run policies of a draft and how it is found and heard from: overlap, misfire grace,
retries, timeout, auto-pause, its notification override, its key and whether it is
enabled. `DraftRules.checked` (drafts.py) calls `check_policies` on the merged fields."""

from __future__ import annotations

import re
import uuid
from typing import Any

from agentcron.errors import Problem
from agentcron.service.channels import check_events
from agentcron.store.tables import Overlap

AUTO_PAUSE_MAX = 1000
SILENT: dict[str, Any] = {"channels": [], "on": []}


def check_policies(merged: dict[str, Any], max_timeout_s: int, problems: list[Problem]) -> None:
    """Add a problem for each policy out of bounds; the notify override is stored normalised
    (`normal_notify`) in `merged`."""
    overlap = merged.get("overlap")
    if overlap not in {o.value for o in Overlap}:
        problems.append(Problem("overlap", f"{overlap!r} is not a policy", "use 'skip' or 'allow'"))
    check_range(problems, merged, "misfire_grace_s", 0, 86_400 * 7)
    check_range(problems, merged, "max_retries", 0, 3)
    check_range(problems, merged, "timeout_s", 1, max_timeout_s)
    check_range(problems, merged, "auto_pause_after", 0, AUTO_PAUSE_MAX)
    merged["notify"] = normal_notify(merged.get("notify"), problems)
    key = merged.get("key")
    if key is not None and (not isinstance(key, str) or not re.fullmatch(r"[\w.:-]{1,100}", key)):
        problems.append(
            Problem("key", "must be 1-100 letters, digits or . _ : -", 'e.g. "daily-report"')
        )
    if not isinstance(merged.get("enabled"), bool):
        problems.append(Problem("enabled", "must be true or false"))


def normal_notify(value: object, problems: list[Problem]) -> dict[str, Any] | None:
    """A schedule's notification override as stored: None follows the owner's channels,
    {"channels": [], "on": []} is silence, anything else narrows (see engine/notices.py).
    Channel ids are checked for ownership by the use case, in its transaction."""
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) - {"channels", "on"}:
        problems.append(
            Problem(
                "notify",
                'must be null or {"channels": [ids], "on": [events]}',
                "either key may be left out; null is silence",
            )
        )
        return None
    channels = value.get("channels")
    on = value.get("on")
    if channels is not None:
        if not isinstance(channels, list | tuple):
            problems.append(Problem("notify.channels", "must be a list of channel ids"))
            return None
        try:
            channels = sorted({str(uuid.UUID(str(c))) for c in channels})
        except ValueError:
            problems.append(
                Problem(
                    "notify.channels",
                    "has something that is not a channel id",
                    "see GET /api/channels",
                )
            )
            return None
    if on is not None:
        on = check_events(on, "notify.on", problems)
        if on is None:
            return None
    if channels == [] or on == []:
        return dict(SILENT)
    if channels is None and on is None:
        return None
    return {"channels": channels, "on": on}


def check_range(
    problems: list[Problem], merged: dict[str, Any], name: str, low: int, high: int
) -> None:
    value = merged.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        problems.append(
            Problem(name, f"{value!r} is out of range", f"use a whole number from {low} to {high}")
        )
