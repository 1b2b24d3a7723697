"""How the engine is doing, across every instance: read from the rows, not from memory."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from agentcron.service.context import Services
from agentcron.store import instances
from agentcron.store.status import counts


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


class StatusService:
    def __init__(self, services: Services) -> None:
        self.s = services

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
            **data,
        )
