"""How the engine is doing, across every instance: read from the rows, not from memory."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from agentcron.engine import metrics
from agentcron.errors import NotReady, StoreUnavailable
from agentcron.service.context import Services
from agentcron.store import instances
from agentcron.store.status import counts, enabled_schedules


def percentile(sorted_values: list[int], q: float) -> int | None:
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[index]


@dataclass(frozen=True, slots=True)
class InstanceView:
    id: str
    host: str
    pid: int
    role: str
    version: str
    started_at: datetime
    heartbeat_at: datetime


@dataclass(frozen=True, slots=True)
class EngineStatus:
    now: datetime
    instances: list[InstanceView]
    enabled_schedules: int
    due_now: int
    running: int
    pending: int
    next_due_at: datetime | None
    lag_p50_ms: int | None
    lag_p99_ms: int | None
    executions_last_hour: dict[str, int]
    # This instance: the one answering.
    engine_running: bool = False
    engine_refusal: str = ""
    worker_id: str = ""


@dataclass(frozen=True, slots=True)
class Readiness:
    revision: str | None
    engine: str  # "running", or "off" on an instance that serves without one


@dataclass(slots=True)
class EngineState:
    """What this process's engine is doing: set by the composition root as it starts."""

    worker_id: str
    role: str
    running: bool = False
    refusal: str = ""  # why the engine would not start (a schema behind this version)


class StatusService:
    def __init__(self, services: Services, engine: EngineState) -> None:
        self.s = services
        self.engine = engine

    def status(self) -> EngineStatus:
        now = self.s.clock.now()
        since = now - timedelta(hours=1)
        alive_since = now - timedelta(seconds=self.s.settings.instance_dead_after_s)
        with self.s.store.read() as session:
            data: dict[str, Any] = counts(session, now, since)
            alive = instances.alive(session, alive_since)
            views = [
                InstanceView(i.id, i.host, i.pid, i.role, i.version, i.started_at, i.heartbeat_at)
                for i in alive
            ]
        lags: list[int] = data.pop("lags_ms")
        return EngineStatus(
            now=now,
            instances=views,
            lag_p50_ms=percentile(lags, 0.50),
            lag_p99_ms=percentile(lags, 0.99),
            engine_running=self.engine.running,
            engine_refusal=self.engine.refusal,
            worker_id=self.engine.worker_id,
            **data,
        )

    def readiness(self) -> Readiness:
        """The database answers and its schema is this version's; else NotReady saying which.

        The reason names no URL or password: it is shown to whoever asks /readyz."""
        store = self.s.store
        try:
            current = store.current_revision()
        except StoreUnavailable as exc:
            raise NotReady(f"the database is unreachable ({exc.cause_name})") from exc
        head = store.head_revision()
        if current != head:
            raise NotReady(
                f"the database schema is at revision {current}, this version needs {head}; "
                "run `agentcron migrate`"
            )
        if self.engine.refusal:
            raise NotReady(self.engine.refusal)
        return Readiness(current, "running" if self.engine.running else "off")

    def refresh_active_schedules(self) -> int:
        """Count the enabled schedules and publish the count as the metrics gauge (on each
        scrape: the rows are the truth, whichever instance changed them)."""
        with self.s.store.read() as session:
            count = enabled_schedules(session)
        metrics.ACTIVE_SCHEDULES.set(count)
        return count
