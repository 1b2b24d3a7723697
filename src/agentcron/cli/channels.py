"""`agentcron channels add|ls|test|rm`: where a server sends your notifications. A client
of the API; a channel is named by its name, its id, or a unique prefix of its id."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from agentcron.cli import output as out
from agentcron.cli.client import ApiClient
from agentcron.cli.common import console, fail
from agentcron.cli.remote import JsonOpt, TokenOpt, UrlOpt, connect

EVENTS = "failure, recovery, success, agent, auto_paused, missed"

channels_app = typer.Typer(
    help="Notification channels: a signed webhook, or Slack, Discord, email… via apprise.",
    no_args_is_help=True,
)


def _table(rows: list[dict[str, Any]]) -> Table:
    table = Table(box=None, header_style="bold", pad_edge=False)
    for name in ("ID", "NAME", "KIND", "ON", "STATE"):
        table.add_column(name, no_wrap=True)
    table.add_column("URL / LAST ERROR", overflow="fold")
    for row in rows:
        state = "on" if row.get("enabled") else "off"
        detail = row.get("disabled_reason") or row.get("last_error") or row.get("url") or ""
        table.add_row(
            out.short_id(row.get("id")),
            out.text(row.get("name") or ""),
            out.text(row.get("kind") or ""),
            out.text(",".join(row.get("on") or []) or "-"),
            state,
            out.clip(detail, 120),
        )
    return table


def find(client: ApiClient, ident: str) -> dict[str, Any]:
    """A channel by name, id or unique id prefix."""
    rows: list[dict[str, Any]] = client.get("/api/channels").get("items", [])
    exact = [r for r in rows if ident in (r.get("name"), r.get("id"))]
    if exact:
        return exact[0]
    prefixed = [r for r in rows if str(r.get("id", "")).startswith(ident.lower())]
    if len(prefixed) == 1:
        return prefixed[0]
    if prefixed:
        fail(f"{out.text(ident)} matches {len(prefixed)} channels; give more of the id or the name")
    fail(f"no channel named {out.text(ident)}; see: agentcron channels ls")


@channels_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Your name for it, e.g. ops.")],
    channel_url: Annotated[
        str,
        typer.Argument(
            metavar="CHANNEL_URL",
            help="https://… (a signed JSON webhook) or an apprise URL: slack://…, "
            "discord://…, mailto://…, ntfy://…",
        ),
    ],
    on: Annotated[
        str | None,
        typer.Option("--on", help=f"Comma-separated events ({EVENTS}); default: the server's."),
    ] = None,
    as_json: JsonOpt = False,
    url: UrlOpt = None,
    token: TokenOpt = None,
) -> None:
    """Add a channel. A webhook's signing secret is printed once: keep it.

    Example: agentcron channels add ops https://hooks.example.com/agentcron --on failure,recovery
    """
    body: dict[str, Any] = {"name": name, "url": channel_url}
    if on is not None:
        body["on"] = [e.strip() for e in on.split(",") if e.strip()]
    with connect(url, token) as client:
        made = client.post("/api/channels", body)
    if as_json:
        out.print_json(made)
        return
    console.print(
        f"added channel {out.text(made.get('name'))} ({out.short_id(made.get('id'))}, "
        f"{out.text(made.get('kind'))}) for {out.text(', '.join(made.get('on') or []))}",
        highlight=False,
    )
    if made.get("secret"):
        console.print(
            f"signing secret (shown once): {out.text(made['secret'])}\n"
            'verify X-Agentcron-Signature = sha256=HMAC(secret, "<X-Agentcron-Timestamp>.<body>")',
            highlight=False,
        )


@channels_app.command("ls")
def ls(as_json: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None) -> None:
    """List your channels, with the reason any is off and its last error.

    Example: agentcron channels ls
    """
    with connect(url, token) as client:
        rows: list[dict[str, Any]] = client.get("/api/channels").get("items", [])
    out.print_items(
        rows, _table, as_json=as_json, empty="no channels yet: agentcron channels add NAME URL"
    )


@channels_app.command("test")
def test(
    channel: Annotated[str, typer.Argument(help="Its name or id.")],
    as_json: JsonOpt = False,
    url: UrlOpt = None,
    token: TokenOpt = None,
) -> None:
    """Send a test notification now; exit 1 with the channel's answer if it refused.

    Example: agentcron channels test ops
    """
    with connect(url, token) as client:
        found = find(client, channel)
        result = client.post(f"/api/channels/{found['id']}/test")
    if as_json:
        out.print_json(result)
    if not result.get("ok"):
        fail(f"{out.text(found.get('name'))}: {out.text(result.get('error') or 'refused')}")
    if not as_json:
        console.print(f"sent a test to {out.text(found.get('name'))}", highlight=False)


@channels_app.command("rm")
def rm(
    channel: Annotated[str, typer.Argument(help="Its name or id.")],
    url: UrlOpt = None,
    token: TokenOpt = None,
) -> None:
    """Remove a channel (its waiting notifications and log go with it).

    Example: agentcron channels rm ops
    """
    with connect(url, token) as client:
        found = find(client, channel)
        client.delete(f"/api/channels/{found['id']}")
    console.print(f"removed channel {out.text(found.get('name'))}", highlight=False)
