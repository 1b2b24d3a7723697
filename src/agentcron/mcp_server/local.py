"""`Operations` over the use cases in this process, as one user: what `/mcp` serves.

Every call is one service call (or a resolve of a short id and one call), run in a worker
thread as FastAPI runs the API's routes, so the rules, limits and words are the API's. The
service's errors become `OperationError`s carrying their own detail.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

import anyio.to_thread

from agentcron.errors import AgentcronError, InvalidInput
from agentcron.mcptools import (
    Agent,
    AgentList,
    Attempt,
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
from agentcron.service.history import ExecutionDetail as Detail
from agentcron.service.models import Execution as ExecutionRow
from agentcron.service.models import ScheduleFilter, User
from agentcron.service.schedules import Preview as PreviewView
from agentcron.service.schedules import ScheduleDraft, ScheduleView
from agentcron.service.usecases import UseCases

T = TypeVar("T")


class LocalOperations:
    def __init__(self, use_cases: UseCases, user: User) -> None:
        self.uc = use_cases
        self.user = user

    async def agents(self) -> AgentList:
        infos = await _run(self.uc.agents.infos)
        return AgentList(
            agents=[
                Agent(handle=i.handle, name=i.name, description=i.description, backend=i.backend)
                for i in infos
            ]
        )

    async def preview(self, draft: Draft) -> Preview:
        return preview_of(await _run(lambda: self.uc.schedules.preview(self.user, _draft(draft))))

    async def create(self, draft: Draft) -> Schedule:
        view = await _run(lambda: self.uc.schedules.create(self.user, _draft(draft)))
        return schedule_of(view)

    async def schedules(
        self, *, agent: str | None, enabled: bool | None, query: str | None, limit: int
    ) -> ScheduleList:
        where = ScheduleFilter(agent_id=agent, enabled=enabled, search=query)
        views, total = await _run(lambda: self.uc.schedules.list(self.user, where, limit=limit))
        return ScheduleList(items=[schedule_of(v) for v in views], total=total)

    async def schedule(self, ident: str) -> Schedule:
        return schedule_of(await _run(lambda: self.uc.schedules.resolve(self.user, ident)))

    async def update(self, ident: str, draft: Draft) -> Schedule:
        def update() -> ScheduleView:
            found = self._id(ident)
            return self.uc.schedules.update(self.user, found, _draft(draft))

        return schedule_of(await _run(update))

    async def pause(self, ident: str, *, note: str | None, until: datetime | None) -> Paused:
        view = await _run(
            lambda: self.uc.pauses.pause(self.user, self._id(ident), note=note, until=until)
        )
        row = view.row
        return Paused(
            **schedule_of(view).model_dump(),
            paused_note=row.paused_note,
            paused_until=row.paused_until,
        )

    async def resume(self, ident: str) -> Schedule:
        view = await _run(lambda: self.uc.schedules.set_enabled(self.user, self._id(ident), True))
        return schedule_of(view)

    async def delete(self, ident: str) -> Deleted:
        def delete() -> Deleted:
            row = self.uc.schedules.resolve(self.user, ident).row
            self.uc.schedules.delete(self.user, row.id)
            return Deleted(id=str(row.id), command_text=row.command_text)

        return await _run(delete)

    async def run_now(self, ident: str) -> Execution:
        row = await _run(lambda: self.uc.schedules.run_now(self.user, self._id(ident)))
        return execution_of(row)

    async def executions(
        self, *, schedule: str | None, statuses: list[str] | None, limit: int
    ) -> ExecutionList:
        history = self.uc.history

        def listed() -> tuple[Sequence[ExecutionRow], int]:
            if schedule is None:
                return history.recent(self.user, statuses=statuses, limit=limit)
            found = self._id(schedule)
            return history.for_schedule(self.user, found, statuses=statuses, limit=limit)

        rows, total = await _run(listed)
        return ExecutionList(items=[execution_of(r) for r in rows], total=total)

    async def execution(self, ident: str) -> ExecutionDetail:
        return detail_of(await _run(lambda: self.uc.history.get(self.user, ident)))

    def _id(self, ident: str) -> uuid.UUID:
        """A full id, or the one schedule a short id names (the service resolves it)."""
        return self.uc.schedules.resolve(self.user, ident).row.id


async def _run(call: Callable[[], T]) -> T:
    try:
        return await anyio.to_thread.run_sync(call)
    except AgentcronError as exc:
        understood = exc.understood if isinstance(exc, InvalidInput) else None
        raise OperationError(exc.detail, status=exc.status, understood=understood) from None


def _draft(draft: Draft) -> ScheduleDraft:
    return ScheduleDraft(**draft.given())


def schedule_of(view: ScheduleView) -> Schedule:
    row = view.row
    return Schedule(
        id=str(row.id),
        key=row.key,
        agent_id=row.agent_id,
        command_text=row.command_text,
        description=row.description,
        schedule_type=row.schedule_type,
        cron_expression=row.cron_expression,
        interval_value=row.interval_value,
        interval_unit=row.interval_unit,
        run_at=row.run_at,
        timezone=row.timezone,
        schedule_text=view.description_text,
        enabled=row.enabled,
        next_runs=view.next_runs,
        last_run_at=row.last_run_at,
        last_status=row.last_status,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def preview_of(preview: PreviewView) -> Preview:
    spec = preview.spec
    return Preview(
        schedule_type=spec.schedule_type.value,
        cron_expression=spec.cron_expression,
        interval_value=spec.interval_value,
        interval_unit=spec.interval_unit.value if spec.interval_unit else None,
        run_at=spec.run_at,
        timezone=spec.timezone,
        schedule_text=preview.description,
        next_runs=preview.next_runs,
        agent_id=preview.agent_id,
        command_text=preview.command_text,
    )


def execution_of(row: ExecutionRow) -> Execution:
    return Execution.model_validate(_execution_fields(row))


def detail_of(detail: Detail) -> ExecutionDetail:
    row = detail.execution
    attempts = [
        Attempt(
            number=a.number,
            status=a.status,
            started_at=a.started_at,
            finished_at=a.finished_at,
            duration_ms=a.duration_ms,
            error_message=a.error_message,
        )
        for a in detail.attempts
    ]
    return ExecutionDetail.model_validate(
        {
            **_execution_fields(row),
            "output": row.output,
            "steps": detail.steps,
            "attempts": attempts,
        }
    )


def _execution_fields(row: ExecutionRow) -> dict[str, object]:
    return {
        "id": str(row.id),
        "schedule_id": str(row.schedule_id),
        "agent_id": row.agent_id,
        "trigger": row.trigger,
        "scheduled_for": row.scheduled_for,
        "status": row.status,
        "attempt": row.attempt,
        "missed_count": row.missed_count,
        "created_at": row.created_at,
        "started_at": row.started_at,
        "finished_at": row.finished_at,
        "next_attempt_at": row.next_attempt_at,
        "duration_ms": row.duration_ms,
        "tokens_used": row.tokens_used,
        "input_tokens": row.input_tokens,
        "output_tokens": row.output_tokens,
        "llm_calls": row.llm_calls,
        "cost_usd": row.cost_usd,
        "model": row.model,
        "result_summary": row.result_summary,
        "error_message": row.error_message,
        "error_code": row.error_code,
    }
