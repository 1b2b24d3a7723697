"""`agentcron usage` (the usage table) and `agentcron budgets add|ls|rm`: clients of the API,
printing what `/api/usage` and `/api/budgets` answer."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from agentcron.cli import output as out
from agentcron.cli.common import console, fail
from agentcron.cli.remote import JsonOpt, TokenOpt, UrlOpt, connect

budgets_app = typer.Typer(
    help="Budgets: limits on what your runs spend per run, UTC day or month.",
    no_args_is_help=True,
)

COLUMNS = (
    "RUNS",
    "OK",
    "FAIL",
    "RATE",
    "CALLS",
    "IN",
    "OUT",
    "TOKENS",
    "COST $",
    "P50",
    "P95",
    "MAX",
)


def _rate(value: Any) -> str:
    return "—" if value is None else f"{float(value) * 100:.0f}%"


def _cost(row: dict[str, Any]) -> str:
    cost = f"{float(row.get('cost_usd') or 0):.4f}"
    unknown = row.get("runs_without_cost") or 0
    return f"{cost} (+{unknown} unpriced)" if unknown else cost


def _cells(row: dict[str, Any]) -> list[str]:
    return [
        out.number(row.get("runs")),
        out.number(row.get("successes")),
        out.number(row.get("failures")),
        _rate(row.get("success_rate")),
        out.number(row.get("llm_calls")),
        out.number(row.get("input_tokens")),
        out.number(row.get("output_tokens")),
        out.number(row.get("total_tokens")),
        _cost(row),
        out.duration_ms(row.get("duration_p50_ms")),
        out.duration_ms(row.get("duration_p95_ms")),
        out.duration_ms(row.get("duration_max_ms")),
    ]


def usage_table(body: dict[str, Any]) -> Table:
    table = Table(box=None, header_style="bold", pad_edge=False, show_footer=False)
    table.add_column(str(body.get("group_by", "")).upper(), overflow="fold", max_width=48)
    for name in COLUMNS:
        table.add_column(name, justify="right", no_wrap=True)
    for row in body.get("rows", []):
        table.add_row(out.clip(row.get("label") or row.get("key"), 48), *_cells(row))
    table.add_row("[bold]total[/]", *_cells(body.get("total") or {}))
    return table


def usage(
    from_: Annotated[
        str | None, typer.Option("--from", help="First UTC day, YYYY-MM-DD (default: 29 days ago).")
    ] = None,
    to: Annotated[
        str | None, typer.Option("--to", help="Last UTC day, included (default: today).")
    ] = None,
    group_by: Annotated[
        str, typer.Option("--group-by", "-g", help="day, agent, schedule, model or tag.")
    ] = "day",
    as_json: JsonOpt = False,
    url: UrlOpt = None,
    token: TokenOpt = None,
) -> None:
    """What your runs spent: runs, success rate, tokens, cost (and how much is unpriced),
    durations, per UTC day, agent, schedule or model.

    Example: agentcron usage --from 2026-03-01 --group-by schedule
    """
    params: dict[str, Any] = {"group_by": group_by}
    if from_:
        params["from"] = from_
    if to:
        params["to"] = to
    with connect(url, token) as client:
        body: dict[str, Any] = client.get("/api/usage", **params)
    out.print_items(
        body.get("rows") or [],
        lambda _: usage_table(body),
        as_json=as_json,
        json_body=body,
        heading=f"usage from {out.text(body.get('from'))} to {out.text(body.get('to'))} (UTC days)",
        empty="no runs in this range",
        highlight=False,
    )


def _budget_rows(rows: list[dict[str, Any]]) -> Table:
    table = Table(box=None, header_style="bold", pad_edge=False)
    for name in ("ID", "SCOPE", "PERIOD", "LIMIT", "SPENT", "WARN AT"):
        table.add_column(name, no_wrap=True)
    for row in rows:
        scope = row.get("scope") or ""
        if scope == "schedule":
            scope += " " + out.short_id(row.get("schedule_id"))
        elif scope == "agent":
            scope += " @" + out.text(row.get("agent"))
        limits = []
        if row.get("max_tokens") is not None:
            limits.append(f"{int(row['max_tokens']):,} tokens")
        if row.get("max_usd") is not None:
            limits.append(f"${row['max_usd']:g}")
        spent = "—"
        if row.get("spent_tokens") is not None:
            spent = f"{int(row['spent_tokens']):,} tokens, ${float(row.get('spent_usd') or 0):.4f}"
        table.add_row(
            out.short_id(row.get("id")),
            scope,
            f"{out.text(row.get('period'))} {out.text(row.get('period_key') or '')}".strip(),
            ", ".join(limits),
            spent,
            f"{float(row.get('warn_at') or 0) * 100:.0f}%",
        )
    return table


@budgets_app.command("ls")
def budgets_ls(as_json: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None) -> None:
    """Your budgets, with what is spent in the current period.

    Example: agentcron budgets ls
    """
    with connect(url, token) as client:
        rows: list[dict[str, Any]] = client.get("/api/budgets").get("items", [])
    out.print_items(
        rows,
        _budget_rows,
        as_json=as_json,
        empty="no budgets yet: agentcron budgets add --period day --max-tokens 100000",
    )


@budgets_app.command("add")
def budgets_add(
    period: Annotated[str, typer.Option("--period", help="run, day or month (UTC).")] = "day",
    max_tokens: Annotated[int | None, typer.Option("--max-tokens", help="Tokens allowed.")] = None,
    max_usd: Annotated[float | None, typer.Option("--max-usd", help="USD allowed.")] = None,
    schedule: Annotated[
        str | None, typer.Option("--schedule", help="Only this schedule (its id).")
    ] = None,
    agent: Annotated[str | None, typer.Option("--agent", help="Only this agent (@handle).")] = None,
    warn_at: Annotated[
        float, typer.Option("--warn-at", help="Share of the limit that warns.")
    ] = 0.8,
    as_json: JsonOpt = False,
    url: UrlOpt = None,
    token: TokenOpt = None,
) -> None:
    """Add a budget: all your runs, or one schedule's, or one agent's.

    Example: agentcron budgets add --period month --max-usd 20 --agent @alice
    """
    if schedule and agent:
        fail("give --schedule or --agent, not both")
    body: dict[str, Any] = {"scope": "user", "period": period, "warn_at": warn_at}
    if schedule:
        body.update(scope="schedule", schedule_id=schedule)
    if agent:
        body.update(scope="agent", agent=agent)
    if max_tokens is not None:
        body["max_tokens"] = max_tokens
    if max_usd is not None:
        body["max_usd"] = max_usd
    with connect(url, token) as client:
        if schedule:
            from agentcron.cli.remote import resolve_id

            body["schedule_id"] = resolve_id(client, schedule)
        made = client.post("/api/budgets", body)
    if as_json:
        out.print_json(made)
        return
    console.print(f"added budget {out.short_id(made.get('id'))}", highlight=False)
    console.print(_budget_rows([made]))


@budgets_app.command("rm")
def budgets_rm(
    budget: Annotated[str, typer.Argument(help="Its id or a unique prefix of it.")],
    url: UrlOpt = None,
    token: TokenOpt = None,
) -> None:
    """Remove a budget.

    Example: agentcron budgets rm 1a2b3c4d
    """
    with connect(url, token) as client:
        rows: list[dict[str, Any]] = client.get("/api/budgets").get("items", [])
        found = [r for r in rows if str(r.get("id", "")).startswith(budget.lower())]
        if len(found) != 1:
            fail(
                f"no budget {out.text(budget)}; see: agentcron budgets ls"
                if not found
                else f"{out.text(budget)} matches {len(found)} budgets; give more of the id"
            )
        client.delete(f"/api/budgets/{found[0]['id']}")
    console.print(f"removed budget {out.short_id(found[0].get('id'))}", highlight=False)


prices_app = typer.Typer(
    help="Model prices set by operators (USD per million tokens), from a given instant.",
    no_args_is_help=True,
)


@prices_app.command("ls")
def prices_ls(as_json: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None) -> None:
    """Operators' model prices, each from its start.

    Example: agentcron prices ls
    """
    with connect(url, token) as client:
        rows: list[dict[str, Any]] = client.get("/api/model-prices").get("items", [])
    out.print_items(
        rows,
        _prices_table,
        as_json=as_json,
        empty="no prices set: genai-prices' bundled data prices the models it knows",
    )


def _prices_table(rows: list[dict[str, Any]]) -> Table:
    table = Table(box=None, header_style="bold", pad_edge=False)
    for name in ("MODEL", "INPUT $/M", "OUTPUT $/M", "FROM"):
        table.add_column(name, no_wrap=True)
    for row in rows:
        table.add_row(
            out.text(row.get("model")),
            f"{row.get('input_per_mtok'):g}",
            f"{row.get('output_per_mtok'):g}",
            out.text(row.get("valid_from")),
        )
    return table


@prices_app.command("add")
def prices_add(
    model: Annotated[str, typer.Argument(help="The model, as agents report it.")],
    input_per_mtok: Annotated[float, typer.Argument(help="USD per million input tokens.")],
    output_per_mtok: Annotated[float, typer.Argument(help="USD per million output tokens.")],
    valid_from: Annotated[
        str | None, typer.Option("--from", help="From when, ISO 8601 (default: now).")
    ] = None,
    as_json: JsonOpt = False,
    url: UrlOpt = None,
    token: TokenOpt = None,
) -> None:
    """Set a model's price from now (or --from) on; costs already written stay. Admins only.

    Example: agentcron prices add openai:gpt-4o 2.5 10 --from 2026-04-01T00:00:00Z
    """
    body: dict[str, Any] = {
        "model": model,
        "input_per_mtok": input_per_mtok,
        "output_per_mtok": output_per_mtok,
    }
    if valid_from:
        body["valid_from"] = valid_from
    with connect(url, token) as client:
        made = client.post("/api/model-prices", body)
    if as_json:
        out.print_json(made)
        return
    console.print(
        f"{out.text(made.get('model'))}: ${made.get('input_per_mtok'):g} in, "
        f"${made.get('output_per_mtok'):g} out per million tokens from "
        f"{out.text(made.get('valid_from'))}",
        highlight=False,
    )
