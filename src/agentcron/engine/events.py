"""The event bus: what the engine and the service announce, delivered to live subscribers
(SSE streams in this process) and, on PostgreSQL, to every other instance via NOTIFY.

Events are hints for people and for waking loops, never the truth: a subscriber that
misses one reads the rows again. So delivery is best-effort and bounded: a slow
subscriber loses events instead of growing a queue without end.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

CHANNEL = "agentcron_events"
QUEUE_SIZE = 1000
# Kinds that mean "there may be new due work": they wake the fire loop.
WAKING = frozenset(
    {
        "schedule.created",
        "schedule.updated",
        "schedule.enabled",
        "execution.queued",
        "execution.retrying",  # a retry now waits in `pending` for its backoff to pass
    }
)


@dataclass(frozen=True, slots=True)
class Event:
    kind: str
    user_id: str
    data: dict[str, Any] = field(default_factory=dict)
    origin: str = ""


class EventBus:
    """Thread-safe publish; subscribers live on the event loop given to `bind`.

    `publish` may be called from any thread (the service runs in FastAPI's threadpool);
    delivery hops onto the bound loop. A `relay` (PostgreSQL NOTIFY) forwards local events
    to other instances, whose listeners call `deliver_remote`.
    """

    def __init__(self, origin: str = "") -> None:
        self.origin = origin
        self._loop: asyncio.AbstractEventLoop | None = None
        self._subscribers: dict[int, tuple[str | None, asyncio.Queue[Event]]] = {}
        self._wakers: list[tuple[Callable[[Event], None], frozenset[str] | None]] = []
        self._relay: Callable[[Event], None] | None = None
        self._lock = threading.Lock()
        self._next_id = 0
        self._inbox: collections.deque[Event] = collections.deque()
        self._drain_scheduled = False

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def set_relay(self, relay: Callable[[Event], None] | None) -> None:
        self._relay = relay

    def on_event(
        self, callback: Callable[[Event], None], kinds: Iterable[str] | None = None
    ) -> None:
        """Call `callback` (on the loop) for every event of `kinds` (all when None), local or
        remote."""
        self._wakers.append((callback, frozenset(kinds) if kinds is not None else None))

    def listening(self, kind: str) -> bool:
        """Whether an event of `kind` would reach anyone: another instance, a subscriber,
        a callback. The engine asks before building thousands of events in a burst."""
        if self._relay is not None or self._subscribers:
            return True
        return any(kinds is None or kind in kinds for _, kinds in self._wakers)

    def publish(self, kind: str, user_id: str, **data: Any) -> None:
        event = Event(kind, user_id, data, self.origin)
        if self._relay is not None:
            try:
                self._relay(event)
            except Exception:  # a lost hint, not a lost record
                log.warning("event relay failed for %s", kind, exc_info=True)
        self._dispatch(event)

    def deliver_remote(self, event: Event) -> None:
        if event.origin and event.origin == self.origin:
            return
        self._dispatch(event)

    def _dispatch(self, event: Event) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._fan_out(event)
            return
        # From another thread (the NOTIFY listener, the service's thread pool): queue it and
        # wake the loop once for everything queued, not once per event.
        with self._lock:
            self._inbox.append(event)
            if self._drain_scheduled:
                return
            self._drain_scheduled = True
        try:
            loop.call_soon_threadsafe(self._drain)
        except RuntimeError:  # the loop closed meanwhile: nobody is left to tell
            with self._lock:
                self._drain_scheduled = False
                self._inbox.clear()

    def _drain(self) -> None:
        with self._lock:
            events = list(self._inbox)
            self._inbox.clear()
            self._drain_scheduled = False
        for event in events:
            self._fan_out(event)

    def _fan_out(self, event: Event) -> None:
        for callback, kinds in self._wakers:
            if kinds is not None and event.kind not in kinds:
                continue
            try:
                callback(event)
            except Exception:
                log.exception("event callback failed")
        with self._lock:
            subscribers = list(self._subscribers.values())
        for user_id, queue in subscribers:
            if user_id is not None and user_id != event.user_id:
                continue
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(event)

    @contextlib.asynccontextmanager
    async def subscribe(self, user_id: str | None) -> AsyncIterator[asyncio.Queue[Event]]:
        """A queue of this user's events (all users' with None) for as long as the block runs."""
        if self._loop is None:
            self.bind(asyncio.get_running_loop())
        queue: asyncio.Queue[Event] = asyncio.Queue(QUEUE_SIZE)
        with self._lock:
            key = self._next_id
            self._next_id += 1
            self._subscribers[key] = (user_id, queue)
        try:
            yield queue
        finally:
            with self._lock:
                self._subscribers.pop(key, None)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)
