"""The API's JSON shapes. Request bodies forbid unknown fields (a typo is named, not
ignored) and check only JSON types: every rule about values lives in the service, which
reports all bad fields at once. Responses are built from the service's results here.
"""

from agentcron.api.schemas.executions import (
    AttemptOut,
    ExecutionDetailOut,
    ExecutionOut,
    ExecutionPage,
)
from agentcron.api.schemas.page import Page
from agentcron.api.schemas.schedules import (
    CREATE_EXAMPLES,
    PreviewOut,
    ScheduleIn,
    ScheduleOut,
    SchedulePage,
    ScheduleReplace,
)
from agentcron.api.schemas.system import (
    AgentOut,
    HealthOut,
    InstanceOut,
    LimitsOut,
    MeIn,
    MeOut,
    ReadyOut,
    ReloadOut,
    StatusOut,
)

__all__ = [
    "CREATE_EXAMPLES",
    "AgentOut",
    "AttemptOut",
    "ExecutionDetailOut",
    "ExecutionOut",
    "ExecutionPage",
    "HealthOut",
    "InstanceOut",
    "LimitsOut",
    "MeIn",
    "MeOut",
    "Page",
    "PreviewOut",
    "ReadyOut",
    "ReloadOut",
    "ScheduleIn",
    "ScheduleOut",
    "SchedulePage",
    "ScheduleReplace",
    "StatusOut",
]
