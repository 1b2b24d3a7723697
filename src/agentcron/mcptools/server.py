"""One MCP server: the tools and the resources over `Operations`, for either transport.

`MCPServer.__init__` calls `logging.basicConfig`, which on a process without handlers puts
a Rich console handler on the root logger at INFO. agentcron configures its own logging
(`logs.py`), so the root logger is put back exactly as it was after construction.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import (
    ResourceError,
    ResourceNotFoundError,
    ToolError,
    UnexpectedToolError,
)
from mcp_types import CallToolResult, InputRequiredResult
from pydantic import ValidationError

from agentcron import __version__
from agentcron.mcptools.arguments import argument_problems
from agentcron.mcptools.operations import OperationError, OperationsFor
from agentcron.mcptools.texts import refusal
from agentcron.mcptools.tools import register_tools

NAME = "agentcron"
INSTRUCTIONS = """\
agentcron runs commands for AI agents on a schedule ("@alice summarise my inbox every \
weekday at 8am"). Call list_agents to see who can be addressed, preview_schedule to check \
what a sentence means, then create_schedule. Ids may be shortened to a unique prefix. Pause \
rather than delete to keep a schedule's history; read what ran with list_executions and \
get_execution. You act as the user whose token this server was given, and see only their \
schedules."""


class Server(MCPServer):
    """The SDK's server, with refused arguments worded as the API words bad fields."""

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None = None
    ) -> CallToolResult | InputRequiredResult:
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as exc:
            if isinstance(exc, UnexpectedToolError) or not isinstance(
                exc.__cause__, ValidationError
            ):
                raise
            raise ToolError(argument_problems(exc.__cause__)) from exc.__cause__


def build_server(operations_for: OperationsFor) -> MCPServer:
    """The server with every tool and resource; `operations_for(ctx)` says who is calling."""
    with _root_logger_kept():
        server = Server(
            NAME,
            title="agentcron",
            version=__version__,
            instructions=INSTRUCTIONS,
            website_url=None,
        )
    register_tools(server, operations_for)
    _register_resources(server, operations_for)
    return server


def _register_resources(server: MCPServer, operations_for: OperationsFor) -> None:
    @server.resource(
        "agentcron://schedules/{id}",
        name="schedule",
        title="A schedule",
        description="One schedule as JSON: timing, command, agent, next runs.",
        mime_type="application/json",
    )
    async def schedule(id: str, ctx: Context) -> str:
        try:
            return (await operations_for(ctx).schedule(id)).model_dump_json()
        except OperationError as exc:
            raise _resource_error(exc) from None

    @server.resource(
        "agentcron://executions/{id}",
        name="execution",
        title="An execution",
        description="One execution as JSON: status, attempts, output (at most 8 KiB).",
        mime_type="application/json",
    )
    async def execution(id: str, ctx: Context) -> str:
        try:
            detail = await operations_for(ctx).execution(id)
        except OperationError as exc:
            raise _resource_error(exc) from None
        return detail.bounded().model_dump_json()


def _resource_error(exc: OperationError) -> ResourceError:
    text = refusal(exc.detail, exc.understood)
    return ResourceNotFoundError(text) if exc.status == 404 else ResourceError(text)


@contextlib.contextmanager
def _root_logger_kept() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        yield
    finally:
        for handler in list(root.handlers):
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)
