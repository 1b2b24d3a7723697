"""Tool arguments into the API's vocabulary: a draft, a list of statuses.

Assistants write `cron`, `interval: "2 hours"`, `run_at`; the service takes `schedule_type`
with its fields. This is translation only: whether a cron expression is too frequent, an
agent exists or an instant is in the future is the service's to say.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

from pydantic import ValidationError

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
_INSTANT = "use an ISO 8601 date and time with an offset, e.g. 2026-12-24T09:00:00+01:00"
_FIXES = {
    "missing": "give a value",
    "int_type": "use a whole number",
    "int_parsing": "use a whole number",
    "int_from_float": "use a whole number",
    "bool_type": "use true or false",
    "bool_parsing": "use true or false",
    "string_type": "use a text value",
    "datetime_type": _INSTANT,
    "datetime_parsing": _INSTANT,
    "datetime_from_date_parsing": _INSTANT,
}


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


def argument_problems(error: ValidationError) -> str:
    """Arguments the input schema refused, worded as the API words bad fields: `field:
    message (fix)`, every one, instead of the SDK's dump of the validation error."""
    problems = []
    for item in error.errors(include_url=False):
        field = ".".join(str(part) for part in item["loc"]) or "arguments"
        kind = item["type"]
        context = item.get("ctx") or {}
        fix = _FIXES.get(kind, "")
        if kind in ("less_than_equal", "less_than"):
            fix = f"use at most {context.get('le', context.get('lt'))}"
        elif kind in ("greater_than_equal", "greater_than"):
            fix = f"use at least {context.get('ge', context.get('gt'))}"
        message = "is required" if kind == "missing" else item["msg"]
        problems.append(f"{field}: {message}" + (f" ({fix})" if fix else ""))
    if len(problems) == 1:
        return problems[0]
    return f"{len(problems)} problems: " + "; ".join(problems)
