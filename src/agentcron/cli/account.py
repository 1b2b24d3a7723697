"""`agentcron login` and `logout`: keep a verified token for a server in the config file."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from agentcron.cli import output as out
from agentcron.cli.client import ApiClient, ApiError
from agentcron.cli.common import console, fail
from agentcron.cli.config_file import ConfigError, config_path, load, normal_url, save
from agentcron.cli.remote import server_url, this_machine


def login(
    url: Annotated[
        str | None,
        typer.Option(
            "--url",
            envvar="AGENTCRON_URL",
            help="Server URL (default: the server on this machine, else the one saved, "
            "else http://127.0.0.1:8000).",
            show_default=False,
        ),
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            envvar="AGENTCRON_TOKEN",
            help="API token (asked for, hidden, when not given).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Save a token for a server, after checking it works.

    Get a token with `agentcron tokens create NAME` (on the server's machine).

    Example: agentcron login --url http://127.0.0.1:8000
    """
    # Signing in is mostly to this machine's server (`make run`, wherever it listens).
    base = server_url(url or this_machine())
    if not token:
        token = typer.prompt(f"API token for {base}", hide_input=True)
    token = token.strip()
    with ApiClient(base, token) as client:
        try:
            me: Any = client.get("/api/me")
        except ApiError as exc:
            fail(exc.message)
    try:
        config = load()
    except ConfigError as exc:
        fail(f"{exc}; fix or remove it, then log in again")
    config.url = base
    config.tokens[base] = token
    path = save(config)
    name = me.get("name") if isinstance(me, dict) else None
    console.print(
        f"signed in to {out.text(base)} as {out.text(name or 'you')}; token saved in "
        f"{out.text(path)}",
        highlight=False,
        soft_wrap=True,
    )


def logout(
    url: Annotated[
        str | None,
        typer.Option("--url", envvar="AGENTCRON_URL", help="Server URL.", show_default=False),
    ] = None,
) -> None:
    """Forget the saved token for a server.

    The token itself stays valid: revoke it with `agentcron tokens revoke`.

    Example: agentcron logout
    """
    try:
        config = load()
    except ConfigError as exc:
        fail(str(exc))
    base = normal_url(url) if url else (config.url or server_url(None))
    if config.tokens.pop(base, None) is None:
        console.print(f"not signed in to {base}; nothing to forget", highlight=False)
        return
    save(config)
    console.print(f"signed out of {base} (removed from {config_path()})", highlight=False)
