"""What every command shares: one-line errors on stderr with a non-zero exit code."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape

console = Console()
err_console = Console(stderr=True)

EXIT_USAGE = 2
EXIT_FAILED = 1


def fail(message: str, code: int = EXIT_FAILED) -> NoReturn:
    """Print one line to stderr and exit non-zero."""
    first = " ".join(str(message).split())
    err_console.print(
        f"[bold red]error:[/] {escape(first)}", markup=True, highlight=False, soft_wrap=True
    )
    raise typer.Exit(code)
