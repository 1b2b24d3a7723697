"""What routes are handed: the use cases, built once per app, and the caller."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, cast

from fastapi import Depends, Request

from agentcron.errors import InvalidInput
from agentcron.service.history import HistoryService
from agentcron.service.models import User
from agentcron.service.schedules import ScheduleService
from agentcron.service.status import StatusService
from agentcron.service.users import UserService

if TYPE_CHECKING:
    from agentcron.app import Runtime


@dataclass(frozen=True, slots=True)
class Api:
    runtime: Runtime
    schedules: ScheduleService
    history: HistoryService
    status: StatusService
    users: UserService

    @classmethod
    def build(cls, runtime: Runtime) -> Api:
        services = runtime.services
        return cls(
            runtime,
            ScheduleService(services),
            HistoryService(services),
            StatusService(services),
            UserService(services),
        )


def api(request: Request) -> Api:
    return cast(Api, request.app.state.api)


ApiDep = Annotated[Api, Depends(api)]


def refuse_foreign_user_id(user: User, user_id: uuid.UUID | None) -> None:
    """Older clients send `user_id`; one's own is accepted (and means nothing), another's is
    refused: a schedule always belongs to whoever is calling."""
    if user_id is not None and user_id != user.id:
        raise InvalidInput.one(
            "user_id",
            "is not your user id",
            "leave user_id out: what you create and list is always your own",
        )
