"""What every command shares: one-line errors on stderr with a non-zero exit code."""

from __future__ import annotations

from typing import NoReturn

import typer

from agentcron.cli.output import console, err_console, text

__all__ = ["EXIT_FAILED", "EXIT_USAGE", "console", "err_console", "fail"]

EXIT_USAGE = 2
EXIT_FAILED = 1


def fail(message: str, code: int = EXIT_FAILED) -> NoReturn:
    """Print one line to stderr and exit non-zero."""
    first = " ".join(str(message).split())
    err_console.print(
        f"[bold red]error:[/] {text(first)}", markup=True, highlight=False, soft_wrap=True
    )
    raise typer.Exit(code)
