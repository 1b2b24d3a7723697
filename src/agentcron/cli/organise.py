"""Client commands for organising many schedules: bulk actions (and backfill, templates).

Like every client command, each sends requests and prints what the server answered; the
rules (ownership, at most 500 ids, tag words) live on the server, once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.console import Group
from rich.text import Text

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


# -- templates ----------------------------------------------------------------------------------

templates_app = typer.Typer(
    help="Templates: a command with {placeholders}, its timing and tags, to make schedules from.",
    no_args_is_help=True,
)
PRESET_KEYS = (
    "weekdays-9",
    "daily-9",
    "weekly-monday-9",
    "monthly-1st-9",
    "hourly",
    "every-15-minutes",
)
PresetOpt = Annotated[
    str | None,
    typer.Option("--preset", help=f"A built-in timing: {', '.join(PRESET_KEYS)}."),
]


def preset_timing(client: ApiClient, key: str) -> dict[str, Any]:
    """The timing fields of a built-in preset, as the server defines them."""
    presets = client.get("/api/templates")["presets"]
    for preset in presets:
        if preset["key"] == key:
            fields = ("schedule_type", "cron_expression", "interval_value", "interval_unit")
            return {k: preset[k] for k in fields if preset.get(k) is not None}
    fail(f"--preset {key!r} is not a preset: use one of {', '.join(PRESET_KEYS)}", EXIT_USAGE)


@templates_app.command("ls")
def templates_ls(as_json: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None) -> None:
    """List your templates and the built-in presets.

    Example: agentcron templates ls
    """
    with connect(url, token) as client:
        answer = client.get("/api/templates")
    out.print_items(
        answer["items"],
        _template_lines,
        as_json=as_json,
        json_body=answer,
        empty='no templates yet: try agentcron templates add health "@alice check {service}" '
        "--preset daily-9",
    )
    if not as_json:  # the presets, with templates or without
        console.print(
            "presets: " + ", ".join(f"{p['key']} ({p['label']})" for p in answer["presets"])
        )


def _template_lines(items: list[dict[str, Any]]) -> Group:
    """One line a template: name, command, timing, placeholders."""
    lines = []
    for item in items:
        needs = ", ".join(f"{{{p}}}" for p in item["placeholders"]) or "no placeholders"
        timing = item.get("cron_expression") or (
            f"every {item.get('interval_value')} {item.get('interval_unit')}"
        )
        lines.append(
            Text.from_markup(
                f"[bold]{out.text(item['name'])}[/] · {out.text(item['command_text'])} · "
                f"{out.text(timing)} · {needs}",
                emoji=False,
            )
        )
    return Group(*lines)


@templates_app.command("add")
def templates_add(
    name: Annotated[str, typer.Argument(help="The template's name.", show_default=False)],
    command: Annotated[
        str, typer.Argument(help='The command, with {placeholders}: "@alice check {service}".')
    ],
    preset: PresetOpt = None,
    cron: Annotated[str | None, typer.Option("--cron", help="Cron, five fields.")] = None,
    tz: Annotated[str | None, typer.Option("--tz", help="IANA time zone.")] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", "-t", help="A tag (repeat).")] = None,
    url: UrlOpt = None,
    token: TokenOpt = None,
) -> None:
    """Save a template.

    Example: agentcron templates add health "@alice check {service} health" --preset weekdays-9
    """
    if bool(preset) == bool(cron):
        fail("give the timing as --preset or --cron (one of them)", EXIT_USAGE)
    body: dict[str, Any] = {"name": name, "command_text": command}
    if preset:
        body["preset"] = preset
    else:
        body.update(schedule_type="cron", cron_expression=cron)
    if tz:
        body["timezone"] = tz
    if tag:
        body["tags"] = tag
    with connect(url, token) as client:
        item = client.post("/api/templates", body)
    needs = ", ".join(f"{{{p}}}" for p in item["placeholders"]) or "no placeholders"
    console.print(f"saved template [bold]{out.text(item['name'])}[/] · {needs}", highlight=False)


@templates_app.command("use")
def templates_use(
    name: Annotated[str, typer.Argument(help="The template's name or id.", show_default=False)],
    value: Annotated[
        list[str] | None,
        typer.Option("--set", help="A placeholder's value: name=value (repeat)."),
    ] = None,
    as_json: JsonOpt = False,
    url: UrlOpt = None,
    token: TokenOpt = None,
) -> None:
    """Make a schedule from a template, its placeholders filled with your values as text.

    Example: agentcron templates use health --set service=billing
    """
    values: dict[str, str] = {}
    for pair in value or []:
        key, sep, text = pair.partition("=")
        if not sep or not key:
            fail(f"--set {pair!r}: use name=value, e.g. --set service=billing", EXIT_USAGE)
        values[key.strip()] = text
    with connect(url, token) as client:
        created = client.post(f"/api/templates/{name}/use", {"values": values})
    if as_json:
        out.print_json(created)
        return
    console.print(
        f"created [bold]{out.short_id(created['id'])}[/] · {out.text(created['command_text'])}",
        highlight=False,
    )


@templates_app.command("rm")
def templates_rm(
    name: Annotated[str, typer.Argument(help="The template's name or id.", show_default=False)],
    url: UrlOpt = None,
    token: TokenOpt = None,
) -> None:
    """Delete a template (schedules made from it stay).

    Example: agentcron templates rm health
    """
    with connect(url, token) as client:
        client.delete(f"/api/templates/{name}")
    console.print(f"deleted template {out.text(name)}", highlight=False)
