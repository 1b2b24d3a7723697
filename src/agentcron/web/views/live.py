"""Server-sent events for the signed-in user: executions starting and finishing, schedules
changing. Each event is a hint to re-read a region of the page, never the data itself.

A stream ends by itself after `STREAM_LIFE_S` and the browser reconnects (and refreshes
what it shows, in case it missed something meanwhile). That keeps a server's graceful
shutdown short: an open tab never holds it longer than one stream's life.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from agentcron.service.models import EventBus
from agentcron.service.streams import StreamPass
from agentcron.web.routing import WebRoute, member

router = APIRouter(route_class=WebRoute)

STREAM_LIFE_S = 25.0
KEEPALIVE_S = 10.0
RETRY_MS = 1000
FORWARDED = ("execution.", "schedule.", "notification.")
# What the page may see of an event: ids and outcomes, not output.
FIELDS = (
    "execution_id",
    "schedule_id",
    "status",
    "attempt",
    "duration_ms",
    "tokens_used",
    "llm_calls",
    "scheduled_for",
    "next_attempt_at",
    "notice_id",
    "event",
    "title",
    "channel_id",
)


async def _stream(
    bus: EventBus, user_id: str, life_s: float, session_hash: str | None = None
) -> AsyncIterator[str]:
    """Ends after `life_s` (the browser reconnects, re-checking its session), or at once
    when this browser's session is ended (signed out, its token revoked)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + life_s
    async with bus.subscribe(user_id) as queue:
        # Subscribed before saying hello: whatever happens after "hello" reaches this stream.
        yield f"retry: {RETRY_MS}\nevent: hello\ndata: {{}}\n\n"
        while (remaining := deadline - loop.time()) > 0:
            try:
                event = await asyncio.wait_for(queue.get(), timeout=min(KEEPALIVE_S, remaining))
            except TimeoutError:
                yield ": keep-alive\n\n"
                continue
            if event.kind == "auth.revoked" and session_hash in event.data.get("sessions", ()):
                yield "event: signed-out\ndata: {}\n\n"
                return
            if not event.kind.startswith(FORWARDED):
                continue
            data = {k: event.data[k] for k in FIELDS if k in event.data}
            yield f"event: {event.kind}\ndata: {json.dumps(data, default=str)}\n\n"


class HeldStream(StreamingResponse):
    """A stream that gives its place back (service/streams.py) however it ends."""

    def __init__(self, content: AsyncIterator[str], held: StreamPass) -> None:
        super().__init__(
            content,
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )
        self.held = held

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.held.close()


@router.get("/ui/events")
async def events(request: Request) -> Response:
    """Counted with the user's `/api/events` streams; beyond the caps, 429 (the page then
    keeps working without live updates, and the browser tries again later)."""
    who = await member(request)
    address = request.client.host if request.client else "unknown"
    held = who.state.use_cases.streams.enter(str(who.user.id), address)
    return HeldStream(
        _stream(who.state.bus, str(who.user.id), STREAM_LIFE_S, who.session_hash), held
    )
