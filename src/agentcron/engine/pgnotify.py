"""Events across instances on PostgreSQL: NOTIFY out, LISTEN in.

The sender drains a queue on its own thread, so publishing never blocks the event loop, and
sends whatever has queued up in one statement, packed many events to a notification: a burst
publishes two events per execution, and one notification each cost the server and every
listener more than the burst itself. The listener holds one dedicated connection, drops its
own instance's notifications before decoding them, and reconnects with backoff when the
server goes away. Both carry hints only (wake up, refresh a view), never records.

Two channels. Events that mean new due work (WAKING) go on CHANNEL, which every instance
listens to. The rest, an execution's progress, matter only to people watching a live view,
so they go on ACTIVITY_CHANNEL, which an instance listens to only while it has a
subscriber: workers never pay for the other workers' bursts, and adding a worker does not
add work to every other one.

Wire format: `{"origin": "<instance>", "events": [[kind, user_id, data], ...]}`. A single
event object (`{"kind": ..., "user_id": ..., "data": ..., "origin": ...}`) is accepted too,
so a script can wake the instances with one `SELECT pg_notify(...)`.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Callable

from agentcron.engine.events import CHANNEL, WAKING, Event, EventBus
from agentcron.store.pgchannel import NotifyChannel

log = logging.getLogger(__name__)
PAYLOAD_MAX = 7900  # PostgreSQL refuses NOTIFY payloads of 8000 bytes or more
ACTIVITY_CHANNEL = f"{CHANNEL}_activity"
SEND_BATCH = 2000  # events per round trip: a burst publishes two per execution


def _head(origin: str) -> str:
    """How every notification from `origin` starts: a listener compares, never decodes."""
    return '{"origin": ' + json.dumps(origin) + ', "events": ['


def pack(origin: str, events: list[Event]) -> list[str]:
    """As few payloads as fit PostgreSQL's limit. An event too large for one on its own goes
    without its data (kind and user still wake loops and tell views to refresh)."""
    head, tail = _head(origin), "]}"
    room = PAYLOAD_MAX - len(head.encode()) - len(tail)
    payloads: list[str] = []
    parts: list[str] = []
    size = 0
    for event in events:
        part = json.dumps([event.kind, event.user_id, event.data], default=str)
        width = len(part.encode())
        if width > room:
            part = json.dumps([event.kind, event.user_id, {}])
            width = len(part.encode())
        if parts and size + 2 + width > room:  # 2: the ", " before it
            payloads.append(head + ", ".join(parts) + tail)
            parts, size = [], 0
        size += width + (2 if parts else 0)
        parts.append(part)
    if parts:
        payloads.append(head + ", ".join(parts) + tail)
    return payloads


def unpack(payload: str) -> list[Event]:
    raw = json.loads(payload)
    if "events" not in raw:  # one event, as a script or an older instance sends it
        return [Event(raw["kind"], raw["user_id"], raw.get("data", {}), raw.get("origin", ""))]
    origin = raw.get("origin", "")
    return [Event(kind, user_id, data, origin) for kind, user_id, data in raw["events"]]


class PostgresRelay:
    def __init__(self, url: str, bus: EventBus) -> None:
        self.url = url
        self.bus = bus
        self._outbox: queue.SimpleQueue[Event | None] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.connected = threading.Event()
        self.watching = threading.Event()  # listening to ACTIVITY_CHANNEL too

    def start(self) -> None:
        self.bus.set_relay(self.send)
        for target, name in ((self._send_loop, "notify-out"), (self._listen_loop, "notify-in")):
            thread = threading.Thread(target=target, name=f"agentcron-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        self.bus.set_relay(None)
        self._outbox.put(None)
        for thread in self._threads:
            thread.join(timeout=3)

    def send(self, event: Event) -> None:
        self._outbox.put(event)

    def _send_loop(self) -> None:
        self._with_reconnect(self._send_on)

    def _listen_loop(self) -> None:
        self._with_reconnect(self._listen_on)

    def _with_reconnect(self, body: Callable[[NotifyChannel], None]) -> None:
        delay = 0.2
        while not self._stop.is_set():
            try:
                with NotifyChannel.connect(self.url) as channel:
                    delay = 0.2
                    body(channel)
            except Exception:
                if self._stop.is_set():
                    return
                log.warning("event relay lost its connection; reconnecting", exc_info=True)
                self.connected.clear()
                time.sleep(delay)
                delay = min(delay * 2, 10.0)

    def _send_on(self, conn: NotifyChannel) -> None:
        while not self._stop.is_set():
            event = self._outbox.get()
            if event is None:
                return
            batch, stopping = [event], False
            while len(batch) < SEND_BATCH:  # whatever queued meanwhile goes in the same trip
                try:
                    queued = self._outbox.get_nowait()
                except queue.Empty:
                    break
                if queued is None:
                    stopping = True
                    break
                batch.append(queued)
            waking = [e for e in batch if e.kind in WAKING]
            activity = [e for e in batch if e.kind not in WAKING]
            channels: list[str] = []
            payloads: list[str] = []
            for channel, events in ((CHANNEL, waking), (ACTIVITY_CHANNEL, activity)):
                packed = pack(self.bus.origin, events) if events else []
                channels += [channel] * len(packed)
                payloads += packed
            try:
                conn.notify(channels, payloads)
            except Exception:
                for kept in batch:  # keep them for the next connection
                    self._outbox.put(kept)
                raise
            if stopping:
                return

    def _listen_on(self, conn: NotifyChannel) -> None:
        conn.listen(CHANNEL)
        self.watching.clear()
        self.connected.set()
        own = _head(self.bus.origin) if self.bus.origin else None
        while not self._stop.is_set():
            watched = self.bus.subscriber_count > 0
            if watched and not self.watching.is_set():
                conn.listen(ACTIVITY_CHANNEL)
                self.watching.set()
            elif not watched and self.watching.is_set():
                conn.unlisten(ACTIVITY_CHANNEL)
                self.watching.clear()
            for payload in conn.received(0.5):
                if own is not None and payload.startswith(own):
                    continue  # our own events, already delivered here
                try:
                    events = unpack(payload)
                except Exception:
                    log.warning("ignoring a malformed notification", exc_info=True)
                    events = []
                for event in events:
                    self.bus.deliver_remote(event)
                if self._stop.is_set():
                    return
