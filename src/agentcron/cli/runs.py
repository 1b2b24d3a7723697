"""Client commands on executions: run a schedule now (and follow it), read its history."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from agentcron.cli import output as out
from agentcron.cli.client import ApiClient, ApiError
from agentcron.cli.common import EXIT_FAILED, console, err_console
from agentcron.cli.flags import IdArg
from agentcron.cli.remote import SCHEDULES, JsonOpt, TokenOpt, UrlOpt, connect, resolve_id
from agentcron.cli.transcripts import (
    attempt_heading,
    attempt_line,
    error_rows,
    retried_words,
    retry_words,
    status_cell,
    status_words,
    steps_table,
    usage_rows,
    waiting_rows,
    waiting_words,
)

POLL_START_S = 0.1
POLL_MAX_S = 1.0
SEARCHED = 1000  # latest executions searched for a short id


def follow(
    client: ApiClient,
    execution_id: str,
    timeout_s: float,
    on_attempt: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Poll the execution until it ends; ApiError if it is still going after `timeout_s`.
    `on_attempt` gets one line as each attempt ends (a retry's line says when the next is,
    or that it waits for its agent's limit), and one when the run waits for its agent's
    limit before its first attempt or its retry."""
    deadline = time.monotonic() + timeout_s
    pause = POLL_START_S
    told: set[int] = set()
    queued: set[int] = set()  # the attempts after which a wait for the agent was told
    zone = _zone(client) if on_attempt is not None else None
    while True:
        execution: dict[str, Any] = client.get(f"/api/executions/{execution_id}")
        final = execution.get("status") in out.FINAL_STATUSES
        if on_attempt is not None:
            for line in _new_attempt_lines(execution, told, final, zone, queued):
                on_attempt(line)
        if final:
            return execution
        if time.monotonic() + pause > deadline:
            raise ApiError(
                f"execution {out.short_id(execution_id)} is still {execution.get('status')} "
                f"after {timeout_s:g} s; follow it with `agentcron show-run "
                f"{out.short_id(execution_id)}`"
            )
        pause_between_looks(pause)
        pause = min(pause * 1.5, POLL_MAX_S)


def pause_between_looks(seconds: float) -> None:
    """Between two looks at a followed run: a person waiting on a terminal, not a test
    waiting on a fire (a test replaces it with turns of an engine on its own clock)."""
    time.sleep(seconds)


def _new_attempt_lines(
    execution: dict[str, Any], told: set[int], final: bool, zone: str | None, queued: set[int]
) -> list[str]:
    """Lines for the attempts that ended since the last look, oldest first, and a line when
    the run starts waiting for its agent's limit. An attempt has ended when a later one
    exists, when its execution waits for a retry or for its agent, or is final."""
    attempts = [a for a in execution.get("attempts") or [] if isinstance(a.get("number"), int)]
    limit = waiting_words(execution)
    waiting = retry_words(execution, out.now_utc(), zone) or limit
    newest = max((a["number"] for a in attempts), default=0)
    lines = []
    for attempt in attempts:
        number = attempt["number"]
        ended = number < newest or final or bool(waiting)
        if number in told or not ended or attempt.get("status") in ("running", "pending"):
            continue
        told.add(number)
        retry = waiting if number == newest and waiting else ""
        if number < newest:  # the retry came before we looked: say when it started
            later = next((a for a in attempts if a["number"] == number + 1), None)
            retry = retried_words(later, execution.get("max_attempts"), zone)
        lines.append(attempt_line(attempt, execution.get("max_attempts"), retry))
        if limit and retry == limit:
            queued.add(number)
    if limit and newest not in queued:  # waiting before its first attempt, or its retry
        queued.add(newest)
        agent = out.inert(f"@{execution.get('agent_id')}")
        lines.append(f"{limit}: it starts when {agent} has room")
    return lines


def _zone(client: ApiClient) -> str | None:
    try:
        me = client.get("/api/me")
    except ApiError:
        return None
    return str(me.get("timezone")) if isinstance(me, dict) and me.get("timezone") else None


