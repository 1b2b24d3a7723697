"""The schema, as typed SQLAlchemy models, one module per concern. Alembic migrations are
written from these and a test proves autogenerate finds no drift between the two; every
table is imported here, so `Base.metadata` is whole wherever this package is imported.
"""

from agentcron.store.tables.accounts import ApiToken, LoginLink, User, WebSession
from agentcron.store.tables.base import (
    NAMING,
    Base,
    ChainOn,
    ExecutionStatus,
    ExecutionTrigger,
    Overlap,
    table_of,
)
from agentcron.store.tables.notify import (
    DeliveryStatus,
    Notice,
    NoticeEvent,
    Notification,
    NotificationChannel,
)
from agentcron.store.tables.runs import (
    AgentGate,
    AgentStart,
    Attempt,
    DailyRollup,
    Execution,
    Instance,
)
from agentcron.store.tables.schedules import ScheduledCommand, ScheduleTag, ScheduleTemplate
from agentcron.store.tables.spend import Budget, BudgetPeriod, BudgetScope, ModelPrice

__all__ = [
    "NAMING",
    "AgentGate",
    "AgentStart",
    "ApiToken",
    "Attempt",
    "Base",
    "Budget",
    "BudgetPeriod",
    "BudgetScope",
    "ChainOn",
    "DailyRollup",
    "DeliveryStatus",
    "Execution",
    "ExecutionStatus",
    "ExecutionTrigger",
    "Instance",
    "LoginLink",
    "ModelPrice",
    "Notice",
    "NoticeEvent",
    "Notification",
    "NotificationChannel",
    "Overlap",
    "ScheduleTag",
    "ScheduleTemplate",
    "ScheduledCommand",
    "User",
    "WebSession",
    "table_of",
]
