"""The outbox's sender: claims due notifications (like the fire loop claims slots), applies
each channel's rate limit in the claim's transaction, sends outside any transaction, and
settles the rows with what happened.

- **Once across instances.** A row is claimed under a lease in one transaction (`FOR UPDATE
  SKIP LOCKED` on PostgreSQL, a conditional update either way), so two senders never take
  the same row. A sender that dies mid-send leaves its rows `sending`; when the lease
  expires another sender takes them again (the receiver may then see a message twice, with
  the same `id`; nothing is lost).
- **Retries.** Three attempts in all, with exponential, jittered backoff. A permanent
  refusal (a 4xx other than 408, 425 and 429) fails the row at once and disables the
  channel, with the reason shown on it.
- **Rate limit.** At most `notify_rate_per_minute` messages per channel per minute; the
  rest are marked `suppressed`, and the next message that goes out says how many.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from agentcron.config import Settings
from agentcron.engine.clock import Clock
from agentcron.engine.retry import backoff
from agentcron.notify import DeliveryError, Dispatcher, Message
from agentcron.notify.urls import mask_in
from agentcron.store import deliveries
from agentcron.store.database import Store
from agentcron.store.records import ChannelWindow, ClaimedNotification, Delivered
from agentcron.store.tables import DeliveryStatus

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3
BATCH = 50
CONCURRENT_SENDS = 10  # per sender: a burst must not open fifty connections to one host
WINDOW = timedelta(minutes=1)
PRUNE_EVERY_S = 3600.0
Publish = Callable[[str, str, dict[str, Any]], None]


@dataclass(slots=True)
class SendReport:
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    suppressed: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.failed + self.retrying + self.suppressed


@dataclass(slots=True)
class _Claim:
    send: list[tuple[ClaimedNotification, int]]  # with the suppressed count it reports
    ended: list[tuple[ClaimedNotification, str, str]]  # (row, status, error), never sent


class Sender:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        settings: Settings,
        dispatcher: Dispatcher,
        *,
        worker_id: str,
        publish: Publish,
        rng: random.Random | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.settings = settings
        self.dispatcher = dispatcher
        self.worker_id = worker_id
        self._publish = publish
        self._rng = rng or random.Random()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._next_prune = 0.0
        self._sending = asyncio.Semaphore(CONCURRENT_SENDS)

    def start(self) -> None:
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self._run(), name="agentcron-sender")

    async def stop(self, grace_s: float = 15.0) -> None:
        """Let the current round finish (its sends are under way), then stop."""
        self._stopping = True
        self.wake()
        task, self._task = self._task, None
        if task is None:
            return
        done, _ = await asyncio.wait({task}, timeout=grace_s)
        if not done:
            task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    def wake(self) -> None:
        self._wake.set()

    # -- one round ------------------------------------------------------------------------

    async def tick(self) -> SendReport:
        """Claim what is due, send it, record what happened."""
        now = self.clock.now()
        claim = await asyncio.to_thread(self._claim, now)
        report = SendReport(
            suppressed=sum(1 for _, status, _ in claim.ended if status == "suppressed")
        )
        report.failed = len(claim.ended) - report.suppressed
        results = list(
            await asyncio.gather(*(self._deliver(row, count) for row, count in claim.send))
        )
        ended = [
            Delivered(row.id, row.channel_id, row.attempts, status, error)
            for row, status, error in claim.ended
        ]
        if results:
            await asyncio.to_thread(self._settle, results)
        for result in results:
            if result.status == DeliveryStatus.SENT.value:
                report.sent += 1
            elif result.retry_at is not None:
                report.retrying += 1
            else:
                report.failed += 1
        rows = {row.id: row for row, _ in claim.send} | {row.id: row for row, _, _ in claim.ended}
        for result in (*results, *ended):
            row = rows[result.id]
            self._publish(
                "notification.delivered",
                str(row.user_id),
                {
                    "notification_id": str(row.id),
                    "notice_id": str(row.notice_id),
                    "channel_id": str(row.channel_id),
                    "schedule_id": str(row.schedule_id) if row.schedule_id else None,
                    "event": row.event,
                    "status": result.status,
                },
            )
        return report

    def _claim(self, now: datetime) -> _Claim:
        rate = self.settings.notify_rate_per_minute
        lease = now + timedelta(
            seconds=max(self.settings.lease_s, 3 * self.settings.notify_timeout_s)
        )
        claim = _Claim([], [])
        with self.store.write() as session:
            rows = deliveries.claim(session, now, self.worker_id, lease, BATCH)
            if not rows:
                return claim
            windows = deliveries.lock_windows(session, {row.channel_id for row in rows})
            changed: dict[uuid.UUID, ChannelWindow] = {}
            carried: dict[uuid.UUID, int] = {}
            for row in rows:
                window = changed.get(row.channel_id) or windows.get(row.channel_id)
                if window is None or not window.enabled:
                    reason = f"the channel is disabled: {window.disabled_reason if window else 'deleted'}"
                    claim.ended.append((row, DeliveryStatus.FAILED.value, reason))
                    continue
                if row.attempts > 1:  # a retry was counted on its first attempt
                    claim.send.append((row, row.suppressed_before))
                    continue
                if window.window_started_at is None or now - window.window_started_at >= WINDOW:
                    window = replace(window, window_started_at=now, window_count=0)
                if window.window_count >= rate:
                    changed[row.channel_id] = replace(window, suppressed=window.suppressed + 1)
                    claim.ended.append(
                        (
                            row,
                            DeliveryStatus.SUPPRESSED.value,
                            f"over the channel's limit of {rate} a minute",
                        )
                    )
                    continue
                count = window.suppressed
                changed[row.channel_id] = replace(
                    window, window_count=window.window_count + 1, suppressed=0
                )
                if count:
                    carried[row.id] = count
                claim.send.append((row, count))
            for row, status, error in claim.ended:
                deliveries.end(session, [row.id], DeliveryStatus(status), now, error)
            deliveries.save_windows(session, list(changed.values()))
            deliveries.carry_suppressed(session, carried)
        return claim

    async def _deliver(self, row: ClaimedNotification, suppressed: int) -> Delivered:
        message = Message(
            id=str(row.notice_id),
            event=row.event,
            title=row.title,
            body=row.message,
            payload=row.payload,
            suppressed=suppressed,
        )
        error: str
        permanent = False
        try:
            async with self._sending, asyncio.timeout(self.settings.notify_timeout_s + 5):
                await self.dispatcher.send(row.kind, row.url, row.secret, message)
        except DeliveryError as exc:
            error, permanent = exc.message, exc.permanent
        except TimeoutError:
            error = f"no answer within {self.settings.notify_timeout_s:g} s"
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a sender bug must not stop the others
            error = f"the sender raised {type(exc).__name__}"
            log.warning("notification %s: sending raised", row.id, exc_info=True)
        else:
            log.info("notification %s (%s) sent to channel %s", row.id, row.event, row.channel_id)
            return Delivered(row.id, row.channel_id, row.attempts, DeliveryStatus.SENT.value)
        error = mask_in(error, row.url, row.secret)[:1000]
        log.info(
            "notification %s to channel %s failed (attempt %d): %s",
            row.id,
            row.channel_id,
            row.attempts,
            error,
        )
        if permanent or row.attempts >= MAX_ATTEMPTS:
            return Delivered(
                row.id,
                row.channel_id,
                row.attempts,
                DeliveryStatus.FAILED.value,
                error,
                disable=permanent,
            )
        retry_at = self.clock.now() + backoff(
            row.attempts, self.settings.notify_retry_base_s, 300.0, self._rng
        )
        return Delivered(
            row.id, row.channel_id, row.attempts, DeliveryStatus.PENDING.value, error, retry_at
        )

    def _settle(self, results: list[Delivered]) -> None:
        with self.store.write() as session:
            deliveries.settle(session, self.worker_id, self.clock.now(), results)

    # -- the loop ---------------------------------------------------------------------------

    async def _run(self) -> None:
        delay = 0.5
        while not self._stopping:
            try:
                self._wake.clear()
                report = await self.tick()
                delay = 0.5
                if self._stopping:
                    break
                if report.handled >= BATCH:
                    continue  # more may be waiting
                await self._maybe_prune()
                deadline = await asyncio.to_thread(self._next_deadline)
                await self.clock.sleep_until(deadline, self._wake)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning(
                    "notification sender round failed; retrying in %.1f s", delay, exc_info=True
                )
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=delay)
                delay = min(delay * 2, 30.0)

    def _next_deadline(self) -> datetime:
        ceiling = self.clock.now() + timedelta(seconds=self.settings.notify_interval_s)
        with self.store.read() as session:
            due = deliveries.earliest_due(session)
        return min(due, ceiling) if due is not None else ceiling

    async def _maybe_prune(self) -> None:
        days = self.settings.notify_retention_days
        if not days or time.monotonic() < self._next_prune:
            return
        self._next_prune = time.monotonic() + PRUNE_EVERY_S
        before = self.clock.now() - timedelta(days=days)

        def prune() -> int:
            with self.store.write() as session:
                return deliveries.prune(session, before)

        try:
            pruned = await asyncio.to_thread(prune)
        except Exception:
            log.warning("pruning old notifications failed; will try again", exc_info=True)
            return
        if pruned:
            log.info("pruned %d notice(s) older than %d days", pruned, days)
