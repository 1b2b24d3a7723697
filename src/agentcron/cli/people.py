"""Local admin commands for people: users, their sign-in links and API tokens. They open
the database the server uses, no server needed (see `cli.admin` for the shared set-up)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated

import typer

from agentcron.cli import output as out
from agentcron.cli.admin import DatabaseOpt, settings_with, use_cases_of
from agentcron.cli.common import console, fail
from agentcron.cli.local import browser_url, local_server, require_schema
from agentcron.errors import AgentcronError

if TYPE_CHECKING:
    from agentcron.service.users import UserService

users_app = typer.Typer(help="Manage users (local: talks to the database).", no_args_is_help=True)
tokens_app = typer.Typer(
    help="Manage API tokens (local: talks to the database).", no_args_is_help=True
)


@contextlib.contextmanager
def _users(database_url: str | None) -> Iterator[UserService]:
    """The users of the database the server uses; refused in one line when it is missing or
    not migrated (never a traceback, never a new empty database)."""
    settings = settings_with(database_url)
    require_schema(settings)
    with use_cases_of(settings) as use_cases:
        yield use_cases.users


@users_app.command("create")
def users_create(
    name: str,
    timezone: Annotated[
        str | None,
        typer.Option(
            "--tz",
            help="IANA time zone new schedules default to (default UTC, until the user or "
            "their browser's suggestion sets one).",
            show_default=False,
        ),
    ] = None,
    admin: Annotated[
        bool, typer.Option("--admin", help="May reload the agents file for everyone.")
    ] = False,
    database_url: DatabaseOpt = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Create a user. Example: agentcron users create alice --tz Europe/Berlin"""
    try:
        with _users(database_url) as service:
            user = service.create(name, timezone, admin=admin)
    except AgentcronError as exc:
        fail(str(exc))
    if as_json:
        print(json.dumps({"user_id": str(user.id), "name": user.name, "timezone": user.timezone}))
    else:
        console.print(
            f"created user [bold]{out.text(user.name)}[/] ({user.id}), "
            f"time zone {out.text(user.timezone)}"
        )


@users_app.command("list")
def users_list(
    database_url: DatabaseOpt = None, as_json: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """List users. Example: agentcron users list --json"""
    with _users(database_url) as service:
        users = service.list()
    if as_json:
        print(
            json.dumps(
                [{"user_id": str(u.id), "name": u.name, "timezone": u.timezone} for u in users]
            )
        )
        return
    for u in users:
        console.print(f"{out.text(u.name)}\t{u.id}\t{out.text(u.timezone)}")


@users_app.command("login-link")
def users_login_link(
    name: Annotated[str, typer.Argument(help="User name.")],
    url: Annotated[
        str | None,
        typer.Option(
            "--url",
            help="The server's address as a browser reaches it (default: AGENTCRON_PUBLIC_URL, "
            "else where `agentcron serve` listens).",
            show_default=False,
        ),
    ] = None,
    database_url: DatabaseOpt = None,
) -> None:
    """Print a fresh one-time sign-in link for a user (it works once, for 15 minutes).

    Example: agentcron users login-link admin
    """
    settings = settings_with(database_url)
    try:
        with _users(database_url) as service:
            link = service.issue_login_link(service.by_name(name))
    except AgentcronError as exc:
        fail(str(exc))
    base = (url or "").rstrip("/") or local_server(settings)
    base = base or browser_url(settings.host, settings.port)
    minutes = settings.login_link_ttl_s // 60
    console.print(
        f"One-time sign-in link for [bold]{name}[/] (works once, for {minutes} min):",
        highlight=False,
    )
    print(f"{base}/login/link?token={link}")


@tokens_app.command("create")
def tokens_create(
    user: Annotated[str, typer.Argument(help="User name.")],
    name: Annotated[str, typer.Option(help="A label for the token.")] = "cli",
    database_url: DatabaseOpt = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Issue an API token; it is printed once and stored only as a hash.

    Example: agentcron tokens create alice --json
    """
    try:
        with _users(database_url) as service:
            issued = service.issue_token(service.by_name(user), name)
    except AgentcronError as exc:
        fail(str(exc))
    if as_json:
        print(json.dumps({"user_id": str(issued.record.user_id), "token": issued.token}))
    else:
        console.print(f"token for [bold]{out.text(user)}[/] (shown once):")
        print(issued.token)


@tokens_app.command("revoke")
def tokens_revoke(
    user: Annotated[str, typer.Argument(help="User name.")],
    token: Annotated[str, typer.Argument(help="The token's id or its shown prefix (acr_…).")],
    database_url: DatabaseOpt = None,
) -> None:
    """Revoke a token. Example: agentcron tokens revoke alice acr_AbCdEfGh"""
    try:
        with _users(database_url) as service:
            ended = service.revoke_token(service.by_name(user), token)
    except AgentcronError as exc:
        fail(str(exc))
    console.print(
        f"revoked {ended.tokens} token(s); ended {ended.sessions} browser session(s) signed in "
        "with it (those pages sign out); event streams opened with it close within 15 s"
    )


@users_app.command("sign-out")
def users_sign_out(
    user: Annotated[str, typer.Argument(help="User name.")],
    database_url: DatabaseOpt = None,
) -> None:
    """End every browser session of a user, on every instance.

    Example: agentcron users sign-out alice
    """
    try:
        with use_cases_of(settings_with(database_url)) as use_cases:
            ended = use_cases.sessions.end_all(use_cases.users.by_name(user))
    except AgentcronError as exc:
        fail(str(exc))
    console.print(f"ended {ended} browser session(s) of {user}")


@tokens_app.command("list")
def tokens_list(user: str, database_url: DatabaseOpt = None) -> None:
    """List a user's tokens (prefixes only). Example: agentcron tokens list alice"""
    try:
        with _users(database_url) as service:
            rows = service.tokens(service.by_name(user))
    except AgentcronError as exc:
        fail(str(exc))
    for row in rows:
        state = "revoked" if row.revoked_at else "active"
        console.print(f"{row.id}\t{out.text(row.prefix)}…\t{out.text(row.name)}\t{state}")
