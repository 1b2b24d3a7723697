"""APScheduler 3.11, the in-process scheduler people compare us with, driven the same way.

Jobs call `fire`, which returns the instant it started; an EXECUTED listener pairs that with
the run time APScheduler meant, so lag is measured exactly as ours (start minus slot). Every
way APScheduler has of not running a job (missed, max instances, error) is counted, and
`misfire_grace_time=None` ("run however late") keeps it from dropping any silently.

A durable store is seeded as our tables are: a bulk insert of rows in its own format (the
pickled job state it writes itself), not one `add_job` commit at a time.
"""

from __future__ import annotations

import pickle
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    JobExecutionEvent,
    JobSubmissionEvent,
)
from apscheduler.job import Job
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine, create_engine, event

FIRE_REF = "bench.peers:fire"
_UTC_SCHEDULER = SimpleNamespace(timezone=UTC)  # all a Job built outside a scheduler needs
JOB_DEFAULTS = {"misfire_grace_time": None, "coalesce": False, "max_instances": 1}


def fire() -> float:
    """The job: do nothing, say when it started."""
    return time.time()


def peer_engine(url: str, *, tuned: bool = True) -> Engine:
    """SQLite gets the same WAL + synchronous=NORMAL as agentcron's store, so both pay the
    same price for durability (`tuned=False`: SQLite's own defaults, rollback journal and
    synchronous=FULL, as APScheduler runs out of the box); PostgreSQL goes through
    psycopg 3 like ours."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    engine = create_engine(url)
    if engine.dialect.name == "sqlite" and tuned:

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.close()

    return engine


def make_trigger(kind: str, index: int, *, anchor: datetime, interval_s: int) -> BaseTrigger:
    zones = ("UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo")
    if kind == "cron":
        return CronTrigger.from_crontab("0 9 * * 1-5", timezone=zones[index % len(zones)])
    if kind == "interval":
        return IntervalTrigger(seconds=interval_s, start_date=anchor, timezone=UTC)
    return DateTrigger(run_date=anchor, timezone=UTC)


@dataclass(frozen=True, slots=True)
class JobPlan:
    """Which jobs to create: job i first runs at first_at + i * spread_s / count."""

    count: int
    trigger: str  # cron | interval | once
    first_at: datetime
    spread_s: float = 0.0
    interval_s: int = 300

    def run_time(self, index: int) -> datetime:
        if not self.spread_s:
            return self.first_at
        return self.first_at + timedelta(seconds=self.spread_s * index / self.count)

    def jobs(
        self, start: int = 0, stop: int | None = None, offset: int = 0, prefix: str = "job-"
    ) -> list[Job]:
        jobs = []
        for index in range(start, self.count if stop is None else min(stop, self.count)):
            at = self.run_time(index)
            trigger = make_trigger(self.trigger, index, anchor=at, interval_s=self.interval_s)
            jobs.append(
                Job(
                    _UTC_SCHEDULER,
                    id=f"{prefix}{index + offset:08d}",
                    func=FIRE_REF,
                    trigger=trigger,
                    executor="default",
                    args=(),
                    kwargs={},
                    name="bench",
                    next_run_time=at,
                    **JOB_DEFAULTS,
                )
            )
        return jobs


def seed_sqlalchemy_store(
    url: str,
    plan: JobPlan,
    chunk: int = 5000,
    offset: int = 0,
    prefix: str = "job-",
    tuned: bool = True,
) -> None:
    """Rows exactly as SQLAlchemyJobStore.add_job writes them, inserted a chunk at a time."""
    engine = peer_engine(url, tuned=tuned)
    store = SQLAlchemyJobStore(engine=engine)
    store.jobs_t.create(engine, checkfirst=True)
    with engine.begin() as conn:
        for first in range(0, plan.count, chunk):
            rows = [
                {
                    "id": job.id,
                    "next_run_time": job.next_run_time.timestamp(),
                    "job_state": pickle.dumps(job.__getstate__(), pickle.HIGHEST_PROTOCOL),
                }
                for job in plan.jobs(first, first + chunk, offset, prefix)
            ]
            conn.execute(store.jobs_t.insert(), rows)
    engine.dispose()


@dataclass
class Tally:
    """What the listener saw; guarded by a lock because executor threads report."""

    calls: Counter[tuple[str, float]] = field(default_factory=Counter)
    lags_s: list[float] = field(default_factory=list)
    starts: list[float] = field(default_factory=list)
    missed: int = 0
    errors: int = 0
    max_instances: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def fired(self) -> int:
        return len(self.lags_s)

    def listener(self, ev: Any) -> None:
        with self.lock:
            if isinstance(ev, JobExecutionEvent):
                if ev.code == EVENT_JOB_EXECUTED:
                    scheduled = ev.scheduled_run_time.timestamp()
                    self.calls[(ev.job_id, scheduled)] += 1
                    self.lags_s.append(ev.retval - scheduled)
                    self.starts.append(ev.retval)
                elif ev.code == EVENT_JOB_MISSED:
                    self.missed += 1
                else:
                    self.errors += 1
            elif isinstance(ev, JobSubmissionEvent):
                self.max_instances += 1

    @property
    def duplicates(self) -> int:
        return sum(count - 1 for count in self.calls.values() if count > 1)


def build_scheduler(store: str, url: str | None, tally: Tally) -> BackgroundScheduler:
    """The usual set-up: BackgroundScheduler, its default thread pool (10 threads). store:
    memory, sqlalchemy, or sqlalchemy-defaults (SQLite left at its own settings)."""
    if store == "memory":
        jobstore: Any = MemoryJobStore()
    else:
        engine = peer_engine(url or "", tuned=store != "sqlalchemy-defaults")
        jobstore = SQLAlchemyJobStore(engine=engine)
    scheduler = BackgroundScheduler(
        jobstores={"default": jobstore}, job_defaults=dict(JOB_DEFAULTS), timezone=UTC
    )
    scheduler.add_listener(
        tally.listener,
        EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES,
    )
    return scheduler


def add_jobs_in_memory(scheduler: BackgroundScheduler, plan: JobPlan) -> None:
    """The memory store cannot be seeded from outside: jobs go in through add_job, while the
    scheduler is paused so none fires before the clock starts."""
    for index in range(plan.count):
        at = plan.run_time(index)
        scheduler.add_job(
            FIRE_REF,
            trigger=make_trigger(plan.trigger, index, anchor=at, interval_s=plan.interval_s),
            id=f"job-{index:08d}",
            name="bench",
            next_run_time=at,
            replace_existing=False,
        )


def wait_until(condition: Any, timeout_s: float, poll_s: float = 0.01) -> bool:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(poll_s)
    return True


def now_utc() -> datetime:
    return datetime.now(UTC)
