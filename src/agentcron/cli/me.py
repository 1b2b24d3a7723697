"""`agentcron me`: who you are on the server, and the time zone your schedules default to."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

import typer

from agentcron.cli import output as out
from agentcron.cli.common import console
from agentcron.cli.remote import JsonOpt, TokenOpt, UrlOpt, connect

me_app = typer.Typer(
    help="You: your account, and the time zone new schedules default to.",
    invoke_without_command=True,
)


@me_app.callback()
def show(
    ctx: typer.Context, as_json: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None
) -> None:
    """Show your account: name, time zone, schedules and limits.

    Example: agentcron me
    """
    if ctx.invoked_subcommand is not None:
        return
    with connect(url, token) as client:
        me = client.get("/api/me")
    if as_json:
        out.print_json(me)
        return
    print_me(me)


@me_app.command("set-timezone")
def set_timezone(
    zone: Annotated[
        str, typer.Argument(metavar="ZONE", help="An IANA zone, e.g. Europe/Berlin or UTC.")
    ],
    as_json: JsonOpt = False,
    url: UrlOpt = None,
    token: TokenOpt = None,
) -> None:
    """Set the time zone new schedules default to (and previews show times in). Existing
    schedules keep their own zones.

    Example: agentcron me set-timezone Europe/Berlin
    """
    with connect(url, token) as client:
        me = client.patch("/api/me", {"timezone": zone})
    if as_json:
        out.print_json(me)
        return
    console.print(
        f"time zone set to [bold]{out.text(me.get('timezone'))}[/]: new schedules default to it",
        highlight=False,
    )


def print_me(me: dict[str, Any]) -> None:
    zone = out.text(me.get("timezone") or "UTC")
    if not me.get("timezone_chosen"):
        zone += "  [dim](the default; set yours with `agentcron me set-timezone ZONE`)[/]"
    rows = [
        ("name", out.text(me.get("name"))),
        ("id", out.text(me.get("id"))),
        ("time zone", zone),
    ]
    suggested = me.get("suggested_timezone")
    if suggested:
        rows.append(
            (
                "your browser",
                f"{out.text(suggested)}  [dim](agentcron me set-timezone {out.text(suggested)})[/]",
            )
        )
    limits = me.get("limits") or {}
    rows.append(("schedules", f"{me.get('schedules', 0)} of {limits.get('max_schedules', '?')}"))
    gap = limits.get("min_gap_s")
    if isinstance(gap, int):
        rows.append(("minimum gap", out.span(timedelta(seconds=gap))))
    for line in out.field_lines(rows):
        console.print(line, highlight=False)
