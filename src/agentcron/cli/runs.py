"""Client commands on executions: run a schedule now (and follow it), read its history."""

from __future__ import annotations

import time
from typing import Annotated, Any

import typer
from rich.table import Table

from agentcron.cli import output as out
from agentcron.cli.client import ApiClient, ApiError
from agentcron.cli.common import EXIT_FAILED, console
from agentcron.cli.flags import IdArg
from agentcron.cli.remote import SCHEDULES, JsonOpt, TokenOpt, UrlOpt, connect, resolve_id

POLL_START_S = 0.1
POLL_MAX_S = 1.0


def follow(client: ApiClient, execution_id: str, timeout_s: float) -> dict[str, Any]:
    """Poll the execution until it ends; ApiError if it is still going after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    pause = POLL_START_S
    while True:
        execution: dict[str, Any] = client.get(f"/api/executions/{execution_id}")
        if execution.get("status") in out.FINAL_STATUSES:
            return execution
        if time.monotonic() + pause > deadline:
            raise ApiError(
                f"execution {out.short_id(execution_id)} is still {execution.get('status')} "
                f"after {timeout_s:g} s; follow it with `agentcron history`"
            )
        time.sleep(pause)  # a person waiting on a terminal, not a test waiting on a fire
        pause = min(pause * 1.5, POLL_MAX_S)


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
    """Run a schedule now, outside its timing. With --wait, exit 1 unless it succeeds.

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
        with console.status(f"running {out.short_id(schedule_id)}…", spinner="dots"):
            execution = follow(client, execution_id, timeout)
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
    as_json: JsonOpt = False,
    url: UrlOpt = None,
    token: TokenOpt = None,
) -> None:
    """Show a schedule's executions, newest first.

    Example: agentcron history 1a2b3c4d --status failed --limit 5
    """
    with connect(url, token) as client:
        schedule_id = resolve_id(client, ident)
        page = client.get(
            f"{SCHEDULES}/{schedule_id}/executions",
            status=status or None,
            limit=limit,
        )
    items: list[dict[str, Any]] = list(page.get("items") or []) if isinstance(page, dict) else page
    if as_json:
        out.print_json(items)
        return
    if not items:
        console.print(f"no executions yet: agentcron run {out.short_id(schedule_id)} --wait")
        return
    now = out.now_utc()
    table = Table(box=None, header_style="bold", pad_edge=False)
    for name in ("ID", "STATUS", "SCHEDULED FOR", "DURATION", "TOKENS", "LLM CALLS", "ATTEMPTS"):
        table.add_column(name, no_wrap=True)
    table.add_column("SUMMARY", overflow="fold")
    for item in items:
        summary = item.get("result_summary") or item.get("error_message") or ""
        if item.get("missed_count"):
            summary = f"{item['missed_count']} slot(s) missed" + (f"; {summary}" if summary else "")
        table.add_row(
            out.short_id(item.get("id")),
            out.status(item.get("status")),
            out.relative(item.get("scheduled_for"), now),
            out.duration_ms(item.get("duration_ms")),
            out.number(item.get("tokens_used")),
            out.number(item.get("llm_calls")),
            out.number(item.get("attempt")),
            out.clip(summary, 120),
        )
    console.print(table)
    total = page.get("total") if isinstance(page, dict) else None
    if isinstance(total, int) and total > len(items):
        console.print(f"[dim]{len(items)} of {total}; --limit shows more[/]")