def print_result(execution: dict[str, Any]) -> None:
    rows = [
        ("execution", out.text(execution.get("id"))),
        ("status", out.status(execution.get("status"))),
        ("duration", out.duration_ms(execution.get("duration_ms"))),
        ("tokens", out.number(execution.get("tokens_used"))),
        ("LLM calls", out.number(execution.get("llm_calls"))),
        ("attempts", out.number(execution.get("attempt"))),
    ]
    if execution.get("result_summary"):
        rows.append(("summary", out.clip(execution["result_summary"], 500)))
    if execution.get("error_message"):
        rows.append(("error", f"[red]{out.clip(execution['error_message'], 500)}[/]"))
    for line in out.field_lines(rows):
        console.print(line, highlight=False)


def run(
    ident: IdArg,
    wait: Annotated[
        bool, typer.Option("--wait", "-w", help="Follow the run to its end and print the result.")
    ] = False,
    timeout: Annotated[
        float,
        typer.Option("--timeout", min=1, help="With --wait: give up after this many seconds."),
    ] = 600,
    as_json: JsonOpt = False,
    url: UrlOpt = None,
    token: TokenOpt = None,
) -> None:
    """Run a schedule now, outside its timing. With --wait, print a line as each attempt
    ends (a retry's says when the next comes) and exit 1 unless it succeeds.

    Example: agentcron run 1a2b3c4d --wait
    """
    with connect(url, token) as client:
        schedule_id = resolve_id(client, ident)
        queued: dict[str, Any] = client.post(f"{SCHEDULES}/{schedule_id}/execute")
        execution_id = str(queued.get("id") or queued.get("execution_id"))
        if not wait:
            if as_json:
                out.print_json(queued)
            else:
                console.print(
                    f"queued execution [bold]{out.short_id(execution_id)}[/]: "
                    f"agentcron history {out.short_id(schedule_id)}",
                    highlight=False,
                )
            return
        say = err_console.print if as_json else console.print
        with console.status(f"running {out.short_id(schedule_id)}…", spinner="dots"):
            execution = follow(
                client,
                execution_id,
                timeout,
                on_attempt=lambda line: say(line, markup=False, highlight=False),
            )
    if as_json:
        out.print_json(execution)
    else:
        print_result(execution)
    if execution.get("status") != "success":
        raise typer.Exit(EXIT_FAILED)


def history(
    ident: IdArg,
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status", help="Only these statuses (repeat: --status failed --status timed_out)."
        ),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, max=500, help="How many, newest first.")
    ] = 20,
    steps: Annotated[
        bool,
        typer.Option(
            "--steps", help="Each execution's attempts and their model and tool calls too."
        ),
    ] = False,
    as_json: JsonOpt = False,
    url: UrlOpt = None,
    token: TokenOpt = None,
) -> None:
    """Show a schedule's executions, newest first.

    Example: agentcron history 1a2b3c4d --status failed --limit 5 --steps
    """
    with connect(url, token) as client:
        schedule_id = resolve_id(client, ident)
        page = client.get(
            f"{SCHEDULES}/{schedule_id}/executions",
            status=status or None,
            limit=limit,
        )
        items: list[dict[str, Any]] = (
            list(page.get("items") or []) if isinstance(page, dict) else page
        )
        zone = _zone(client)
        if steps:  # the full record of each: its attempts with their steps
            items = [client.get(f"/api/executions/{item['id']}") for item in items]
    now = out.now_utc()
    listed = out.print_items(
        items,
        lambda rows: _history_table(rows, now, zone),
        as_json=as_json,
        empty=f"no executions yet: agentcron run {out.short_id(schedule_id)} --wait",
    )
    if not listed:
        return
    total = page.get("total") if isinstance(page, dict) else None
    if isinstance(total, int) and total > len(items):
        console.print(f"[dim]{len(items)} of {total}; --limit shows more[/]")
    if steps:
        for item in items:
            console.print()
            console.print(
                f"[bold]execution {out.short_id(item.get('id'))}[/] "
                f"{status_words(item, now, zone)} · {out.when(item.get('scheduled_for'), now, zone)}",
                highlight=False,
            )
            print_attempts(item, now, zone)


