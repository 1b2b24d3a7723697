"""`agentcron parse`: what a sentence would schedule, offline (no server, no database).

The same parser the server uses, with the same minimum gap (from the settings), so a
sentence that parses here is one `agentcron add` accepts, agents permitting.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer

from agentcron.cli import output as out
from agentcron.cli.common import EXIT_USAGE, console, fail


def _reference(now: str | None, timezone: str) -> datetime:
    """`--now` as an aware instant; without an offset it is read in the sentence's zone."""
    if now is None:
        return out.now_utc()
    try:
        at = datetime.fromisoformat(now.strip().replace("Z", "+00:00"))
    except ValueError:
        fail(f"--now {now!r} is not an ISO-8601 time, e.g. 2026-03-02T08:00:00Z", EXIT_USAGE)
    if at.tzinfo is None:
        at = at.replace(tzinfo=ZoneInfo(timezone))
    return at


def parse(
    text: Annotated[
        str, typer.Argument(help='The sentence, e.g. "@alice check models every weekday at 9am".')
    ],
    tz: Annotated[str, typer.Option("--tz", help="IANA time zone the sentence means.")] = "UTC",
    now: Annotated[
        str | None,
        typer.Option("--now", help="Reference instant (ISO-8601) instead of the current time."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Show what a sentence would schedule, without saving anything. Exits 2 if it is refused.

    Example: agentcron parse "@alice check deprecated models every weekday at 9am" --tz Europe/Berlin --json
    """
    from agentcron.config import Settings
    from agentcron.timing.language import (
        SentenceNotUnderstood,
        parse_sentence,
        refusal_json,
        to_json,
    )

    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        fail(f"--tz {tz!r} is not an IANA time zone, e.g. Europe/Berlin", EXIT_USAGE)
    reference = _reference(now, tz)
    try:
        parsed = parse_sentence(text, timezone=tz, now=reference, min_gap=Settings().min_gap)
    except SentenceNotUnderstood as refused:
        if as_json:
            out.print_json(refusal_json(refused))
            raise typer.Exit(EXIT_USAGE) from None
        fail(f"not understood: {refused.message}", EXIT_USAGE)
    if as_json:
        out.print_json(to_json(parsed))
        return
    spec = parsed.spec
    timing = {
        "cron": f"cron {spec.cron_expression}",
        "interval": f"every {spec.interval_value} {spec.interval_unit}",
        "once": f"once at {spec.run_at.isoformat() if spec.run_at else '?'}",
    }[spec.schedule_type.value]
    rows = [
        (
            "agent",
            out.text(f"@{parsed.agent}") if parsed.agent else "[yellow]none: start with @handle[/]",
        ),
        ("command", out.clip(parsed.command, 400)),
        ("when", out.text(parsed.description)),
        ("timing", out.text(f"{timing} ({spec.timezone})")),
    ]
    runs = parsed.next_runs
    rows.append(("next runs", out.when(runs[0], reference, spec.timezone) if runs else "— (never)"))
    rows += [("", out.when(run, reference, spec.timezone)) for run in runs[1:]]
    for k, note in enumerate(parsed.notes):  # how a zone or an ambiguous word was read
        rows.append(("notes" if k == 0 else "", out.text(note)))
    for line in out.field_lines(rows):
        console.print(line, highlight=False)
