"""Tool arguments into the API's vocabulary: a draft, a list of statuses.

Assistants write `cron`, `interval: "2 hours"`, `run_at`; the service takes `schedule_type`
with its fields. This is translation only: whether a cron expression is too frequent, an
agent exists or an instant is in the future is the service's to say.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

from agentcron.mcptools.models import Draft
from agentcron.mcptools.operations import OperationError

_UNITS = {
    "m": "minutes",
    "min": "minutes",
    "mins": "minutes",
    "minute": "minutes",
    "minutes": "minutes",
    "h": "hours",
    "hr": "hours",
    "hrs": "hours",
    "hour": "hours",
    "hours": "hours",
    "d": "days",
    "day": "days",
    "days": "days",
}
_INTERVAL = re.compile(r"(?:every\s+)?(\d{1,9})\s*([a-z]+)")
INTERVAL_EXAMPLES = '"30 minutes", "2 hours" or "1 day"'


def draft_of(
    *,
    text: str | None = None,
    command: str | None = None,
    agent: str | None = None,
    cron: str | None = None,
    interval: str | None = None,
    run_at: datetime | None = None,
    timezone: str | None = None,
    description: str | None = None,
    key: str | None = None,
) -> Draft:
    timing = (("cron", cron), ("interval", interval), ("run_at", run_at))
    given = [name for name, value in timing if value is not None]
    if len(given) > 1:
        raise invalid(
            ", ".join(given),
            f"give one of cron, interval or run_at, not {len(given)}",
            "or one sentence in text",
        )
    draft = Draft(
        text=text,
        command_text=command,
        agent_id=agent,
        description=description,
        timezone=timezone,
        key=key,
    )
    if cron is not None:
        return replace(draft, schedule_type="cron", cron_expression=cron)
    if interval is not None:
        value, unit = parse_interval(interval)
        return replace(draft, schedule_type="interval", interval_value=value, interval_unit=unit)
    if run_at is not None:
        return replace(draft, schedule_type="once", run_at=run_at)
    return draft


def parse_interval(text: str) -> tuple[int, str]:
    """ "30 minutes", "every 2 hours", "2h", "1 day" → (value, unit)."""
    match = _INTERVAL.fullmatch(text.strip().lower())
    unit = _UNITS.get(match.group(2)) if match else None
    if match is None or unit is None:
        raise invalid("interval", f"{text!r} is not an interval", f"e.g. {INTERVAL_EXAMPLES}")
    return int(match.group(1)), unit


def statuses_of(status: str | None) -> list[str] | None:
    """One status or several separated by commas ("failed,timed_out")."""
    if status is None:
        return None
    wanted = [part.strip().lower() for part in status.split(",") if part.strip()]
    return wanted or None


def invalid(field: str, message: str, fix: str = "") -> OperationError:
    """A refusal worded as the API words a bad field: `field: message (fix)`."""
    return OperationError(f"{field}: {message}" + (f" ({fix})" if fix else ""), status=422)
