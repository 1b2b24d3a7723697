"""The values the service hands to its callers, named where the callers can import them.

The API, the web UI and the CLI depend on the service, not on the store or the engine; the
rows and enums below are what service functions return and accept, so they are re-exported
here, and the interfaces import them from this module only.
"""

from __future__ import annotations

from agentcron.engine.events import Event, EventBus
from agentcron.store.schedules import ScheduleFilter
from agentcron.store.tables import (
    Attempt,
    Execution,
    ExecutionStatus,
    Overlap,
    ScheduledCommand,
    Trigger,
    User,
)
from agentcron.timing import IntervalUnit, ScheduleType

__all__ = [
    "Attempt",
    "Event",
    "EventBus",
    "Execution",
    "ExecutionStatus",
    "IntervalUnit",
    "Overlap",
    "ScheduleFilter",
    "ScheduleType",
    "ScheduledCommand",
    "Trigger",
    "User",
]
