"""`Operations` over the REST API, as the token's user: what `agentcron mcp` serves.

The server's rules apply because the server answers: each operation is one or two API calls,
and a refusal carries the problem's own `detail` (and, for a refused sentence, what was
understood), so a tool error reads exactly as it does at `/mcp`. Short ids are resolved here,
as the CLI resolves them, with the service's words when none or several match.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import anyio.to_thread

from agentcron.cli.client import ApiClient, ApiError
from agentcron.cli.remote import SCHEDULES, all_schedules
from agentcron.errors import AmbiguousId, NotFound
from agentcron.mcptools import (
    Agent,
    AgentList,
    Deleted,
    Draft,
    Execution,
    ExecutionDetail,
    ExecutionList,
    OperationError,
    Paused,
    Preview,
    Schedule,
    ScheduleList,
)

T = TypeVar("T")
_HEX = re.compile(r"[0-9a-fA-F-]{1,36}")


class RemoteOperations:
    def __init__(self, client: ApiClient) -> None:
        self.client = client

    async def agents(self) -> AgentList:
        items = await self._call(lambda: self.client.get("/api/agents"))
        return AgentList(agents=[Agent.model_validate(item) for item in items])

    async def preview(self, draft: Draft) -> Preview:
        body = _body(draft)
        return Preview.model_validate(
            await self._call(lambda: self.client.post("/api/schedules/preview", body))
        )

    async def create(self, draft: Draft) -> Schedule:
        body = _body(draft)
        return Schedule.model_validate(await self._call(lambda: self.client.post(SCHEDULES, body)))

    async def schedules(
        self, *, agent: str | None, enabled: bool | None, query: str | None, limit: int
    ) -> ScheduleList:
        page = await self._call(
            lambda: self.client.get(
                SCHEDULES, agent_id=agent, enabled=enabled, q=query, limit=limit
            )
        )
        return ScheduleList.model_validate(page)

    async def schedule(self, ident: str) -> Schedule:
        return Schedule.model_validate(
            await self._call(lambda: self.client.get(f"{SCHEDULES}/{self._id(ident)}"))
        )

    async def update(self, ident: str, draft: Draft) -> Schedule:
        body = _body(draft)
        return Schedule.model_validate(
            await self._call(lambda: self.client.patch(f"{SCHEDULES}/{self._id(ident)}", body))
        )

    async def pause(self, ident: str, *, note: str | None, until: datetime | None) -> Paused:
        wanted = {
            "note": note,
            "until": until.isoformat() if until is not None else None,
        }
        body = await self._call(
            lambda: self.client.post(f"{SCHEDULES}/{self._id(ident)}/disable", wanted)
        )
        return Paused.model_validate(body)

    async def resume(self, ident: str) -> Schedule:
        return Schedule.model_validate(
            await self._call(lambda: self.client.post(f"{SCHEDULES}/{self._id(ident)}/enable"))
        )

    async def delete(self, ident: str) -> Deleted:
        def delete() -> Deleted:
            schedule_id = self._id(ident)
            found = self.client.get(f"{SCHEDULES}/{schedule_id}")
            self.client.delete(f"{SCHEDULES}/{schedule_id}")
            return Deleted(id=schedule_id, command_text=str(found.get("command_text", "")))

        return await self._call(delete)

    async def run_now(self, ident: str) -> Execution:
        return Execution.model_validate(
            await self._call(lambda: self.client.post(f"{SCHEDULES}/{self._id(ident)}/execute"))
        )

    async def executions(
        self, *, schedule: str | None, statuses: list[str] | None, limit: int
    ) -> ExecutionList:
        def listed() -> Any:
            if schedule is None:
                return self.client.get("/api/executions", status=statuses, limit=limit)
            path = f"{SCHEDULES}/{self._id(schedule)}/executions"
            return self.client.get(path, status=statuses, limit=limit)

        return ExecutionList.model_validate(await self._call(listed))

    async def execution(self, ident: str) -> ExecutionDetail:
        try:
            execution_id = str(uuid.UUID(ident))
        except ValueError:
            # An id that is not one names nothing, as the service says.
            raise OperationError(NotFound("execution", ident).detail, status=404) from None
        return ExecutionDetail.model_validate(
            await self._call(lambda: self.client.get(f"/api/executions/{execution_id}"))
        )

    # -- mechanics ----------------------------------------------------------------------------

    def _id(self, ident: str) -> str:
        """A full id as given; else the one schedule whose id starts with `ident` (blocking:
        called inside `_call`'s thread)."""
        try:
            return str(uuid.UUID(ident))
        except ValueError:
            pass
        if not _HEX.fullmatch(ident or ""):
            raise OperationError(NotFound("schedule", ident).detail, status=404)
        wanted = ident.replace("-", "").lower()
        matches = [
            str(s["id"])
            for s in all_schedules(self.client)
            if str(s["id"]).replace("-", "").startswith(wanted)
        ]
        if not matches:
            raise OperationError(NotFound("schedule", ident).detail, status=404)
        if len(matches) > 1:
            raise OperationError(AmbiguousId("schedule", ident, len(matches)).detail, status=409)
        return matches[0]

    async def _call(self, call: Callable[[], T]) -> T:
        try:
            return await anyio.to_thread.run_sync(call)
        except ApiError as exc:
            problem = exc.problem or {}
            detail = problem.get("detail") if exc.status != 401 else None
            raise OperationError(
                str(detail) if detail else exc.message,
                status=exc.status or 503,
                understood=problem.get("understood"),
            ) from None


def _body(draft: Draft) -> dict[str, Any]:
    return {
        name: value.isoformat() if isinstance(value, datetime) else value
        for name, value in draft.given().items()
    }
