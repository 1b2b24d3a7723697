"""Server-sent events for the signed-in user: executions starting and finishing, schedules
changing. Each event is a hint to re-read a region of the page, never the data itself.

A stream ends by itself after `STREAM_LIFE_S` and the browser reconnects (and refreshes
what it shows, in case it missed something meanwhile). That keeps a server's graceful
shutdown short: an open tab never holds it longer than one stream's life.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

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

# A running execution's progress (engine/live.py): only to the page of that execution.
PROGRESS = ("execution.step", "execution.output")
CHUNK_MAX = 8 * 1024  # characters of output per event
STEP_TEXT_MAX = 4 * 1024  # characters of each part of a step's detail
STEP_PARTS_MAX = 8


def _clip(value: object, limit: int) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def progress_data(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """A step or an output chunk, bounded: what the agent side bounded already, held to
    limits here again, since this goes to a page."""
    out: dict[str, Any] = {
        k: data[k] for k in ("execution_id", "schedule_id", "attempt") if k in data
    }
    if kind == "execution.output":
        out["chunk"] = _clip(data.get("chunk") or "", CHUNK_MAX)
        return out
    step = data.get("step")
    if not isinstance(step, dict):
        return out
    shown: dict[str, Any] = {
        "kind": _clip(step.get("kind") or "?", 16),
        "name": _clip(step.get("name") or "?", 200),
        "started_at": step.get("started_at"),
        "duration_ms": step.get("duration_ms"),
        "input_tokens": step.get("input_tokens"),
        "output_tokens": step.get("output_tokens"),
        "error": _clip(step["error"], STEP_TEXT_MAX) if step.get("error") else None,
    }
    detail = step.get("detail")
    if isinstance(detail, dict):
        shown["detail"] = {
            _clip(k, 40): _clip(v, STEP_TEXT_MAX)
            for k, v in list(detail.items())[:STEP_PARTS_MAX]
            if v not in (None, "")
        }
    out["step"] = shown
    return out


async def _stream(
    bus: EventBus,
    user_id: str,
    life_s: float,
    session_hash: str | None = None,
    execution_id: str | None = None,
) -> AsyncIterator[str]:
    """Ends after `life_s` (the browser reconnects, re-checking its session), or at once
    when this browser's session is ended (signed out, its token revoked). With an
    `execution_id` (the execution page), that execution's steps and output come too."""
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
            if event.kind in PROGRESS:
                if execution_id is None or event.data.get("execution_id") != execution_id:
                    continue
                data = progress_data(event.kind, event.data)
                yield f"event: {event.kind}\ndata: {json.dumps(data, default=str)}\n\n"
                continue
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
    watched = _execution_id(request.query_params.get("execution"))
    return HeldStream(
        _stream(who.state.bus, str(who.user.id), STREAM_LIFE_S, who.session_hash, watched),
        held,
    )


def _execution_id(raw: str | None) -> str | None:
    """Events carry the id as text; only a real id is matched (the bus is the user's own)."""
    try:
        return str(uuid.UUID(raw)) if raw else None
    except ValueError:
        return None
