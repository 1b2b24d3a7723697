"""The values the service hands to its callers, named where the callers can import them.

The API, the web UI and the CLI depend on the service, not on the store or the engine; the
rows and enums below are what service functions return and accept, so they are re-exported
here, and the interfaces import them from this module only.
"""

from __future__ import annotations

from agentcron.engine.clock import Clock
from agentcron.engine.events import Event, EventBus
from agentcron.store.schedules import ScheduleFilter
from agentcron.store.tables import (
    Attempt,
    Execution,
    ExecutionStatus,
    ExecutionTrigger,
    Overlap,
    ScheduledCommand,
    ScheduleTemplate,
    User,
)
from agentcron.timing import IntervalUnit, ScheduleType

__all__ = [
    "Attempt",
    "Clock",
    "Event",
    "EventBus",
    "Execution",
    "ExecutionStatus",
    "ExecutionTrigger",
    "IntervalUnit",
    "Overlap",
    "ScheduleFilter",
    "ScheduleTemplate",
    "ScheduleType",
    "ScheduledCommand",
    "User",
]
