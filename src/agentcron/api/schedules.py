"""`/api/scheduled-commands`: schedules, their history, run-now, and the engine's status.

Each route translates HTTP to one service call and back; the rules (ownership, caps,
validation, rate limits) are the service's. Another user's schedule answers 404, exactly
like a missing one.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Path, Query, Response, status

from agentcron.api.deps import ApiDep, refuse_foreign_user_id
from agentcron.api.problems import responses
from agentcron.api.schemas import (
    CREATE_EXAMPLES,
    ExecutionOut,
    ExecutionPage,
    ScheduleIn,
    ScheduleOut,
    SchedulePage,
    ScheduleReplace,
    StatusOut,
)
from agentcron.api.schemas.chains import RunNowIn
from agentcron.api.schemas.organise import PauseIn
from agentcron.auth import CurrentUser
from agentcron.service.models import ScheduleFilter

router = APIRouter(prefix="/api/scheduled-commands", tags=["schedules"])

ScheduleId = Annotated[uuid.UUID, Path(description="The schedule's id.")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="Items to skip.")]
Limit = Annotated[int, Query(ge=1, le=200, description="Items per page (at most 200).")]
ScheduleBody = Annotated[ScheduleIn, Body(openapi_examples=CREATE_EXAMPLES)]

ONE = responses(401, 404, 429, 500)  # only the path varies: a bad id is a 404, never a 422
READ = responses(401, 404, 422, 429, 500)
WRITE = responses(401, 404, 409, 413, 422, 429, 500)


# Declared before `/{schedule_id}`, which would otherwise take "scheduler" for an id.
@router.get(
    "/scheduler/status",
    response_model=StatusOut,
    tags=["operations"],
    summary="Engine status across all instances",
    responses=responses(401, 429, 500),
)
def scheduler_status(api: ApiDep, user: CurrentUser) -> StatusOut:
    """Counts read from the database (so every instance answers the same), the instances
    alive, fire lag percentiles over the last hour, and whether this instance's engine runs."""
    return StatusOut.of(api.status.status())


@router.post(
    "",
    response_model=ScheduleOut,
    status_code=status.HTTP_201_CREATED,
    summary="Create a schedule",
    responses=responses(401, 404, 409, 413, 422, 429, 500),
)
def create_schedule(
    api: ApiDep, user: CurrentUser, body: ScheduleBody, response: Response
) -> ScheduleOut:
    """Give the timing as fields (`cron`, `interval` or `once`) or as one sentence in `text`.
    Without `agent_id`, the `@handle` at the start of `command_text` picks the agent.
    Refused with 409 beyond 50 schedules, 429 beyond the write rate. A sentence only a
    model could read (see the preview) needs `accept_model_reading: true`."""
    refuse_foreign_user_id(user, body.user_id)
    view = api.schedules.create(user, body.draft(), **body.acceptance())
    response.headers["Location"] = f"{router.prefix}/{view.row.id}"
    return ScheduleOut.of(view)


