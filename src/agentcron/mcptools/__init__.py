"""The MCP tool set, defined once over `Operations` (the operations the tools need).

Two faces serve it: `mcp_server` at `/mcp` in the app (streamable HTTP, over the use cases)
and the CLI's `agentcron mcp` (stdio, over the REST API as a client). This package sits
beneath both, so neither face imports the other; it knows the SDK, not the service.
"""

from agentcron.mcptools.models import (
    Agent,
    AgentList,
    Attempt,
    Deleted,
    Draft,
    Execution,
    ExecutionDetail,
    ExecutionList,
    Paused,
    Preview,
    Schedule,
    ScheduleList,
)
from agentcron.mcptools.operations import OperationError, Operations, OperationsFor
from agentcron.mcptools.server import build_server

__all__ = [
    "Agent",
    "AgentList",
    "Attempt",
    "Deleted",
    "Draft",
    "Execution",
    "ExecutionDetail",
    "ExecutionList",
    "OperationError",
    "Operations",
    "OperationsFor",
    "Paused",
    "Preview",
    "Schedule",
    "ScheduleList",
    "build_server",
]
