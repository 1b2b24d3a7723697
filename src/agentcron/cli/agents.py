"""`agentcron agents …`: check the agents file here (no server), or ask a server which agents
it has and to read its file again."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from agentcron.cli import output as out
from agentcron.cli.common import console, fail
from agentcron.cli.remote import JsonOpt, TokenOpt, UrlOpt, connect

agents_app = typer.Typer(
    help="Agents: check the agents file, list a server's agents, reload them.",
    no_args_is_help=True,
)


def _table(rows: list[dict[str, Any]]) -> Table:
    table = Table(box=None, header_style="bold", pad_edge=False)
    for name in ("HANDLE", "NAME", "BACKEND"):
        table.add_column(name, no_wrap=True)
    table.add_column("DESCRIPTION", overflow="fold")
    for row in rows:
        table.add_row(
            out.text(f"@{row.get('handle')}"),
            out.text(row.get("name") or ""),
            out.text(row.get("backend") or ""),
            out.clip(row.get("description"), 120),
        )
    return table


@agents_app.command("check")
def check(
    file: Annotated[
        Path | None,
        typer.Argument(help="The agents file (default: AGENTCRON_AGENTS_FILE, else agents.toml)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Check an agents file without starting anything; exit 1 listing every problem.

    Example: agentcron agents check agents.toml
    """
    from agentcron.agents.config import AgentConfigError, read_file
    from agentcron.agents.registry import check_file
    from agentcron.config import Settings

    path = file or Settings().agents_file
    problems = check_file(path)
    if not problems:
        try:
            specs = read_file(path)
        except AgentConfigError as exc:
            problems = exc.problems
    if problems:
        for problem in problems:
            console.print(f"  {out.text(problem)}", highlight=False, soft_wrap=True)
        fail(f"{path}: {len(problems)} problem(s)")
    rows = [
        {"handle": s.handle, "name": s.name, "backend": s.backend, "description": s.description}
        for s in specs
    ]
    listed = out.print_items(
        rows,
        _table,
        as_json=as_json,
        empty=f"{out.text(path)} is valid but defines no agents",
        highlight=False,
    )
    if listed:
        console.print(f"{out.text(path)}: {len(rows)} agent(s), no problems", highlight=False)


@agents_app.command("list")
def list_(as_json: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None) -> None:
    """List the agents a server knows (their handles go after @ in commands).

    Example: agentcron agents list
    """
    with connect(url, token) as client:
        answer = client.get("/api/agents")
    rows: list[dict[str, Any]] = answer.get("items", []) if isinstance(answer, dict) else answer
    out.print_items(
        rows,
        _table,
        as_json=as_json,
        empty="the server has no agents: define them in its agents.toml",
    )


@agents_app.command("reload")
def reload(url: UrlOpt = None, token: TokenOpt = None) -> None:
    """Ask a server to read its agents file again (a broken file keeps the last good agents).

    Example: agentcron agents reload
    """
    with connect(url, token) as client:
        answer = client.post("/api/agents/reload")
    if isinstance(answer, dict) and answer.get("ok") is False:
        fail(str(answer.get("message") or "the server kept its last good agents"))
    message = answer.get("message") if isinstance(answer, dict) else None
    console.print(out.text(message or "agents reloaded"), highlight=False)
