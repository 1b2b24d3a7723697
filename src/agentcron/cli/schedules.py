"""Client commands on schedules: add, ls, show, edit, enable, disable, rm.

Each sends one request (after resolving a short id) and prints what the server answered;
the rules (agents, caps, the minimum gap) live on the server, once.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from agentcron.cli import output as out
from agentcron.cli.cards import (
    plain_command,
    print_preview,
    print_schedule,
    schedules_table,
    soonest_first,
)
from agentcron.cli.client import ApiClient, ApiError
from agentcron.cli.common import EXIT_USAGE, console, fail
from agentcron.cli.flags import (
    AcceptModelOpt,
    AfterOpt,
    AgentOpt,
    AtOpt,
    CronOpt,
    DescriptionOpt,
    EveryOpt,
    GraceOpt,
    IdArg,
    KeyOpt,
    OnOpt,
    OverlapOpt,
    RetriesOpt,
    TimeoutOpt,
    TzOpt,
    YesOpt,
    confirm,
    confirm_model_reading,
    parse_at,
    policy_fields,
    timing_fields,
)
from agentcron.cli.organise import PresetOpt, preset_timing
from agentcron.cli.remote import (
    SCHEDULES,
    JsonOpt,
    TokenOpt,
    UrlOpt,
    all_schedules,
    connect,
    resolve_id,
)


def add(
    text: Annotated[
        str,
        typer.Argument(
            help="A sentence (command and timing), or just the command with --cron/--every/--at.",
            show_default=False,
        ),
    ],
    cron: CronOpt = None,
    every: EveryOpt = None,
    at: AtOpt = None,
    after: AfterOpt = None,
    on: OnOpt = None,
    tz: TzOpt = None,
    agent: AgentOpt = None,
    description: DescriptionOpt = None,
    overlap: OverlapOpt = None,
    retries: RetriesOpt = None,
    timeout: TimeoutOpt = None,
    grace: GraceOpt = None,
    key: KeyOpt = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", "-t", help="A tag to carry (repeat for more).")
    ] = None,
    preset: PresetOpt = None,
    yes: YesOpt = False,
    accept_model_reading: AcceptModelOpt = False,
    as_json: JsonOpt = False,
    url: UrlOpt = None,
    token: TokenOpt = None,
) -> None:
    """Add a schedule: previews it, asks, then creates it.

    Without --tz, times mean your zone (`agentcron me`). When the server has a model to fall
    back on and the grammar refuses the sentence, the model's reading is shown and created
    only after you confirm it (or pass --accept-model-reading; --yes is not enough).

    Examples:

      agentcron add "@alice check deprecated models every weekday at 9am"

      agentcron add "@bob summarise the logs" --cron "0 18 * * 1-5" --tz Europe/Berlin --yes

      agentcron add "@alice check billing health daily at 9am" --tag ops --tag daily
      agentcron add "@bob summarise {{upstream.summary}}" --after daily-check --on failure

      agentcron add "@alice check billing health" --preset weekdays-9
    """
    now = out.now_utc()
    with connect(url, token) as client:
        timing = timing_fields(client, cron, every, at, tz, after, on)
        if preset:
            if timing:
                fail("give --preset or --cron/--every/--at/--after, not both", EXIT_USAGE)
            timing = preset_timing(client, preset)
        policy = policy_fields(
            tz=tz,
            agent=agent,
            description=description,
            overlap=overlap,
            retries=retries,
            timeout=timeout,
            grace=grace,
            key=key,
        )
        what: dict[str, Any] = {"command_text": text, **timing} if timing else {"text": text}
        preview_body: dict[str, Any] = {
            **what,
            **{k: policy[k] for k in ("timezone", "agent_id") if k in policy},
        }
        preview = client.post("/api/schedules/preview", preview_body)
        if not preview.get("agent_id"):
            fail(_no_agent(client, preview.get("command_text") or text, agent))
        if not as_json:
            print_preview(preview, now, text)
        acceptance: dict[str, Any] = {}
        if preview.get("needs_confirmation"):  # a model's reading: --yes does not confirm it
            acceptance = confirm_model_reading(preview, accept_model_reading)
        else:
            confirm("Create this schedule?", yes, refusal="not created")
        tags = {"tags": tag} if tag else {}
        created = client.post(SCHEDULES, {**what, **policy, **tags, **acceptance})
    if as_json:
        out.print_json(created)
        return
    next_run = out.relative(created.get("next_run_at"), now)
    if created.get("schedule_type") == "after":
        next_run = out.text(created.get("schedule_text") or "after its upstream")
    console.print(
        f"created [bold]{out.short_id(created['id'])}[/] · next run {next_run}", highlight=False
    )


def _no_agent(client: ApiClient, command: str, agent: str | None) -> str:
    """Why a previewed schedule has no agent (the preview checks the timing only), so nobody
    confirms a schedule the server would then refuse."""
    words = command.split()
    handle = agent.strip().lstrip("@") if agent else None
    if handle is None and words and words[0].startswith("@"):
        handle = words[0][1:]
    known = ", ".join(f"@{a['handle']}" for a in client.get("/api/agents")) or "none"
    if handle:
        return f"no agent @{handle} on this server; its agents: {known}"
    return f"no agent given: start the command with @handle or pass --agent; agents: {known}"


def ls(
    agent: AgentOpt = None,
    enabled: Annotated[
        bool | None,
        typer.Option("--enabled/--disabled", help="Only enabled (or disabled) schedules."),
    ] = None,
    search: Annotated[
        str | None,
        typer.Option("--search", "-s", help="Only commands or descriptions with this text."),
    ] = None,
    tag: Annotated[
        list[str] | None,
        typer.Option("--tag", "-t", help="Only those carrying this tag (repeat: all of them)."),
    ] = None,
    sort: Annotated[
        str | None,
        typer.Option(
            "--sort", help="next_run, last_run, agent, status or created ('-' first reverses)."
        ),
    ] = None,
    as_json: JsonOpt = False,
    url: UrlOpt = None,
    token: TokenOpt = None,
) -> None:
    """List your schedules, soonest first.

    Examples:

      agentcron ls

      agentcron ls --agent alice --enabled --json

      agentcron ls --tag ops --tag weekly
    """
    with connect(url, token) as client:
        items = all_schedules(
            client,
            agent_id=agent.strip().lstrip("@") if agent else None,
            enabled=enabled,
            q=search,
            tag=tag or None,
            sort=sort,
        )
    out.print_items(
        items,
        lambda rows: schedules_table(rows if sort else soonest_first(rows), out.now_utc()),
        as_json=as_json,
        empty='no schedules yet: try agentcron add "@alice check the logs every day at 9am"',
    )


def show(
    ident: IdArg, as_json: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None
) -> None:
    """Show one schedule with its next runs.

    Example: agentcron show 1a2b3c4d
    """
    with connect(url, token) as client:
        item = client.get(f"{SCHEDULES}/{resolve_id(client, ident)}")
        viewer = None if as_json else viewer_zone(client)
    if as_json:
        out.print_json(item)
    else:
        print_schedule(item, out.now_utc(), viewer)


def edit(
    ident: IdArg,
    text: Annotated[
        str | None, typer.Option("--text", help="A new sentence: command and timing together.")
    ] = None,
    command: Annotated[str | None, typer.Option("--command", help="A new command.")] = None,
    cron: CronOpt = None,
    every: EveryOpt = None,
    at: AtOpt = None,
    tz: TzOpt = None,
    agent: AgentOpt = None,
    description: DescriptionOpt = None,
    overlap: OverlapOpt = None,
    retries: RetriesOpt = None,
    timeout: TimeoutOpt = None,
    grace: GraceOpt = None,
    key: KeyOpt = None,
    accept_model_reading: AcceptModelOpt = False,
    as_json: JsonOpt = False,
    url: UrlOpt = None,
    token: TokenOpt = None,
) -> None:
    """Change a schedule: only the fields you give change. A --text only a model could read
    is shown and used after you confirm it (or pass --accept-model-reading).

    Examples:

      agentcron edit 1a2b --cron "30 8 * * 1-5"

      agentcron edit 1a2b --text "@maya check the invoices every monday at 10am"
    """
    with connect(url, token) as client:
        timing = timing_fields(client, cron, every, at, tz)
        body: dict[str, Any] = {
            **timing,
            **policy_fields(
                tz=tz,
                agent=agent,
                description=description,
                overlap=overlap,
                retries=retries,
                timeout=timeout,
                grace=grace,
                key=key,
            ),
        }
        if text is not None:
            if timing or command is not None:
                fail("give --text alone, or --command and the timing flags", EXIT_USAGE)
            body["text"] = text
            body.update(_sentence_acceptance(client, text, tz, accept_model_reading, as_json))
        if command is not None:
            body["command_text"] = command
        if not body:
            fail(
                "nothing to change: give --text, --command, --cron, --every, --at or a policy flag",
                EXIT_USAGE,
            )
        item = client.patch(f"{SCHEDULES}/{resolve_id(client, ident)}", body)
        viewer = None if as_json else viewer_zone(client)
    if as_json:
        out.print_json(item)
        return
    console.print(f"updated [bold]{out.short_id(item['id'])}[/]", highlight=False)
    print_schedule(item, out.now_utc(), viewer)


def _sentence_acceptance(
    client: ApiClient, text: str, tz: str | None, accepted: bool, as_json: bool
) -> dict[str, Any]:
    """For a new sentence only a model could read: show the reading and take a yes."""
    body: dict[str, Any] = {"text": text, **({"timezone": tz} if tz else {})}
    preview = client.post("/api/schedules/preview", body)
    if not preview.get("needs_confirmation"):
        return {}
    if not as_json:
        print_preview(preview, out.now_utc(), text)
    return confirm_model_reading(preview, accepted)


def viewer_zone(client: ApiClient) -> str | None:
    """The signed-in user's zone, to show next runs in beside a schedule's own."""
    try:
        me = client.get("/api/me")
    except ApiError:
        return None
    zone = me.get("timezone") if isinstance(me, dict) else None
    return str(zone) if zone else None


def _toggle(ident: str, url: str | None, token: str | None, action: str, body: Any = None) -> None:
    with connect(url, token) as client:
        item = client.post(f"{SCHEDULES}/{resolve_id(client, ident)}/{action}", body)
    line = f"{action}d [bold]{out.short_id(item['id'])}[/]"
    if item.get("paused_until"):
        line += f" · resumes by itself {out.relative(item['paused_until'], out.now_utc())}"
    if item.get("enabled") and item.get("next_run_at"):
        line += f" · next run {out.relative(item['next_run_at'], out.now_utc())}"
    console.print(line, highlight=False)


def enable(ident: IdArg, url: UrlOpt = None, token: TokenOpt = None) -> None:
    """Enable a schedule: it fires again from its next slot.

    Example: agentcron enable 1a2b3c4d
    """
    _toggle(ident, url, token, "enable")


def disable(
    ident: IdArg,
    note: Annotated[str | None, typer.Option("--note", help="Why it is paused.")] = None,
    until: Annotated[
        str | None,
        typer.Option("--until", help="Resume by itself then (ISO 8601; UTC without an offset)."),
    ] = None,
    url: UrlOpt = None,
    token: TokenOpt = None,
) -> None:
    """Disable a schedule: it stays, but does not fire. With --until it resumes by itself
    then (the slots in between are recorded as skipped); --note says why.

    Examples:

      agentcron disable 1a2b3c4d

      agentcron disable 1a2b --note "waiting for the vendor" --until 2026-12-24T09:00Z
    """
    body = None
    if note is not None or until is not None:
        body = {"note": note, "until": parse_at(until, "UTC") if until else None}
    _toggle(ident, url, token, "disable", body)


def rm(ident: IdArg, yes: YesOpt = False, url: UrlOpt = None, token: TokenOpt = None) -> None:
    """Delete a schedule and its history.

    Example: agentcron rm 1a2b3c4d --yes
    """
    with connect(url, token) as client:
        schedule_id = resolve_id(client, ident)
        item = client.get(f"{SCHEDULES}/{schedule_id}")
        confirm(
            f"Delete {out.short_id(schedule_id)} ({plain_command(item)[:60]}) and its history?",
            yes,
            refusal="not deleted",
        )
        client.delete(f"{SCHEDULES}/{schedule_id}")
    console.print(f"deleted [bold]{out.short_id(schedule_id)}[/]", highlight=False)
