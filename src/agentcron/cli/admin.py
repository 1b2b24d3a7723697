"""Local admin commands: they open the database named by the settings, no server needed."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from agentcron.cli.common import EXIT_USAGE, console, fail
from agentcron.cli.local import (
    ANY_ADDRESS,
    browser_url,
    record_server,
    sqlite_file,
    where,
)
from agentcron.errors import AgentcronError

if TYPE_CHECKING:
    from agentcron.config import Settings
    from agentcron.service import UseCases

DatabaseOpt = Annotated[
    str | None,
    typer.Option("--database-url", help="Database URL (default: AGENTCRON_DATABASE_URL)."),
]


def settings_with(database_url: str | None = None, **extra: object) -> Settings:
    from agentcron.config import Settings

    overrides = {k: v for k, v in {"database_url": database_url, **extra}.items() if v is not None}
    return Settings(**overrides)  # type: ignore[arg-type]


@contextlib.contextmanager
def use_cases_of(settings: Settings) -> Iterator[UseCases]:
    """The use cases, as the server builds them, without the agents: admin commands touch
    users and tokens only and start no engine. The store is closed on the way out."""
    from agentcron.service import build_use_cases

    use_cases = build_use_cases(settings, load_agents=False)
    try:
        yield use_cases
    finally:
        use_cases.close()


def migrate(database_url: DatabaseOpt = None) -> None:
    """Create or upgrade the database schema. Safe to run again.

    Example: agentcron migrate --database-url postgresql://postgres@127.0.0.1/agentcron
    """
    from sqlalchemy.exc import SQLAlchemyError

    from agentcron.store.database import Store

    settings = settings_with(database_url)
    database = where(settings.database_url)
    path = sqlite_file(settings.database_url)
    new_file = path is not None and not path.exists()
    store = Store(settings.database_url)
    try:
        before = store.current_revision()
        store.migrate()
        after = store.current_revision()
    except (AgentcronError, SQLAlchemyError) as exc:
        fail(f"could not migrate the database at {database}: {exc}")
    finally:
        store.dispose()
    if new_file:
        said = f"Created the database {database} (schema {after})."
    elif before is None:
        said = f"Created the tables in {database} (schema {after})."
    elif before == after:
        said = f"The database {database} is up to date (schema {after}); nothing to do."
    else:
        said = f"Upgraded the database {database} from schema {before} to {after}."
    console.print(said, highlight=False, soft_wrap=True)


def serve(
    host: Annotated[
        str | None,
        typer.Option(help="Address to listen on (default: AGENTCRON_HOST, 127.0.0.1)."),
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="Port to listen on (default: AGENTCRON_PORT, 8000).")
    ] = None,
    database_url: DatabaseOpt = None,
    workers: Annotated[int, typer.Option(help="Server processes (each also runs the engine).")] = 1,
    no_engine: Annotated[
        bool, typer.Option("--no-engine", help="Serve the API and UI only.")
    ] = False,
) -> None:
    """Run the API, the web UI and the engine in one process.

    Example: agentcron serve --port 8000
    """
    import os

    import uvicorn

    if database_url:
        os.environ["AGENTCRON_DATABASE_URL"] = database_url
    if no_engine:
        os.environ["AGENTCRON_ENGINE_ENABLED"] = "false"
    settings = settings_with(database_url)
    host = settings.host if host is None else host
    port = settings.port if port is None else port
    path = sqlite_file(settings.database_url)
    if path is not None and not path.exists():
        fail(f"no database at {path}; run `agentcron migrate` first (or `make run`)")
    base = settings.public_url.rstrip("/") or browser_url(host, port)
    record_server(settings, base)
    _print_sign_in(settings, base, host)
    from agentcron.serving import uvicorn_options

    uvicorn.run(
        "agentcron.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=settings.log_level.lower(),
        timeout_graceful_shutdown=int(settings.shutdown_grace_s) + 5,
        **uvicorn_options(settings),
    )


def _print_sign_in(settings: Settings, base: str, host: str) -> None:
    """Print the URL and a one-time sign-in link for the first user, as notebook servers do."""
    from agentcron.store.database import Store

    store = Store(settings.database_url)
    try:
        if not store.migrations_current():
            console.print("[yellow]The database schema is behind; run `agentcron migrate`.[/]")
            return
    finally:
        store.dispose()
    with use_cases_of(settings) as use_cases:
        users = use_cases.users
        existing = users.list()
        user = existing[0] if existing else users.create("admin", admin=True)
        link = users.issue_login_link(user)
    console.print(f"\n[bold]agentcron[/] is starting on [link={base}]{base}[/link]")
    if host in ANY_ADDRESS and not settings.public_url:
        console.print(
            "Listening on every address: from another machine use this one's name or address "
            "(set AGENTCRON_PUBLIC_URL to print it here).",
            highlight=False,
            soft_wrap=True,
        )
    console.print(
        f"Sign in as [bold]{user.name}[/] (one-time link, {settings.login_link_ttl_s // 60} min):"
    )
    console.print(f"  {base}/login/link?token={link}", soft_wrap=True, highlight=False)
    console.print(
        f"A new link later: agentcron users login-link {user.name}\n"
        f"An API token for scripts and the CLI: agentcron tokens create {user.name}\n",
        highlight=False,
    )


def worker(database_url: DatabaseOpt = None) -> None:
    """Run the engine alone (no API): start several on one PostgreSQL to scale out.

    Example: agentcron worker --database-url postgresql://postgres@127.0.0.1/agentcron
    """
    from agentcron.logs import configure_logging

    settings = settings_with(database_url)
    configure_logging(settings)
    asyncio.run(_run_worker(settings))


async def _run_worker(settings: Settings) -> None:
    from agentcron.service import build_use_cases

    use_cases = build_use_cases(settings, role="worker")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    use_cases.install_reload_signal()
    await use_cases.start(run_engine=True)
    state = use_cases.engine_state
    if not state.running:
        await use_cases.stop()
        fail(state.refusal or "the engine did not start")
    logging.getLogger("agentcron").info("worker %s running", state.worker_id)
    await stop.wait()
    await use_cases.stop()


def backup(
    path: Annotated[Path, typer.Argument(help="Where to write the copy (a new file).")],
    database_url: DatabaseOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite PATH if it exists.")] = False,
) -> None:
    """Copy the SQLite database while agentcron keeps running (SQLite's online backup).

    For PostgreSQL, use pg_dump. Example: agentcron backup backups/agentcron-$(date +%F).db
    """
    import sqlite3

    from sqlalchemy.engine import make_url

    from agentcron.store.database import create_private_file, normalize_url

    url = make_url(normalize_url(settings_with(database_url).database_url))
    if url.get_backend_name() != "sqlite":
        fail(
            f"backup copies SQLite databases; for {url.get_backend_name()} use pg_dump "
            "(e.g. pg_dump -Fc agentcron > agentcron.dump)",
            EXIT_USAGE,
        )
    source_path = Path(url.database or "")
    if not url.database or url.database == ":memory:" or not source_path.exists():
        fail(f"no SQLite database at {source_path}: check --database-url")
    if path.exists() and not force:
        fail(f"{path} exists; choose a new file or pass --force")
    if path.resolve() == source_path.resolve():
        fail("the backup must not overwrite the database itself")
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    create_private_file(partial)  # a copy of the database: owner-only, as the database
    source = sqlite3.connect(source_path)
    target = sqlite3.connect(partial)
    try:
        source.backup(target)
    except sqlite3.Error as exc:
        target.close()
        partial.unlink(missing_ok=True)
        fail(f"backup failed: {exc}")
    finally:
        source.close()
    target.close()
    partial.replace(path)
    console.print(
        f"backed up {source_path} to {path} ({path.stat().st_size:,} bytes)", highlight=False
    )
