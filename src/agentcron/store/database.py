"""Engine and session set-up per dialect, and the migration state of a database.

SQLite gets WAL, a busy timeout and `BEGIN IMMEDIATE` for writes, so two writers queue on
the lock instead of failing mid-transaction with "database is locked". PostgreSQL gets
psycopg 3 and pre-ping, so a restarted server costs a retry, not a crash.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext, suppress
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from agentcron.errors import StoreUnavailable

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000


def normalize_url(url: str) -> str:
    """Accept the URLs people paste (`postgres://`, `postgresql://`) and pick our drivers."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", normalize_url(url).replace("%", "%%"))
    return config


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        write = connection.get_execution_options().get("write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def create_private_file(path: Path) -> None:
    """Create `path` empty, readable by its owner only (0600), in a folder made 0700 if it is
    new; what exists keeps its mode. SQLite would create the file under the umask (often
    world-readable), and gives its WAL and shared-memory files the database file's mode."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def make_engine(url: str, *, pool_size: int = 10) -> Engine:
    url = normalize_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            create_private_file(Path(database))
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            pool_size=pool_size,
            max_overflow=pool_size,
        )
        _sqlite_setup(engine)
        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_recycle=1800,
    )


class Store:
    """The database handle every layer above shares: sessions for reads, write transactions.

    `read()` and `write()` are the only ways in. A write on SQLite takes the database lock at
    BEGIN, so the transaction never fails half-way on a lock upgrade. A database that does not
    answer (down, unreachable, a lock held too long, a schema not migrated yet) surfaces as
    `StoreUnavailable`, our own error, so every face shows it in its own form.
    """

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = normalize_url(url)
        self.engine = make_engine(self.url, pool_size=pool_size)
        self.dialect = self.engine.dialect.name
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # SQLite has one writer at a time. Threads of this process queue here, handing the
        # lock over the moment it is free, instead of in SQLite's busy handler, which polls
        # with sleeps of up to 100 ms. Other processes still wait in the busy handler.
        self._write_lock = threading.RLock() if self.dialect == "sqlite" else None

    @property
    def is_postgres(self) -> bool:
        return self.dialect == "postgresql"

    @contextmanager
    def read(self) -> Iterator[Session]:
        try:
            with self._sessions() as session:
                yield session
        except (OperationalError, InterfaceError) as exc:
            raise StoreUnavailable(exc) from exc

    @contextmanager
    def write(self) -> Iterator[Session]:
        lock = self._write_lock
        try:
            with lock if lock is not None else nullcontext(), self._sessions() as session:
                session.connection(execution_options={"write": True})
                try:
                    yield session
                    session.commit()
                except BaseException:
                    session.rollback()
                    raise
        except (OperationalError, InterfaceError) as exc:
            raise StoreUnavailable(exc) from exc

    def dispose(self) -> None:
        self.engine.dispose()

    # -- migrations -------------------------------------------------------------------------

    def migrate(self, revision: str = "head", action: str = "upgrade") -> None:
        """Run Alembic's `action` ("upgrade" or "downgrade") to `revision`. On SQLite the
        foreign keys are off meanwhile: a migration that rebuilds a table (SQLite can alter
        little in place) drops the old one, and with them on, that drop would cascade to
        every row that refers to it, such as a schedule's whole history."""
        with self.engine.connect() as connection:
            raw = connection.connection.driver_connection if self.dialect == "sqlite" else None
            if raw is not None:  # before any BEGIN: SQLite ignores this inside a transaction
                raw.execute("PRAGMA foreign_keys = OFF")
            try:
                config = alembic_config(self.url)
                config.attributes["connection"] = connection
                getattr(command, action)(config, revision)
                connection.commit()
            finally:
                if raw is not None:
                    raw.execute("PRAGMA foreign_keys = ON")

    def current_revision(self) -> str | None:
        try:
            with self.engine.connect() as connection:
                return MigrationContext.configure(connection).get_current_revision()
        except (OperationalError, InterfaceError) as exc:
            raise StoreUnavailable(exc) from exc

    def head_revision(self) -> str | None:
        return ScriptDirectory.from_config(alembic_config(self.url)).get_current_head()

    def migrations_current(self) -> bool:
        return self.current_revision() == self.head_revision()
