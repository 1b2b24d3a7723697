"""Fixtures every test may use: a migrated store on SQLite and (where marked) PostgreSQL,
a clock the test moves, and the anyio backend.

SQLite: one database is migrated per session and copied per test. PostgreSQL: one template
database is migrated per session; each test gets a fresh database cloned from it, so
concurrency tests with real processes see a real, private database.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from agentcron.engine.clock import ManualClock
from agentcron.store.database import Store, normalize_url

# The CLI's Rich consoles take their width when first imported; pytest-xdist's workers run
# with COLUMNS=80. One width everywhere keeps the CLI's printed lines comparable.
os.environ["COLUMNS"] = "200"

PG_ENV = "AGENTCRON_TEST_POSTGRES_URL"
START = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def _pg_base_url() -> str | None:
    url = os.environ.get(PG_ENV)
    if url:
        return normalize_url(url)
    if os.environ.get("REQUIRE_POSTGRES") == "1":
        pytest.fail(f"REQUIRE_POSTGRES=1 but {PG_ENV} is not set", pytrace=False)
    return None


def _admin(url: str):  # type: ignore[no-untyped-def]
    return create_engine(url, isolation_level="AUTOCOMMIT")


class PostgresDatabases:
    """Creates and drops throwaway databases on the test server."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.admin = _admin(base_url)
        self.template = f"agentcron_tpl_{uuid.uuid4().hex[:10]}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.template}"'))
        store = Store(self.url_for(self.template))
        store.migrate()
        store.dispose()

    def url_for(self, name: str) -> str:
        return make_url(self.base_url).set(database=name).render_as_string(hide_password=False)

    def create(self) -> str:
        name = f"agentcron_t_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"'))
        return name

    def drop(self, name: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def close(self) -> None:
        self.drop(self.template)
        self.admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "agentcron.db"
    store = Store(f"sqlite:///{path}")
    store.migrate()
    store.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[PostgresDatabases]:
    base = _pg_base_url()
    if base is None:
        pytest.skip(f"PostgreSQL tests need {PG_ENV} (e.g. postgresql://postgres@127.0.0.1/test)")
    databases = PostgresDatabases(base)
    yield databases
    databases.close()


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "agentcron.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def postgres_url(postgres_databases: PostgresDatabases) -> Iterator[str]:
    name = postgres_databases.create()
    yield postgres_databases.url_for(name)
    postgres_databases.drop(name)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """A migrated, private database on each dialect."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(fixture))


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    store = Store(database_url)
    yield store
    store.dispose()


@pytest.fixture
def sqlite_store(sqlite_url: str) -> Iterator[Store]:
    store = Store(sqlite_url)
    yield store
    store.dispose()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
