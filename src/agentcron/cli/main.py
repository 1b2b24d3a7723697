"""The top-level `agentcron` command: every subcommand, grouped as `--help` shows them."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import typer

from agentcron import __version__
from agentcron.cli import (
    account,
    admin,
    mcp,
    organise,
    people,
    runs,
    schedules,
    sentences,
    transfer,
    watch,
)
from agentcron.cli import output as out
from agentcron.cli.agents import agents_app
from agentcron.cli.channels import channels_app
from agentcron.cli.common import EXIT_USAGE, err_console
from agentcron.cli.me import me_app
from agentcron.cli.usage import budgets_app, prices_app, usage

SCHEDULES = "Schedules"
WATCH = "Watch"
SETUP = "Setup & admin"

app = typer.Typer(
    name="agentcron",
    help=(
        "Schedule natural-language commands to AI agents.\n\n"
        "Start a server (`agentcron serve`), sign in (`agentcron login`), then: "
        'agentcron add "@alice check deprecated models every weekday at 9am"'
    ),
    epilog="Client commands take --url/AGENTCRON_URL and --token/AGENTCRON_TOKEN. "
    "Read commands take --json.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

Command = Callable[..., Any]
schedule_commands: list[Command] = [
    schedules.add,
    schedules.ls,
    schedules.show,
    schedules.edit,
    schedules.enable,
    schedules.disable,
    schedules.rm,
    runs.run,
    sentences.parse,
]
for command in schedule_commands:
    app.command(rich_help_panel=SCHEDULES)(command)
app.command(rich_help_panel=SCHEDULES)(organise.bulk)
app.command(rich_help_panel=SCHEDULES)(organise.backfill)
app.command("export", rich_help_panel=SCHEDULES)(transfer.export)
app.command("import", rich_help_panel=SCHEDULES)(transfer.import_)

watch_commands: list[Command] = [runs.history, watch.status, watch.tail]
for command in watch_commands:
    app.command(rich_help_panel=WATCH)(command)
app.command("show-run", rich_help_panel=WATCH)(runs.show_run)
app.command("usage", rich_help_panel=WATCH)(usage)

setup_commands: list[Command] = [
    account.login,
    account.logout,
    admin.serve,
    admin.worker,
    admin.migrate,
    admin.backup,
    mcp.mcp,
]
for command in setup_commands:
    app.command(rich_help_panel=SETUP)(command)
app.add_typer(organise.templates_app, name="templates", rich_help_panel=SCHEDULES)
app.add_typer(channels_app, name="channels", rich_help_panel=WATCH)
app.add_typer(budgets_app, name="budgets", rich_help_panel=WATCH)
app.add_typer(prices_app, name="prices", rich_help_panel=SETUP)
app.add_typer(me_app, name="me", rich_help_panel=SETUP)
app.add_typer(agents_app, name="agents", rich_help_panel=SETUP)
app.add_typer(people.users_app, name="users", rich_help_panel=SETUP)
app.add_typer(people.tokens_app, name="tokens", rich_help_panel=SETUP)


@app.command(rich_help_panel=SETUP)
def version() -> None:
    """Print the version. Example: agentcron version"""
    print(__version__)


def main() -> None:
    """The console script: usage mistakes become one line on stderr too, not a framed box."""
    try:
        code = app(standalone_mode=False)
    except typer.TyperException as exc:  # Typer's (vendored) click errors derive from it
        if type(exc).__name__ == "NoArgsIsHelpError":  # the help was printed already
            sys.exit(0)
        message = " ".join(exc.format_message().split())
        ctx = getattr(exc, "ctx", None)
        if ctx is not None:
            message += f" (see `{ctx.command_path} --help`)"
        err_console.print(
            f"[bold red]error:[/] {out.text(message)}", highlight=False, soft_wrap=True
        )
        code = getattr(exc, "exit_code", EXIT_USAGE)
    except typer.Abort:
        err_console.print("aborted")
        code = 130
    sys.exit(code if isinstance(code, int) else 0)
