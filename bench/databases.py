"""Throwaway databases for the runs, seeded fast, and the check that counts what fired.

SQLite: one migrated template file per session, copied per run. PostgreSQL: one migrated
template database (`agentcron_bench_tpl_*`) cloned per run (`agentcron_bench_*`); every
database made here is dropped at the end, also when a run fails.
"""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, text, update
from sqlalchemy.engine import make_url

from agentcron.store.database import Store, normalize_url
from agentcron.store.tables import Execution, ScheduledCommand, User, table_of

FAR_FUTURE = datetime(2099, 1, 1, tzinfo=UTC)
SCHEDULES_PER_USER = 50
ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo")
AGENTS_TOML = """
[agents.noop]
backend = "python"
callable = "bench.agents:noop"

[agents.echo]
backend = "echo"
"""


@dataclass(frozen=True, slots=True)
class Database:
    kind: str  # sqlite | postgres
    url: str
    name: str


class Databases:
    def __init__(self, workdir: Path, postgres_url: str | None) -> None:
        self.workdir = workdir
        self.postgres_url = normalize_url(postgres_url) if postgres_url else None
        self._sqlite_template: Path | None = None
        self._pg_template: str | None = None
        self._made: list[Database] = []
        self._admin: Any = None

    # -- provisioning -------------------------------------------------------------------------

    def fresh(self, kind: str, *, migrated: bool = True) -> Database:
        """A private, empty database; with the agentcron schema unless `migrated=False`."""
        tag = uuid.uuid4().hex[:10]
        if kind == "sqlite":
            path = self.workdir / f"run-{tag}.db"
            if migrated:
                shutil.copyfile(self._sqlite_tpl(), path)
            db = Database("sqlite", f"sqlite:///{path}", str(path))
        else:
            name = f"agentcron_bench_{tag}"
            template = f' TEMPLATE "{self._pg_tpl()}"' if migrated else ""
            self._admin_exec(f'CREATE DATABASE "{name}"{template}')
            db = Database("postgres", self._pg_url(name), name)
        self._made.append(db)
        return db

    def drop(self, db: Database) -> None:
        if db.kind == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(db.name + suffix).unlink(missing_ok=True)
        else:
            self._admin_exec(f'DROP DATABASE IF EXISTS "{db.name}" WITH (FORCE)')
        if db in self._made:
            self._made.remove(db)

    def close(self) -> None:
        for db in list(self._made):
            try:
                self.drop(db)
            except Exception as exc:  # keep dropping the others
                print(f"warning: could not drop {db.name}: {exc}")
        if self._pg_template:
            self._admin_exec(f'DROP DATABASE IF EXISTS "{self._pg_template}" WITH (FORCE)')
            self._pg_template = None
        if self._admin is not None:
            self._admin.dispose()

    def _sqlite_tpl(self) -> Path:
        if self._sqlite_template is None:
            path = self.workdir / "template.db"
            store = Store(f"sqlite:///{path}")
            store.migrate()
            store.dispose()
            self._sqlite_template = path
        return self._sqlite_template

    def _pg_tpl(self) -> str:
        if self._pg_template is None:
            name = f"agentcron_bench_tpl_{uuid.uuid4().hex[:10]}"
            self._admin_exec(f'CREATE DATABASE "{name}"')
            self._pg_template = name
            store = Store(self._pg_url(name))
            store.migrate()
            store.dispose()
        return self._pg_template

    def _pg_url(self, name: str) -> str:
        if not self.postgres_url:
            raise RuntimeError("PostgreSQL runs need --postgres-url")
        return make_url(self.postgres_url).set(database=name).render_as_string(hide_password=False)

    def _admin_exec(self, sql: str) -> None:
        if self._admin is None:
            if not self.postgres_url:
                raise RuntimeError("PostgreSQL runs need --postgres-url")
            self._admin = create_engine(self.postgres_url, isolation_level="AUTOCOMMIT")
        with self._admin.connect() as conn:
            conn.execute(text(sql))


def write_agents(directory: Path) -> Path:
    path = directory / "agents.toml"
    path.write_text(AGENTS_TOML)
    return path


# -- seeding ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SchedulePlan:
    """N schedules of one kind; schedule i is due at first_at + i * spread_s / count."""

    count: int
    trigger: str = "cron"  # cron | interval | once
    first_at: datetime = FAR_FUTURE
    spread_s: float = 0.0
    interval_minutes: int = 5
    agent: str = "noop"
    misfire_grace_s: int = 3600

    def due_at(self, index: int) -> datetime:
        if not self.spread_s:
            return self.first_at
        return self.first_at + timedelta(seconds=self.spread_s * index / self.count)


