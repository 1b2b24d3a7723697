"""The top-level `agentcron` command."""

from __future__ import annotations

import typer

from agentcron import __version__
from agentcron.cli import admin

app = typer.Typer(
    name="agentcron",
    help="Schedule natural-language commands to AI agents.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command()(admin.serve)
app.command()(admin.worker)
app.command()(admin.migrate)
app.add_typer(admin.users_app, name="users")
app.add_typer(admin.tokens_app, name="tokens")


@app.command()
def version() -> None:
    """Print the version. Example: agentcron version"""
    print(__version__)


def main() -> None:
    app()
