"""Events across instances on PostgreSQL: NOTIFY out, LISTEN in.

The sender drains a queue on its own thread, so publishing never blocks the event loop, and
sends whatever has queued up in one statement; the listener holds one dedicated connection and reconnects with backoff when the server goes
away. Both carry hints only (wake up, refresh a view), never records.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable

import psycopg
from sqlalchemy.engine import make_url

from agentcron.engine.events import CHANNEL, Event, EventBus

log = logging.getLogger(__name__)
PAYLOAD_MAX = 7900  # PostgreSQL refuses NOTIFY payloads of 8000 bytes or more
SEND_BATCH = 500  # events per round trip: a burst publishes two per execution


def _payload(event: Event) -> str:
    payload = event.to_json()
    if len(payload.encode()) > PAYLOAD_MAX:
        payload = Event(event.kind, event.user_id, {}, event.origin).to_json()
    return payload


def libpq_url(sqlalchemy_url: str) -> str:
    return (
        make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(hide_password=False)
    )


class PostgresRelay:
    def __init__(self, url: str, bus: EventBus) -> None:
        self.url = libpq_url(url)
        self.bus = bus
        self._outbox: queue.SimpleQueue[Event | None] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.connected = threading.Event()

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

    def _with_reconnect(
        self, body: Callable[[psycopg.Connection[tuple[object, ...]]], None]
    ) -> None:
        delay = 0.2
        while not self._stop.is_set():
            try:
                with psycopg.connect(self.url, autocommit=True, connect_timeout=5) as conn:
                    delay = 0.2
                    body(conn)
            except Exception:
                if self._stop.is_set():
                    return
                log.warning("event relay lost its connection; reconnecting", exc_info=True)
                self.connected.clear()
                time.sleep(delay)
                delay = min(delay * 2, 10.0)

    def _send_on(self, conn: psycopg.Connection[tuple[object, ...]]) -> None:
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
            try:
                conn.execute(
                    "SELECT pg_notify(%s, payload) FROM unnest(%b::text[]) AS payload",
                    (CHANNEL, [_payload(e) for e in batch]),
                )
            except Exception:
                for kept in batch:  # keep them for the next connection
                    self._outbox.put(kept)
                raise
            if stopping:
                return

    def _listen_on(self, conn: psycopg.Connection[tuple[object, ...]]) -> None:
        conn.execute(f"LISTEN {CHANNEL}")
        self.connected.set()
        while not self._stop.is_set():
            for note in conn.notifies(timeout=1.0):
                try:
                    self.bus.deliver_remote(Event.from_json(note.payload))
                except Exception:
                    log.warning("ignoring a malformed event", exc_info=True)
                if self._stop.is_set():
                    return
