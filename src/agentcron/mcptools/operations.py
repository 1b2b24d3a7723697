"""The operations the tools need, as one protocol, and the one error they may raise.

Two adapters implement it: over the use cases in this process (`mcp_server`, for `/mcp`)
and over the REST API as a client (the CLI, for `agentcron mcp` on stdio). Either way the
rules that apply are the server's: the adapters translate, the service decides. Each adapter
is bound to one caller, so nothing here takes a user.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from agentcron.mcptools.models import (
    AgentList,
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


class OperationError(Exception):
    """A refusal worded for the caller, exactly as the API words it (`detail`), with what
    was understood of a refused sentence. The tools turn it into a tool error; any other
    exception is a bug, which the SDK logs and hides."""

    def __init__(
        self, detail: str, *, status: int = 400, understood: dict[str, Any] | None = None
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status  # as the API would answer: 404 for a missing or foreign id …
        self.understood = understood


class Operations(Protocol):
    """Schedule ids may be full ids or unique prefixes of one; execution ids are full ids.
    Every method raises OperationError when the server refuses."""

    async def agents(self) -> AgentList: ...

    async def preview(self, draft: Draft) -> Preview: ...

    async def create(self, draft: Draft) -> Schedule: ...

    async def schedules(
        self, *, agent: str | None, enabled: bool | None, query: str | None, limit: int
    ) -> ScheduleList: ...

    async def schedule(self, ident: str) -> Schedule: ...

    async def update(self, ident: str, draft: Draft) -> Schedule: ...

    async def pause(self, ident: str, *, note: str | None, until: datetime | None) -> Paused: ...

    async def resume(self, ident: str) -> Schedule: ...

    async def delete(self, ident: str) -> Deleted: ...

    async def run_now(self, ident: str) -> Execution: ...

    async def executions(
        self, *, schedule: str | None, statuses: list[str] | None, limit: int
    ) -> ExecutionList: ...

    async def execution(self, ident: str) -> ExecutionDetail: ...


OperationsFor = Callable[[Any], Operations]
"""Who is calling, from the tool call's `Context`: the face decides (the authenticated user
of the HTTP request, or the one token a stdio server runs with)."""
