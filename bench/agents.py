"""The agent the benchmarks schedule: does nothing, notes when it was really called.

Configured through agentcron's own `python` backend (`bench.agents:noop`), so the registry,
the runner and the recorder are all the real ones. The execution row's `lag_ms` is the
instant the slot was claimed; the time noted here is when the agent actually ran, which is
the lag a user feels and the one compared with APScheduler's.
"""

from __future__ import annotations

import time
from collections import Counter

from agentcron.agents.base import AgentContext

CALLS: Counter[tuple[str, float]] = Counter()
LAGS_S: list[float] = []
STARTS: list[float] = []
SCHEDULED: list[float] = []  # parallel to LAGS_S and STARTS


def reset() -> None:
    CALLS.clear()
    LAGS_S.clear()
    STARTS.clear()
    SCHEDULED.clear()


async def noop(command: str, context: AgentContext) -> None:
    started = time.time()
    scheduled = context.scheduled_for.timestamp()
    CALLS[(context.schedule_id, scheduled)] += 1
    LAGS_S.append(started - scheduled)
    STARTS.append(started)
    SCHEDULED.append(scheduled)


def duplicate_calls() -> int:
    return sum(count - 1 for count in CALLS.values() if count > 1)