@router.get(
    "",
    response_model=SchedulePage,
    summary="List your schedules",
    responses=responses(401, 404, 422, 429, 500),
)
def list_schedules(
    api: ApiDep,
    user: CurrentUser,
    agent_id: Annotated[str | None, Query(description="Only this agent's.")] = None,
    enabled: Annotated[bool | None, Query(description="Only enabled (or disabled) ones.")] = None,
    schedule_type: Annotated[
        str | None, Query(description="`cron`, `interval`, `once` or `after`.")
    ] = None,
    q: Annotated[
        str | None, Query(description="Text in the command, description or agent.")
    ] = None,
    tag: Annotated[
        list[str] | None,
        Query(description="Only those carrying this tag (repeat it: they must carry all)."),
    ] = None,
    sort: Annotated[
        str | None,
        Query(
            description="created (default), next_run, last_run, agent or status; a leading "
            "`-` reverses it. Empty values come last."
        ),
    ] = None,
    user_id: Annotated[
        uuid.UUID | None, Query(description="Accepted if it is your own id; ignored.")
    ] = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> SchedulePage:
    """Oldest first unless `sort` says otherwise. Filters combine (AND). Each item carries
    its next fire time in `next_runs`."""
    refuse_foreign_user_id(user, user_id)
    where = ScheduleFilter(
        agent_id=agent_id,
        enabled=enabled,
        schedule_type=schedule_type,
        search=q,
        tags=tuple(tag or ()),
        sort=sort,
    )
    views, total = api.schedules.list(user, where, offset=offset, limit=limit)
    return SchedulePage(
        items=[ScheduleOut.of(v) for v in views], total=total, offset=offset, limit=limit
    )


@router.get("/{schedule_id}", response_model=ScheduleOut, summary="One schedule", responses=ONE)
def get_schedule(api: ApiDep, user: CurrentUser, schedule_id: ScheduleId) -> ScheduleOut:
    """With its timing in words (`schedule_text`) and its next five fire times."""
    return ScheduleOut.of(api.schedules.get(user, schedule_id))


@router.put(
    "/{schedule_id}", response_model=ScheduleOut, summary="Replace a schedule", responses=WRITE
)
def replace_schedule(
    api: ApiDep, user: CurrentUser, schedule_id: ScheduleId, body: ScheduleReplace
) -> ScheduleOut:
    """Send the schedule as GET returned it, with your changes: its read-only fields
    (`id`, `next_runs`, `schedule_text` …) are ignored, and a field not sent keeps its value
    (a PUT never silently resets one). Unchanged timing keeps the next fire time."""
    refuse_foreign_user_id(user, body.user_id)
    return ScheduleOut.of(
        api.schedules.update(user, schedule_id, body.draft(), **body.acceptance())
    )


@router.patch(
    "/{schedule_id}", response_model=ScheduleOut, summary="Change some fields", responses=WRITE
)
def update_schedule(
    api: ApiDep, user: CurrentUser, schedule_id: ScheduleId, body: ScheduleBody
) -> ScheduleOut:
    """Only the fields given change (null counts as not given). A new `schedule_type` drops
    the old type's fields unless they are given again."""
    refuse_foreign_user_id(user, body.user_id)
    return ScheduleOut.of(
        api.schedules.update(user, schedule_id, body.draft(), **body.acceptance())
    )


@router.delete(
    "/{schedule_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Delete a schedule and its history",
    responses=responses(401, 404, 409, 429, 500),
)
def delete_schedule(
    api: ApiDep,
    user: CurrentUser,
    schedule_id: ScheduleId,
    detach: Annotated[
        bool,
        Query(description="Also when schedules run after this one: disable them, unlinked."),
    ] = False,
) -> Response:
    """Deleting means gone: the schedule and every execution of it are removed, because
    you asked for it to stop existing and its history is yours. Schedule ids are random
    UUIDs and never reused, so nothing later can inherit the old history or be confused
    with it; to keep the history, disable the schedule instead. While other schedules run
    after this one it answers 409 naming them, unless `detach=true`."""
    api.schedules.delete(user, schedule_id, detach=detach)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{schedule_id}/enable",
    response_model=ScheduleOut,
    summary="Enable a schedule",
    responses=responses(401, 404, 409, 429, 500),
)
def enable_schedule(api: ApiDep, user: CurrentUser, schedule_id: ScheduleId) -> ScheduleOut:
    """It fires from its next slot after now; missed slots while disabled are not caught up.
    A one-time schedule whose `run_at` has passed answers 409."""
    return ScheduleOut.of(api.schedules.set_enabled(user, schedule_id, True))


@router.post(
    "/{schedule_id}/disable",
    response_model=ScheduleOut,
    summary="Disable (pause) a schedule",
    responses=responses(401, 404, 422, 429, 500),
)
def disable_schedule(
    api: ApiDep,
    user: CurrentUser,
    schedule_id: ScheduleId,
    body: Annotated[PauseIn | None, Body()] = None,
) -> ScheduleOut:
    """It stops firing; its history stays. Running executions finish. With a body, the
    pause keeps a `note` (why) and may end by itself at `until`: the schedule then fires
    again from its next slot after that instant, and the slots in between are recorded as
    one `skipped` execution with their count."""
    if body is None:
        return ScheduleOut.of(api.schedules.set_enabled(user, schedule_id, False))
    return ScheduleOut.of(api.pauses.pause(user, schedule_id, note=body.note, until=body.until))


@router.post(
    "/{schedule_id}/execute",
    response_model=ExecutionOut,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Run now",
    responses=responses(401, 404, 409, 429, 500),
)
def execute_schedule(
    api: ApiDep,
    user: CurrentUser,
    schedule_id: ScheduleId,
    response: Response,
    body: Annotated[RunNowIn | None, Body()] = None,
) -> ExecutionOut:
    """Queues a manual execution (`trigger: manual`) that the engine runs at once, with the
    schedule's timeout, retries and overlap policy. Follow it at `Location` or on
    `/api/events`. Its end starts the schedules that run after this one, unless the body
    says `{"chain": false}`."""
    chain = body.chain if body is not None else True
    execution = api.schedules.run_now(user, schedule_id, chain=chain)
    response.headers["Location"] = f"/api/executions/{execution.id}"
    return ExecutionOut.of(execution)


@router.get(
    "/{schedule_id}/executions",
    response_model=ExecutionPage,
    summary="A schedule's history",
    responses=READ,
)
def schedule_executions(
    api: ApiDep,
    user: CurrentUser,
    schedule_id: ScheduleId,
    status_: Annotated[
        list[str] | None,
        Query(
            alias="status",
            description="Only these statuses (repeat the parameter for several): pending, "
            "running, success, failed, timed_out, missed, skipped, cancelled.",
        ),
    ] = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> ExecutionPage:
    """Newest slot first."""
    rows, total = api.history.for_schedule(
        user, schedule_id, statuses=status_, offset=offset, limit=limit
    )
    retries = api.schedules.get(user, schedule_id).row.max_retries
    return ExecutionPage.of(rows, total, offset, limit, max_attempts=retries + 1)