def _history_table(items: list[dict[str, Any]], now: datetime, zone: str | None) -> Table:
    table = Table(box=None, header_style="bold", pad_edge=False)
    for name in ("ID", "STATUS", "SCHEDULED FOR", "DURATION", "TOKENS", "LLM CALLS", "ATTEMPTS"):
        table.add_column(name, no_wrap=True)
    table.add_column("SUMMARY", overflow="fold")
    for item in items:
        summary = item.get("result_summary") or item.get("error_message") or ""
        retry = retry_words(item, now, zone)
        if retry:
            summary = retry + (f"; {summary}" if summary else "")
        if item.get("missed_count"):
            summary = f"{item['missed_count']} slot(s) missed" + (f"; {summary}" if summary else "")
        table.add_row(
            out.short_id(item.get("id")),
            status_cell(item),
            out.relative(item.get("scheduled_for"), now),
            out.duration_ms(item.get("duration_ms")),
            out.number(item.get("tokens_used")),
            out.number(item.get("llm_calls")),
            out.number(item.get("attempt")),
            out.clip(summary, 120),
        )
    return table


def print_attempts(item: dict[str, Any], now: Any, zone: str | None) -> None:
    """Each attempt's heading and its steps table (or why there is none)."""
    attempts = item.get("attempts") or []
    if not attempts:
        console.print("  [dim]no attempt has started yet[/]")
    for number, attempt in enumerate(attempts):
        if number:
            console.print()
        console.print(
            attempt_heading(attempt, item.get("max_attempts"), now, zone), highlight=False
        )
        steps = attempt.get("steps") or []
        if steps:
            console.print(steps_table(steps, attempt.get("started_at")))
        else:
            console.print("  [dim]no steps reported[/]")


def _execution_id(client: ApiClient, ident: str) -> str:
    """A full execution id as given, else the one of your latest executions whose id starts
    with `ident` (what `history` shows)."""
    ident = ident.strip()
    try:
        return str(uuid.UUID(ident))
    except ValueError:
        pass
    wanted = ident.lower().replace("-", "")
    if not wanted or not all(c in "0123456789abcdef" for c in wanted):
        raise ApiError(f"{ident!r} is not an execution id (see `agentcron history ID`)", 404)
    matches: set[str] = set()
    for offset in range(0, SEARCHED, 200):
        page = client.get("/api/executions", offset=offset, limit=200)
        batch = page.get("items") or []
        matches |= {str(i["id"]) for i in batch if str(i["id"]).replace("-", "").startswith(wanted)}
        if len(batch) < 200:
            break
    if len(matches) == 1:
        return matches.pop()
    if not matches:
        raise ApiError(
            f"no execution of your latest {SEARCHED} matches {ident!r}; give its full id", 404
        )
    raise ApiError(f"{ident!r} matches {len(matches)} executions; give more characters", 409)


def show_run(
    ident: Annotated[
        str,
        typer.Argument(metavar="ID", help="An execution id, or a unique prefix of one."),
    ],
    as_json: JsonOpt = False,
    url: UrlOpt = None,
    token: TokenOpt = None,
) -> None:
    """Show one execution: outcome, usage and cost, and every attempt's model and tool calls.

    Example: agentcron show-run 5e6f7a8b
    """
    with connect(url, token) as client:
        execution: dict[str, Any] = client.get(f"/api/executions/{_execution_id(client, ident)}")
        zone = None if as_json else _zone(client)
    if as_json:
        out.print_json(execution)
        return
    now = out.now_utc()
    rows = [
        ("execution", out.text(execution.get("id"))),
        ("schedule", out.text(execution.get("schedule_id"))),
        ("agent", f"@{out.text(execution.get('agent_id'))}"),
        ("status", status_words(execution, now, zone)),
        *waiting_rows(execution),
        ("scheduled", out.when(execution.get("scheduled_for"), now, zone)),
        ("started", out.when(execution.get("started_at"), now, zone)),
        ("finished", out.when(execution.get("finished_at"), now, zone)),
        ("duration", out.duration_ms(execution.get("duration_ms"))),
        *usage_rows(execution),
        *error_rows(execution),
    ]
    if execution.get("result_summary"):
        rows.append(("summary", out.clip(execution["result_summary"], 500)))
    for line in out.field_lines(rows):
        console.print(line, highlight=False)
    console.print()
    print_attempts(execution, now, zone)
    if execution.get("output"):
        console.print()
        console.print("[bold]output[/]")
        console.print(out.inert(execution["output"]), markup=False, highlight=False)
