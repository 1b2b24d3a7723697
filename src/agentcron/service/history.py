"""Reading what happened: executions of a schedule, one execution with its attempts."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from agentcron.errors import InvalidInput, NotFound
from agentcron.service.context import Services
from agentcron.service.handles import parse_id
from agentcron.store import executions as repo
from agentcron.store import schedules
from agentcron.store.tables import Attempt, Execution, ExecutionStatus, User

STATUSES = {s.value for s in ExecutionStatus}


@dataclass(frozen=True, slots=True)
class ExecutionDetail:
    execution: Execution
    attempts: Sequence[Attempt]


class HistoryService:
    def __init__(self, services: Services) -> None:
        self.s = services

    def for_schedule(
        self,
        user: User,
        schedule_id: uuid.UUID | str,
        *,
        statuses: Sequence[str] | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> tuple[Sequence[Execution], int]:
        _check_statuses(statuses)
        ident = parse_id(schedule_id, "schedule")
        with self.s.store.read() as session:
            if schedules.get(session, user.id, ident) is None:
                raise NotFound("schedule", schedule_id)
            return repo.for_schedule(
                session, user.id, ident, statuses=statuses, offset=offset, limit=limit
            )

    def recent(
        self,
        user: User,
        *,
        statuses: Sequence[str] | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> tuple[Sequence[Execution], int]:
        """Executions of every schedule of the user's, newest first."""
        _check_statuses(statuses)
        with self.s.store.read() as session:
            return repo.for_user(session, user.id, statuses=statuses, offset=offset, limit=limit)

    def get(self, user: User, execution_id: uuid.UUID | str) -> ExecutionDetail:
        ident = parse_id(execution_id, "execution")
        with self.s.store.read() as session:
            row = repo.get(session, user.id, ident)
            if row is None:
                raise NotFound("execution", execution_id)
            return ExecutionDetail(row, repo.attempts(session, ident))


def _check_statuses(statuses: Sequence[str] | None) -> None:
    unknown = [s for s in statuses or () if s not in STATUSES]
    if unknown:
        raise InvalidInput.one(
            "status",
            f"unknown status {unknown[0]!r}",
            f"use one of {', '.join(sorted(STATUSES))}",
        )
