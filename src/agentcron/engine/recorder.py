"""Writes outcomes in batches: whatever finished while the last batch was being written goes
into the next transaction, so a burst of thousands of quick executions costs a handful of
commits, and a lone execution is written at once (no timer to wait for).

Retries are decided by `RetryPolicy` (engine.retry): a retryable failure with attempts left
goes back to `pending` with an exponential, jittered backoff; everything else is final.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from agentcron.engine import chains, metrics
from agentcron.engine.gates import Gates, pause_until, record_pauses
from agentcron.engine.notices import Final, Notices
from agentcron.engine.pricing import priced
from agentcron.engine.progress import steps_json
from agentcron.engine.retry import RETRIABLE, RetryPolicy
from agentcron.engine.runner import Outcome
from agentcron.store import outcomes
from agentcron.store.database import Store
from agentcron.store.records import Finish
from agentcron.store.tables import ExecutionStatus

log = logging.getLogger(__name__)
BATCH_MAX = 2000
Publish = Callable[[str, str, dict[str, Any]], None]


class Recorder:
    def __init__(
        self,
        store: Store,
        *,
        worker_id: str,
        now: Callable[[], datetime],
        publish: Publish,
        retry: RetryPolicy,
        listening: Callable[[str], bool] = lambda kind: True,
        notices: Notices | None = None,
        gates: Gates | None = None,
    ) -> None:
        self.store = store
        self.worker_id = worker_id
        self._now = now
        self._publish = publish
        self._retry = retry
        self._listening = listening
        self._notices = notices
        self._gates = gates
        self._queue: asyncio.Queue[Outcome] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._idle = asyncio.Event()
        self._idle.set()
        self.written = 0
        self.on_recorded: Callable[[list[uuid.UUID]], None] | None = None
        # The member agents a chained group schedule (@category) runs on (engine sets it).
        self.members: chains.Members = lambda agent_id: (agent_id,)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="agentcron-recorder")

    def put(self, outcome: Outcome) -> None:
        if self._task is None:
            self.start()
        self._idle.clear()
        self._queue.put_nowait(outcome)

    async def flushed(self) -> None:
        """Wait until every outcome handed in so far is committed."""
        await self._idle.wait()

    async def stop(self) -> None:
        await self.flushed()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            first = await self._queue.get()
            self._idle.clear()
            batch = [first]
            while len(batch) < BATCH_MAX and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            await self._write_with_retry(batch)
            if self._queue.empty():
                self._idle.set()

    async def _write_with_retry(self, batch: list[Outcome]) -> None:
        delay = 0.2
        while True:
            try:
                events = await asyncio.to_thread(self._write, batch)
                break
            except Exception:
                # The database is away (restart, network): keep the outcomes and try again.
                # Leases are renewed by the engine meanwhile, so nobody steals these rows.
                log.warning("could not record %d outcome(s); retrying", len(batch), exc_info=True)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
        self.written += len(batch)
        if self.on_recorded is not None:
            self.on_recorded([o.work.execution_id for o in batch])
        for kind, user_id, data in events:
            self._publish(kind, user_id, data)

    def _notify(
        self, session: Session, now: datetime, kept: list[tuple[Outcome, Finish]]
    ) -> list[tuple[str, str, dict[str, Any]]]:
        """Streaks, auto-pause and notices for the final outcomes, and the chained runs
        they start, in the same transaction."""
        finals = [
            Final(
                execution_id=f.execution_id,
                schedule_id=f.schedule_id,
                user_id=o.work.user_id,
                status=f.status,
                error=f.error,
                agent_message=o.notify,
            )
            for o, f in kept
            if f.next_attempt_at is None
        ]
        events = chains.after_finish(session, now, finals, self.members)
        if self._notices is None:
            return events
        return self._notices.after_finish(session, now, finals) + events

    def _paused(
        self,
        o: Outcome,
        now: datetime,
        until: datetime,
        pauses: list[tuple[str, uuid.UUID, datetime, str]],
    ) -> Finish:
        """A 429 with Retry-After: the attempt is given back (kept as cancelled, which uses up
        no retry) and the run waits for its agent, paused until `until` on every instance."""
        seconds = round((until - now).total_seconds())
        reason = f"{o.error}; @{o.work.agent_id}'s starts paused for {seconds} s (Retry-After)"
        pauses.append((o.work.agent_id, o.work.execution_id, until, reason))
        # Given back: no summary or agent task of its own to keep
        return self._finish(
            o,
            now,
            attempt_status=ExecutionStatus.CANCELLED,
            status=ExecutionStatus.PENDING,
            error=reason,
            next_attempt_at=until,
            given_back=True,
        )

    def _finish(
        self,
        o: Outcome,
        now: datetime,
        *,
        attempt_status: ExecutionStatus,
        status: ExecutionStatus,
        error: str | None,
        next_attempt_at: datetime | None,
        given_back: bool = False,
    ) -> Finish:
        """What an outcome writes: the attempt's measures, and what the execution becomes."""
        return Finish(
            execution_id=o.work.execution_id,
            schedule_id=o.work.schedule_id,
            attempt=o.work.attempt,
            attempt_status=attempt_status,
            status=status,
            finished_at=now,
            attempt_started_at=o.work.started_at,
            worker_id=self.worker_id,
            duration_ms=o.duration_ms,
            tokens_used=o.tokens_used,
            input_tokens=o.input_tokens,
            output_tokens=o.output_tokens,
            llm_calls=o.llm_calls,
            cost_usd=o.cost_usd,
            model=o.model,
            agent_task_id=None if given_back else o.agent_task_id,
            summary=None if given_back else o.summary,
            output=o.output,
            steps=steps_json(o.steps),
            error=error,
            error_code=o.error_code,
            next_attempt_at=next_attempt_at,
            shown_status=o.work.shown_status,
        )

    def _write(self, batch: list[Outcome]) -> list[tuple[str, str, dict[str, Any]]]:
        now = self._now()
        finishes: list[Finish] = []
        events: list[tuple[str, str, dict[str, Any]]] = []
        pauses: list[tuple[str, uuid.UUID, datetime, str]] = []
        with self.store.write() as session:
            batch = priced(session, batch, now)  # operators' prices, fixed at this instant
            failures = outcomes.failed_attempt_counts(
                session,
                [o.work.execution_id for o in batch if o.retryable and o.status in RETRIABLE],
            )
            for o in batch:
                paused = pause_until(o.retry_after_s, o.error_code, now)
                if paused is not None:
                    finishes.append(self._paused(o, now, paused, pauses))
                    continue
                retry_at = self._retry.after(
                    o.status,
                    retryable=o.retryable,
                    failures=failures.get(o.work.execution_id, 0) + 1,
                    max_retries=o.work.max_retries,
                    attempt=o.work.attempt,
                    now=now,
                )
                finishes.append(
                    self._finish(
                        o,
                        now,
                        attempt_status=o.status,
                        status=ExecutionStatus.PENDING if retry_at else o.status,
                        error=o.error,
                        next_attempt_at=retry_at,
                    )
                )
            written = outcomes.finish(session, self.worker_id, finishes)
            kept = [
                (o, f) for o, f in zip(batch, finishes, strict=True) if f.execution_id in written
            ]
            notices = self._notify(session, now, kept)
            pauses = [p for p in pauses if p[1] in written]
            if pauses:
                record_pauses(session, now, pauses)
        if self._gates is not None:
            for agent_id, _, until, _ in pauses:
                self._gates.note_pause(agent_id, until)
        tell_finished = self._listening("execution.finished")
        for o, f in kept:
            if f.next_attempt_at is None and not tell_finished:
                continue  # nobody would hear it: a burst skips building thousands
            data: dict[str, Any] = {
                "execution_id": str(o.work.execution_id),
                "schedule_id": str(o.work.schedule_id),
                "agent_id": o.work.agent_id,
                "status": f.status.value,
                "attempt": o.work.attempt,
                "duration_ms": o.duration_ms,
                "tokens_used": o.tokens_used,
                "llm_calls": o.llm_calls,
                "summary": o.summary,
                "error": o.error,
            }
            if o.cost_usd is not None:
                data["cost_usd"] = o.cost_usd
            if f.next_attempt_at is not None:
                data["next_attempt_at"] = f.next_attempt_at.isoformat()
            kind = "execution.retrying" if f.next_attempt_at else "execution.finished"
            events.append((kind, str(o.work.user_id), data))
        events.extend(notices)
        metrics.record_outcomes(
            (f.status.value, o.duration_ms, o.tokens_used, o.llm_calls, o.work.agent_id)
            for o, f in kept
        )
        if len(kept) < len(batch):
            log.warning(
                "dropped %d late outcome(s): their leases expired and another instance "
                "recovered them",
                len(batch) - len(kept),
            )
        for o in batch:
            if o.error:
                log.info(
                    "attempt %d %s: %s",
                    o.work.attempt,
                    o.status.value,
                    o.error[:200],
                    extra={
                        "execution_id": str(o.work.execution_id),
                        "schedule_id": str(o.work.schedule_id),
                        "agent_id": o.work.agent_id,
                        "agent": o.work.agent_id,
                        "attempt": o.work.attempt,
                    },
                )
        return events
