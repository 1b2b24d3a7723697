"""Client commands for organising many schedules: bulk actions (and backfill, templates).

Like every client command, each sends requests and prints what the server answered; the
rules (ownership, at most 500 ids, tag words) live on the server, once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import typer

from agentcron.cli import output as out
from agentcron.cli.client import ApiClient, ApiError
from agentcron.cli.common import EXIT_FAILED, EXIT_USAGE, console, err_console, fail
from agentcron.cli.flags import AgentOpt, YesOpt, confirm
from agentcron.cli.remote import SCHEDULES, JsonOpt, TokenOpt, UrlOpt, connect, resolve_id

TagFilterOpt = Annotated[
    list[str] | None,
    typer.Option("--tag", "-t", help="Only schedules carrying this tag (repeat: all of them)."),
]
ACTIONS = ("enable", "disable", "run", "delete", "tag", "untag")
DONE = {
    "enable": "enabled",
    "disable": "disabled",
    "run": "queued",
    "delete": "deleted",
    "tag": "tagged",
    "untag": "untagged",
}


def bulk(
    action: Annotated[
        str, typer.Argument(help="enable, disable, run, delete, tag or untag.", show_default=False)
    ],
    ids: Annotated[
        list[str] | None,
        typer.Argument(metavar="[ID]...", help="Schedule ids (or unique prefixes, or keys)."),
    ] = None,
    tag: TagFilterOpt = None,
    agent: AgentOpt = None,
    enabled: Annotated[
        bool | None,
        typer.Option("--enabled/--disabled", help="Only enabled (or disabled) schedules."),
    ] = None,
    search: Annotated[
        str | None, typer.Option("--search", "-s", help="Only schedules with this text.")
    ] = None,
    name: Annotated[
        list[str] | None,
        typer.Option("--name", "-n", help="For tag/untag: the tag to add or remove (repeat)."),
    ] = None,
    yes: YesOpt = False,
    as_json: JsonOpt = False,
    url: UrlOpt = None,
    token: TokenOpt = None,
) -> None:
    """One action on many schedules: those given by id, or those matching the filters.
    Asks first, naming how many; each schedule is changed on its own, so one that cannot
    be (not found, say) is reported and the others still change.

    Examples:

      agentcron bulk disable --tag ops

      agentcron bulk tag 1a2b 3c4d --name weekly

      agentcron bulk delete --disabled --search old --yes
    """
    if action not in ACTIONS:
        fail(f"{action!r} is not a bulk action: use one of {', '.join(ACTIONS)}", EXIT_USAGE)
    filters: dict[str, Any] = {
        "tag": tag or None,
        "agent_id": agent.strip().lstrip("@") if agent else None,
        "enabled": enabled,
        "q": search,
    }
    filters = {k: v for k, v in filters.items() if v is not None}
    if ids and filters:
        fail("give ids or filters (--tag, --agent, --enabled, --search), not both", EXIT_USAGE)
    if not ids and not filters:
        fail("give ids, or filters such as --tag ops, to choose the schedules", EXIT_USAGE)
    body: dict[str, Any] = {"action": action}
    if name:
        body["tags"] = name
    with connect(url, token) as client:
        if ids:
            body["ids"] = [_resolved(client, ident) for ident in ids]
            count = len(dict.fromkeys(body["ids"]))
        else:
            body["filter"] = filters
            count = int(client.get(SCHEDULES, limit=1, **filters).get("total") or 0)
            if count == 0:
                fail("no schedules match those filters (see `agentcron ls`)")
        noun = "schedule" if count == 1 else "schedules"
        confirm(f"{action.capitalize()} {count} {noun}?", yes, refusal="nothing changed")
        answer = client.post(f"{SCHEDULES}/bulk", body)
    if as_json:
        out.print_json(answer)
    else:
        for item in answer["results"]:
            if item["ok"]:
                console.print(f"  ok  {out.short_id(item['id'])}", highlight=False)
            else:
                err_console.print(
                    f"  [red]✗[/]  {out.text(item['id'])}: {out.text(item['problem'] or '')}",
                    highlight=False,
                )
        console.print(
            f"{DONE[action]} {answer['applied']} of {answer['total']}"
            + (f", {answer['failed']} not" if answer["failed"] else ""),
            highlight=False,
        )
    if answer["failed"]:
        raise typer.Exit(EXIT_FAILED)


def _resolved(client: ApiClient, ident: str) -> str:
    """A full id for a prefix or key; what cannot be resolved goes as given, for the server
    to answer that id's problem beside the others."""
    try:
        return resolve_id(client, ident)
    except ApiError:
        return ident


def backfill(
    ident: Annotated[
        str, typer.Argument(metavar="ID", help="A schedule id, a unique prefix of one, or its key.")
    ],
    start: Annotated[
        str, typer.Option("--from", help="The window's start, ISO 8601 (UTC without an offset).")
    ],
    end: Annotated[
        str, typer.Option("--to", help="The window's end, not after now (UTC without an offset).")
    ],
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=1000, help="Refuse windows with more slots.")
    ] = 100,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only list the slots that would run.")
    ] = False,
    yes: YesOpt = False,
    as_json: JsonOpt = False,
    url: UrlOpt = None,
    token: TokenOpt = None,
) -> None:
    """Run a schedule for the past slots of a window that have no execution yet, oldest
    first. Shows the slots and asks first; running it twice queues nothing new.

    Examples:

      agentcron backfill 1a2b --from 2026-12-01 --to 2026-12-03T09:00 --dry-run

      agentcron backfill daily-report --from 2026-12-01T00:00Z --to 2026-12-02T00:00Z --yes
    """
    body: dict[str, Any] = {
        "from": _instant("--from", start),
        "to": _instant("--to", end),
        "limit": limit,
    }
    with connect(url, token) as client:
        path = f"{SCHEDULES}/{resolve_id(client, ident)}/backfill"
        preview = client.post(path, {**body, "dry_run": True})
        if dry_run or not preview["slots"]:
            answer = preview
        else:
            if not as_json:
                _print_slots(preview)
            count = len(preview["slots"])
            confirm(f"Run {count} slot{'s' if count != 1 else ''}?", yes, refusal="nothing queued")
            answer = client.post(path, body)
    if as_json:
        out.print_json(answer)
        return
    if answer["dry_run"]:
        _print_slots(answer)
        return
    console.print(
        f"queued {answer['created']} slot(s) · {answer['existing']} already had an execution",
        highlight=False,
    )


def _print_slots(answer: dict[str, Any]) -> None:
    slots = answer["slots"]
    console.print(
        f"{len(slots)} slot(s) without an execution"
        + (f" ({answer['existing']} already had one)" if answer["existing"] else ""),
        highlight=False,
    )
    for slot in slots[:20]:
        console.print(f"  {out.text(slot)}", highlight=False)
    if len(slots) > 20:
        console.print(f"  … and {len(slots) - 20} more", highlight=False)


def _instant(option: str, value: str) -> str:
    """An ISO-8601 instant; without an offset, UTC."""
    try:
        at = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        fail(f"{option} {value!r} is not an ISO-8601 time, e.g. 2026-12-01T09:00Z", EXIT_USAGE)
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.isoformat()
