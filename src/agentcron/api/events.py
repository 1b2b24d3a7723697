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
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from agentcron.api.deps import ApiDep
from agentcron.api.problems import responses
from agentcron.auth import CurrentUser

if TYPE_CHECKING:
    from agentcron.service.models import Event, EventBus

router = APIRouter(prefix="/api", tags=["events"])

KEEPALIVE_S = 15.0
RETRY_MS = 3000  # how soon a browser's EventSource reconnects


def encode(event: Event) -> str:
    data = json.dumps(event.data, default=str, separators=(",", ":"))
    return f"event: {event.kind}\ndata: {data}\n\n"


async def stream(bus: EventBus, user_id: str) -> AsyncIterator[str]:
    async with bus.subscribe(user_id) as queue:
        yield f"retry: {RETRY_MS}\n: connected\n\n"
        while True:
            try:
                event = await asyncio.wait_for(queue.get(), timeout=KEEPALIVE_S)
            except TimeoutError:
                yield ": keep-alive\n\n"
                continue
            yield encode(event)


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
async def events(api: ApiDep, user: CurrentUser) -> StreamingResponse:
    return StreamingResponse(
        stream(api.bus, str(user.id)),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
