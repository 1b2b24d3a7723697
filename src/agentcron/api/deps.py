"""What routes are handed: the use cases, built once per process, and the caller."""

from __future__ import annotations

import uuid
from typing import Annotated, cast

from fastapi import Depends, Request

from agentcron.errors import NotFound
from agentcron.service.models import User
from agentcron.service.usecases import UseCases


def api(request: Request) -> UseCases:
    return cast(UseCases, request.app.state.use_cases)


ApiDep = Annotated[UseCases, Depends(api)]


def refuse_foreign_user_id(user: User, user_id: uuid.UUID | None) -> None:
    """Older clients send `user_id`; one's own is accepted (and means nothing). Another's
    answers exactly as a user that does not exist (404): to a caller, nobody else exists, and
    a schedule always belongs to whoever is calling."""
    if user_id is not None and user_id != user.id:
        raise NotFound("user", user_id)
