"""`/api/events`: the caller's live events as Server-Sent Events.

The stream opens with a `: connected` comment, written once the subscription is in place
(events published after it are delivered), then one `event: <kind>` / `data: <json>` pair
per event, and a `: keep-alive` comment whenever nothing was sent for KEEPALIVE_S seconds,
so proxies keep the connection open. It ends when the client goes away.

Events are hints (see engine/events.py): a client that reconnects reads the current state
from the REST API instead of expecting a replay.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import TYPE_CHECKING

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool
from starlette.types import Receive, Scope, Send

from agentcron.api.deps import ApiDep
from agentcron.api.problems import responses
from agentcron.auth import CurrentUser

if TYPE_CHECKING:
    from agentcron.service.models import Event, EventBus
    from agentcron.service.streams import StreamPass

router = APIRouter(prefix="/api", tags=["events"])

KEEPALIVE_S = 15.0
RETRY_MS = 3000  # how soon a browser's EventSource reconnects


def encode(event: Event) -> str:
    data = json.dumps(event.data, default=str, separators=(",", ":"))
    return f"event: {event.kind}\ndata: {data}\n\n"


def ends_stream(event: Event, token_id: uuid.UUID | None) -> bool:
    """Whether `event` revokes the token this stream was opened with."""
    return (
        event.kind == "auth.revoked"
        and token_id is not None
        and str(token_id) in event.data.get("tokens", ())
    )


async def stream(
    bus: EventBus,
    user_id: str,
    token_id: uuid.UUID | None = None,
    still_valid: Callable[[], bool] | None = None,
) -> AsyncIterator[str]:
    """The caller's events until they leave, or until the token they opened it with is
    revoked: at once when the revocation is published (here, or on any instance over
    PostgreSQL), else at the next keep-alive, which re-checks the token."""
    async with bus.subscribe(user_id) as queue:
        yield f"retry: {RETRY_MS}\n: connected\n\n"
        while True:
            try:
                event = await asyncio.wait_for(queue.get(), timeout=KEEPALIVE_S)
            except TimeoutError:
                if still_valid is not None and not await run_in_threadpool(still_valid):
                    yield "event: auth.revoked\ndata: {}\n\n"
                    return
                yield ": keep-alive\n\n"
                continue
            if ends_stream(event, token_id):
                yield encode(event)
                return
            yield encode(event)


class HeldStream(StreamingResponse):
    """A stream that gives its place back (service/streams.py) however it ends."""

    def __init__(self, content: AsyncIterator[str], held: StreamPass) -> None:
        super().__init__(
            content,
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
        self.held = held

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.held.close()


@router.get(
    "/events",
    response_class=StreamingResponse,
    summary="Your live events (Server-Sent Events)",
    responses={
        200: {
            "description": "A `text/event-stream` of your events only: `execution.queued`, "
            "`execution.started`, `execution.finished` (status, duration_ms, tokens_used, "
            "llm_calls, summary, error), `execution.retrying`, `schedule.created`, "
            "`schedule.updated`, `schedule.enabled`, `schedule.disabled`, `schedule.deleted`.",
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        },
        **responses(401, 429, 500),
    },
)
async def events(api: ApiDep, user: CurrentUser, request: Request) -> StreamingResponse:
    """At most `AGENTCRON_MAX_STREAMS_PER_USER` streams per user (web UI tabs included) and
    `AGENTCRON_MAX_STREAMS_PER_ADDRESS` per client address; beyond, 429 with Retry-After."""
    token_id: uuid.UUID | None = getattr(request.state, "token_id", None)
    still_valid = None if token_id is None else partial(api.users.token_is_live, token_id)
    address = request.client.host if request.client else "unknown"
    held = api.streams.enter(str(user.id), address)
    return HeldStream(stream(api.bus, str(user.id), token_id, still_valid), held)