def seed_schedules(url: str, plan: SchedulePlan, chunk: int = 10_000) -> list[uuid.UUID]:
    """Bulk insert (as tests/engine/test_processes.py does): thousands of rows a second,
    where the service's one-by-one create would take minutes. Schedules are spread over
    users of at most 50 each, the default cap, as a real installation's would be."""
    store = Store(url)
    now = datetime.now(UTC)
    users = [uuid.uuid4() for _ in range(-(-plan.count // SCHEDULES_PER_USER))]
    schedules, people = table_of(ScheduledCommand), table_of(User)
    try:
        for start in range(0, len(users), chunk):
            with store.write() as session:
                session.execute(
                    people.insert(),
                    [
                        {
                            "id": u,
                            "name": f"bench-{u.hex[:12]}",
                            "timezone": "UTC",
                            "created_at": now,
                        }
                        for u in users[start : start + chunk]
                    ],
                )
        for start in range(0, plan.count, chunk):
            rows = [
                _schedule_row(plan, index, users[index // SCHEDULES_PER_USER], now)
                for index in range(start, min(plan.count, start + chunk))
            ]
            with store.write() as session:
                session.execute(schedules.insert(), rows)
    finally:
        store.dispose()
    return users


def _schedule_row(
    plan: SchedulePlan, index: int, user_id: uuid.UUID, now: datetime
) -> dict[str, Any]:
    due = plan.due_at(index)
    row: dict[str, Any] = {
        "id": uuid.uuid4(),
        "user_id": user_id,
        "agent_id": plan.agent,
        "command_text": f"@{plan.agent} check the nightly build #{index}",
        "description": "",
        "schedule_type": plan.trigger,
        "cron_expression": None,
        "interval_value": None,
        "interval_unit": None,
        "run_at": None,
        "anchor_at": due,
        "timezone": ZONES[index % len(ZONES)],
        "enabled": True,
        "misfire_grace_s": plan.misfire_grace_s,
        "overlap": "skip",
        "max_retries": 3,
        "timeout_s": 600,
        "next_run_at": due,
        "created_at": now,
        "updated_at": now,
    }
    if plan.trigger == "cron":
        row["cron_expression"] = "0 9 * * 1-5"
    elif plan.trigger == "interval":
        row["interval_value"] = plan.interval_minutes
        row["interval_unit"] = "minutes"
        row["timezone"] = "UTC"
    else:
        row["run_at"] = due
    return row


def make_due(store: Store, at: datetime) -> None:
    """Every enabled schedule due at `at`: the burst, set in one statement just before it."""
    table = table_of(ScheduledCommand)
    with store.write() as session:
        session.execute(
            update(table).where(table.c.enabled.is_(True)).values(next_run_at=at, anchor_at=at)
        )
        session.execute(update(table).where(table.c.schedule_type == "once").values(run_at=at))


# -- checking ---------------------------------------------------------------------------------


def burst_outcome(url: str, expected: int, t0: datetime) -> dict[str, Any]:
    """From the rows alone: one finished execution per schedule, none missing, none twice."""
    store = Store(url)
    try:
        with store.read() as session:
            per_schedule = session.execute(
                select(Execution.schedule_id, func.count())
                .where(Execution.scheduled_for == t0)
                .group_by(Execution.schedule_id)
            ).all()
            statuses = dict(
                session.execute(
                    select(Execution.status, func.count()).group_by(Execution.status)
                ).all()
            )
            first_start, last_start, last_finish = session.execute(
                select(
                    func.min(Execution.started_at),
                    func.max(Execution.started_at),
                    func.max(Execution.finished_at),
                )
            ).one()
            lag_ms = list(
                session.scalars(select(Execution.lag_ms).where(Execution.lag_ms.is_not(None)))
            )
            workers = dict(
                session.execute(
                    select(Execution.worker_id, func.count()).group_by(Execution.worker_id)
                ).all()
            )
            schedules = session.scalar(select(func.count()).select_from(ScheduledCommand)) or 0
    finally:
        store.dispose()
    fired = len(per_schedule)
    return {
        "schedules": schedules,
        "executions": sum(count for _, count in per_schedule),
        "duplicates": sum(count - 1 for _, count in per_schedule if count > 1),
        "misses": max(0, expected - fired),
        "statuses": statuses,
        "not_success": sum(v for k, v in statuses.items() if k != "success"),
        "first_start_s": _since(first_start, t0),
        "last_start_s": _since(last_start, t0),
        "last_finish_s": _since(last_finish, t0),
        "row_lags_s": [ms / 1000 for ms in lag_ms],
        "per_worker": {str(k): v for k, v in workers.items()},
    }


def _since(instant: datetime | None, t0: datetime) -> float | None:
    return None if instant is None else (instant - t0).total_seconds()
