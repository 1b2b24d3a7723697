"""The flags `add` and `edit` share, turned into API request fields, and the confirmation
both `add` and `rm` ask for. Bad values stop here with a one-line usage error."""

from __future__ import annotations

import re
import sys
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer

from agentcron.cli.client import ApiClient, ApiError
from agentcron.cli.common import EXIT_USAGE, err_console, fail
from agentcron.cli.remote import resolve_id

IdArg = Annotated[
    str, typer.Argument(metavar="ID", help="A schedule id, a unique prefix of one, or its key.")
]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
AcceptModelOpt = Annotated[
    bool,
    typer.Option(
        "--accept-model-reading",
        help="Create a model's reading of a sentence the grammar refused (the server's "
        "AGENTCRON_PARSER_AGENT) without asking; --yes alone never does.",
    ),
]
CronOpt = Annotated[
    str | None, typer.Option("--cron", help='A cron expression, e.g. "0 9 * * 1-5".')
]
EveryOpt = Annotated[
    str | None, typer.Option("--every", help="An interval: 30m, 2h or 1d.", show_default=False)
]
AtOpt = Annotated[
    str | None,
    typer.Option("--at", help="Run once at this ISO-8601 time (local to --tz if no offset)."),
]
TzOpt = Annotated[str | None, typer.Option("--tz", help="IANA time zone, e.g. Europe/Berlin.")]
AgentOpt = Annotated[str | None, typer.Option("--agent", help="Agent handle (alice or @alice).")]
DescriptionOpt = Annotated[str | None, typer.Option("--description", help="A note for people.")]
OverlapOpt = Annotated[
    str | None, typer.Option("--overlap", help="If the last run is still going: skip or allow.")
]
RetriesOpt = Annotated[
    int | None, typer.Option("--retries", min=0, max=3, help="Retries after a failure (0-3).")
]
TimeoutOpt = Annotated[
    str | None, typer.Option("--timeout", help="Stop a run after this long: 90s, 10m, 1h.")
]
GraceOpt = Annotated[
    str | None,
    typer.Option("--grace", help="Still run a slot found this late (else it is missed): 5m."),
]
AfterOpt = Annotated[
    str | None,
    typer.Option(
        "--after",
        help="Run after this schedule (id, short id or key) ends, for the same slot: a chain.",
        show_default=False,
    ),
]
OnOpt = Annotated[
    str | None,
    typer.Option(
        "--on",
        help="With --after: success (default), failure (failed or timed out) or always.",
        show_default=False,
    ),
]
KeyOpt = Annotated[
    str | None, typer.Option("--key", help="A stable name of yours, used by export/import.")
]

_EVERY = re.compile(r"^\s*(\d+)\s*(m|min|mins|minutes?|h|hours?|d|days?)\s*$", re.IGNORECASE)
_DURATION = re.compile(r"^\s*(\d+)\s*(s|sec|m|min|h|d)?\s*$", re.IGNORECASE)
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}
_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86_400}


def parse_every(value: str) -> tuple[int, str]:
    match = _EVERY.match(value)
    if not match:
        fail(f"--every {value!r}: use a number and m, h or d, e.g. 30m, 2h, 1d", EXIT_USAGE)
    return int(match.group(1)), _UNITS[match.group(2)[0].lower()]


def parse_seconds(option: str, value: str) -> int:
    match = _DURATION.match(value)
    if not match:
        fail(f"{option} {value!r}: use seconds or a number with s, m, h or d, e.g. 10m", EXIT_USAGE)
    return int(match.group(1)) * _SECONDS[(match.group(2) or "s").lower()]


def parse_at(value: str, timezone: str) -> str:
    """An ISO-8601 instant; without an offset it is read in `timezone`."""
    try:
        at = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        fail(f"--at {value!r} is not an ISO-8601 time, e.g. 2026-12-24T09:00", EXIT_USAGE)
    if at.tzinfo is None:
        try:
            at = at.replace(tzinfo=ZoneInfo(timezone))
        except (ZoneInfoNotFoundError, ValueError):
            fail(f"--tz {timezone!r} is not an IANA time zone, e.g. Europe/Berlin", EXIT_USAGE)
    return at.isoformat()


def timing_fields(
    client: ApiClient,
    cron: str | None,
    every: str | None,
    at: str | None,
    tz: str | None,
    after: str | None = None,
    on: str | None = None,
) -> dict[str, Any]:
    """The structured timing flags as request fields ({} when none is given)."""
    given = [
        name
        for name, value in (("--cron", cron), ("--every", every), ("--at", at), ("--after", after))
        if value
    ]
    if len(given) > 1:
        fail(f"give one of --cron, --every, --at, --after (not {' and '.join(given)})", EXIT_USAGE)
    if on and not after:
        fail("--on goes with --after (e.g. --after daily-check --on failure)", EXIT_USAGE)
    if after:
        return {
            "schedule_type": "after",
            "after_schedule_id": _upstream(client, after),
            "after_on": on or "success",
        }
    if cron:
        return {"schedule_type": "cron", "cron_expression": cron}
    if every:
        value, unit = parse_every(every)
        return {"schedule_type": "interval", "interval_value": value, "interval_unit": unit}
    if at:
        zone = tz or str(client.get("/api/me").get("timezone") or "UTC")
        return {"schedule_type": "once", "run_at": parse_at(at, zone)}
    return {}


def _upstream(client: ApiClient, ident: str) -> str:
    """A short id is widened to the full id; a key (or anything else) goes as given, for
    the server to resolve and check."""
    try:
        return resolve_id(client, ident)
    except ApiError:
        return ident


def policy_fields(
    *,
    tz: str | None,
    agent: str | None,
    description: str | None,
    overlap: str | None,
    retries: int | None,
    timeout: str | None,
    grace: str | None,
    key: str | None,
) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "timezone": tz,
        "agent_id": agent.strip().lstrip("@") if agent else None,
        "description": description,
        "overlap": overlap,
        "max_retries": retries,
        "timeout_s": parse_seconds("--timeout", timeout) if timeout else None,
        "misfire_grace_s": parse_seconds("--grace", grace) if grace else None,
        "key": key,
    }
    return {k: v for k, v in fields.items() if v is not None}


def confirm(question: str, yes: bool, *, refusal: str) -> None:
    """Ask on a terminal; without one (a script, a pipe) refuse unless --yes was given."""
    if yes:
        return
    if not sys.stdin.isatty():
        fail(f"{refusal}: no terminal to confirm on; pass --yes", EXIT_USAGE)
    if not typer.confirm(question, default=False):
        err_console.print("cancelled: nothing changed")
        raise typer.Exit(1)


def confirm_model_reading(preview: dict[str, Any], accepted: bool) -> dict[str, Any]:
    """A model's reading is saved only on an explicit yes: --accept-model-reading, or an
    answer at the terminal (--yes is not one). The request fields that say so."""
    fields = {"accept_model_reading": True, "model_reading": preview.get("model_reading")}
    if accepted:
        return fields
    model = preview.get("interpreted_by") or "a model"
    if not sys.stdin.isatty():
        fail(
            f"not created: the grammar did not understand the sentence and {model} read it; "
            "check the reading above, then pass --accept-model-reading (--yes is not enough)",
            EXIT_USAGE,
        )
    if not typer.confirm(f"Use {model}'s reading of your sentence?", default=False):
        err_console.print("cancelled: nothing changed")
        raise typer.Exit(1)
    return fields
