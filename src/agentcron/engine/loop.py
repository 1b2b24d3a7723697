"""The fire loop: each turn reads the clock once, claims what is due in batches, starts the
attempts, and sleeps until the next due instant or until something wakes it.

Nothing is held in memory between turns but the attempts this process is running; the rows
are the truth (ARCHITECTURE.md, invariant 1), so any instance may die and another carries on.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from agentcron import __version__
from agentcron.agents.signing import signature_headers
from agentcron.config import Settings
from agentcron.engine import metrics
from agentcron.engine.admission import claim_batch
from agentcron.engine.claim_result import ClaimResult
from agentcron.engine.clock import Clock
from agentcron.engine.events import WAKING, Event, EventBus
from agentcron.engine.gates import Gates, limits_of
from agentcron.engine.live import LiveProgress
from agentcron.engine.notices import CREATED, Notices
from agentcron.engine.recorder import Recorder
from agentcron.engine.recovery import hand_back, recover_expired
from agentcron.engine.resume import resume_due
from agentcron.engine.retention import prune
from agentcron.engine.retry import RetryPolicy
from agentcron.engine.runner import AgentLookup, Work, run_attempt
from agentcron.engine.sender import Sender
from agentcron.notify import Dispatcher
from agentcron.store import claims, instances, outcomes, pauses
from agentcron.store.database import Store
from agentcron.store.tables import Instance

log = logging.getLogger(__name__)
TICK_FLOOR = timedelta(milliseconds=25)  # the least time between turns that find work
INSTANCES_KEPT = timedelta(days=7)  # how long stopped or silent instances stay listed


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


@dataclass(slots=True)
class TurnReport:
    started: int = 0
    missed: int = 0
    skipped: int = 0
    retried: int = 0
    recovered: int = 0
    resumed: int = 0
    held: int = 0
    lags_s: list[float] = field(default_factory=list)

    def add(self, claim: ClaimResult) -> None:
        self.started += claim.started
        self.missed += claim.missed
        self.skipped += claim.skipped
        self.retried += claim.retried
        self.held += claim.held
        self.lags_s.extend(claim.lags_s)


class Engine:
    """Claims and runs due work. `tick()` is one turn (tests call it after moving the
    clock); `start()` runs turns forever in the background until `stop()`."""

    def __init__(
        self,
        store: Store,
        agents: AgentLookup,
        clock: Clock,
        settings: Settings,
        bus: EventBus | None = None,
        *,
        worker_id: str | None = None,
        role: str = "serve",
        rng: random.Random | None = None,
        dispatcher: Dispatcher | None = None,
    ) -> None:
        self.store = store
        self.agents = agents
        self.clock = clock
        self.settings = settings
        self.worker_id = worker_id or new_worker_id()
        self.bus = bus or EventBus(self.worker_id)
        self.role = role
        self.lease = timedelta(seconds=settings.lease_s)
        self.retry = RetryPolicy(
            settings.retry_backoff_base_s, settings.retry_backoff_max_s, rng or random.Random()
        )
        self._tasks: set[asyncio.Task[None]] = set()
        self._held: set[uuid.UUID] = set()  # executions running here, until their outcome commits
        self._renewed_at: datetime | None = None  # clock time of the last renewal of all held
        self._horizon: tuple[datetime | None, datetime | None] | None = None
        self._waiting_for_room = False
        self._wake = asyncio.Event()
        self._stopping = False
        self._claiming = True
        self._loop_task: asyncio.Task[None] | None = None
        self._maintenance_task: asyncio.Task[None] | None = None
        self._live_task: asyncio.Task[None] | None = None
        self._next_recovery: datetime | None = None
        self._next_resume: datetime | None = None  # when a pause given an end next ends
        self.notices = Notices(base_url_of(settings))
        self.gates = Gates(limits_of(agents))
        self._gated: set[uuid.UUID] = set()  # held executions of gated agents (limits, pauses)
        self.recorder = Recorder(
            store,
            worker_id=self.worker_id,
            now=clock.now,
            publish=self._publish,
            retry=self.retry,
            notices=self.notices,
            listening=self.bus.listening,
            gates=self.gates,
        )
        self.recorder.on_recorded = self._recorded
        # Group schedules (@category) run on every member; a lookup without groups runs
        # each schedule on its own agent.
        self.members: Callable[[str], Sequence[str]] = getattr(
            agents, "members", lambda agent_id: (agent_id,)
        )
        self.recorder.members = self.members
        self.live = LiveProgress(store, self.worker_id, self._publish)
        self._owns_dispatcher = dispatcher is None
        self.dispatcher = dispatcher or build_dispatcher(settings, clock)
        self.sender = Sender(
            store,
            clock,
            settings,
            self.dispatcher,
            worker_id=self.worker_id,
            publish=self._publish,
            rng=self.retry.rng,
        )

    # -- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        """Register this instance, recover lost work, and start the loop and its upkeep."""
        self.bus.bind(asyncio.get_running_loop())
        self.bus.on_event(self._on_event)
        warm = getattr(self.agents, "warm", None)
        if callable(warm):  # the agents' HTTP client, before the first fire needs it
            warm()
        self.recorder.start()
        await asyncio.to_thread(self._register)
        self._loop_task = asyncio.create_task(self._run(), name="agentcron-engine")
        self._maintenance_task = asyncio.create_task(self._maintain(), name="agentcron-upkeep")
        self._live_task = asyncio.create_task(self.live.run(), name="agentcron-progress")
        self.sender.start()

    async def stop(self, grace_s: float | None = None) -> None:
        """Stop claiming, let running attempts finish within the grace period, hand the rest
        back to the database for another instance (or the next start) to pick up."""
        grace = self.settings.shutdown_grace_s if grace_s is None else grace_s
        self._claiming = False
        self._stopping = True
        self.wake()
        if self._loop_task is not None:
            # Let the current turn end on its own: cancelling it mid-claim would leave the
            # claim's thread committing rows that nobody then runs.
            done, _ = await asyncio.wait({self._loop_task}, timeout=10)
            if not done:
                self._loop_task.cancel()
            await asyncio.gather(self._loop_task, return_exceptions=True)
        if self._tasks:
            _, still = await asyncio.wait(set(self._tasks), timeout=grace)
            for task in still:
                task.cancel()
            await asyncio.gather(*still, return_exceptions=True)
        await self.recorder.stop()
        # After the recorder: the last outcomes' notices are written, and this round sends
        # what it can; the rest waits in the outbox for any instance.
        await self.sender.stop()
        if self._owns_dispatcher:
            await self.dispatcher.aclose()
        upkeep = [t for t in (self._maintenance_task, self._live_task) if t is not None]
        for task in upkeep:
            task.cancel()
        await asyncio.gather(*upkeep, return_exceptions=True)
        try:
            handed = await asyncio.to_thread(
                hand_back, self.store, self.worker_id, self.clock.now()
            )
            if handed:
                log.info("handed back %d execution(s) at shutdown", handed)
            await asyncio.to_thread(self._deregister)
        except Exception:
            log.warning("could not hand back work at shutdown; leases will expire", exc_info=True)

    def wake(self) -> None:
        self._wake.set()

    @property
    def running_count(self) -> int:
        return len(self._tasks)

    # -- one turn -----------------------------------------------------------------------------

    async def tick(self) -> TurnReport:
        """Claim everything due now (batch after batch while capacity lasts) and start it."""
        now = self.clock.now()
        report = TurnReport()
        recovery_due = self._next_recovery is None or now >= self._next_recovery
        if self._held and (recovery_due or self._lease_renewal_due(now)):
            # We are alive and holding work: say so before anyone judges our leases. Not on
            # every turn: a burst takes dozens of turns a second, and a lease renewed less
            # than a third of its length ago still has two thirds to run.
            await asyncio.to_thread(self.renew_leases)
        if recovery_due:
            report.recovered = await self.recover(now)
            self._next_recovery = now + timedelta(seconds=self.settings.recovery_interval_s)
        if self._next_resume is None or now >= self._next_resume:
            report.resumed = await self.resume_paused(now)
        self._horizon = None
        while self._claiming:
            capacity = self.settings.runner_concurrency - len(self._tasks)
            if capacity <= 0:
                break
            limit = min(capacity, self.settings.claim_batch_size)
            claim = await asyncio.to_thread(self._claim, now, limit)
            report.add(claim)
            self._launch(claim)
            self._horizon = claim.horizon
            if claim.started + claim.missed + claim.skipped + claim.held < limit:
                break
        return report

    def _lease_renewal_due(self, now: datetime) -> bool:
        renewed = self._renewed_at
        return renewed is None or now - renewed >= self.lease / 3 or now < renewed

    async def wait_idle(self) -> None:
        """Wait for every running attempt to end and its outcome to be committed."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        await self.recorder.flushed()

    async def resume_paused(self, now: datetime) -> int:
        """Resume schedules whose pause has ended (engine/resume.py); looked at again when
        the next pause ends, or at the recovery interval for pauses set meanwhile."""
        resumed, events = await asyncio.to_thread(resume_due, self.store, now)
        for kind, user_id, data in events:
            self._publish(kind, user_id, data)
        upcoming = await asyncio.to_thread(self._earliest_pause_end)
        ceiling = now + timedelta(seconds=self.settings.recovery_interval_s)
        self._next_resume = min(upcoming, ceiling) if upcoming is not None else ceiling
        return len(resumed)

    def _earliest_pause_end(self) -> datetime | None:
        with self.store.read() as session:
            return pauses.earliest(session)

    async def recover(self, now: datetime) -> int:
        recovered, events = await asyncio.to_thread(
            recover_expired, self.store, now, self.retry, self.notices, self.members
        )
        for kind, user_id, data in events:
            self._publish(kind, user_id, data)
        if recovered:
            metrics.RECOVERED.inc(recovered)
            log.warning("recovered %d execution(s) from lost workers", recovered)
        return recovered

    def _claim(self, now: datetime, limit: int) -> ClaimResult:
        # Events cost a few µs each; in a burst nobody may be listening (no page, no other
        # instance), and thousands of them would be built for nothing.
        tell = self.bus.listening("execution.started")
        return claim_batch(
            self.store,
            self.gates,
            now,
            limit,
            worker_id=self.worker_id,
            lease=self.lease,
            notices=self.notices,
            events=tell,
            members=self.members,
        )

    def _launch(self, claim: ClaimResult) -> None:
        for kind, user_id, data in claim.events:
            self._publish(kind, user_id, data)
        if claim.missed:
            metrics.FIRES.labels(status="missed").inc(claim.missed)
        if claim.skipped:
            metrics.FIRES.labels(status="skipped").inc(claim.skipped)
        if claim.retried:
            metrics.RETRIES.inc(claim.retried)
        for lag in claim.lags_s:
            metrics.LAG.observe(lag)
        first_tries = 0
        gated = self.gates.is_gated
        for work in claim.work:
            self._held.add(work.execution_id)
            if gated(work.agent_id):
                self._gated.add(work.execution_id)
            first_tries += work.attempt == 1
            task = asyncio.create_task(self._attempt(work), name="agentcron-attempt")
            self._tasks.add(task)
            task.add_done_callback(self._done)
        if first_tries:
            metrics.FIRES.labels(status="started").inc(first_tries)
        metrics.RUNNING.set(len(self._tasks))

    def _recorded(self, execution_ids: list[uuid.UUID]) -> None:
        self._held.difference_update(execution_ids)
        if self._gated and not self._gated.isdisjoint(execution_ids):
            # A run of a limited agent ended and its outcome is committed: its room is free
            # now, so a run waiting for it starts at once rather than at its next check.
            self._gated.difference_update(execution_ids)
            self._wake.set()

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        metrics.RUNNING.set(len(self._tasks))
        # Only a loop waiting for room needs this: waking it on every finished attempt would
        # cost a turn per execution. New due work wakes it through events instead.
        if self._waiting_for_room and len(self._tasks) < self.settings.runner_concurrency:
            self._wake.set()

    async def _attempt(self, work: Work) -> None:
        debug = log.isEnabledFor(logging.DEBUG)  # the ids cost more than a quick agent call
        if debug:
            ids = {"execution_id": str(work.execution_id), "attempt": work.attempt}
            log.debug("attempt started", extra={**ids, "agent": work.agent_id})
        progress = self.live.track(work)
        try:
            outcome = await run_attempt(
                work,
                self.agents,
                output_max_bytes=self.settings.output_max_bytes,
                progress=progress,
                max_tokens_allowance=work.token_allowance,
            )
        finally:
            self.live.forget(work.execution_id)
        if debug:
            log.debug(
                "attempt ended: %s in %d ms", outcome.status.value, outcome.duration_ms, extra=ids
            )
        self.recorder.put(outcome)

    # -- the loop -----------------------------------------------------------------------------

    async def _run(self) -> None:
        backoff = 0.5
        while not self._stopping:
            try:
                self._wake.clear()
                if self._stopping:
                    break
                turn_started = self.clock.now()
                report = await self.tick()
                backoff = 0.5
                if len(self._tasks) >= self.settings.runner_concurrency:
                    self._waiting_for_room = True
                    try:
                        await self._wake.wait()  # a finishing attempt frees room and wakes us
                    finally:
                        self._waiting_for_room = False
                    continue
                if self._horizon is not None:  # the last claim already looked ahead
                    deadline = self._deadline(*self._horizon)
                else:
                    deadline = await asyncio.to_thread(self._next_deadline)
                if report.started or report.missed or report.skipped:
                    # Slots a few ms apart (333 a second from 100,000 five-minute schedules)
                    # would each cost a turn and two commits; after a turn that found work,
                    # the next one waits for the slots due in the next TICK_FLOOR together.
                    # A wake (a new schedule, a run-now) still starts a turn at once.
                    deadline = max(deadline, turn_started + TICK_FLOOR)
                if not self._stopping:
                    await self.clock.sleep_until(deadline, self._wake)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("engine turn failed; retrying in %.1f s", backoff, exc_info=True)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)

    def _next_deadline(self) -> datetime:
        with self.store.read() as session:
            return self._deadline(claims.earliest_due(session), claims.earliest_pending(session))

    def _deadline(self, due: datetime | None, pending: datetime | None) -> datetime:
        ceiling = self.clock.now() + timedelta(seconds=self.settings.loop_ceiling_s)
        candidates = [due, pending, ceiling, self._next_recovery, self._next_resume]
        return min(c for c in candidates if c is not None)

    async def _maintain(self) -> None:
        """Heartbeat and lease renewal, on real time: a lease is a promise to other processes."""
        interval = min(self.settings.heartbeat_s, self.settings.lease_s / 3)
        retain = self.settings.retention_days or self.settings.retention_per_schedule
        next_prune = 0.0
        while True:
            await asyncio.sleep(interval)
            try:
                await asyncio.to_thread(self._heartbeat)
            except Exception:
                log.warning("heartbeat failed", exc_info=True)
            if retain and time.monotonic() >= next_prune:
                next_prune = time.monotonic() + self.settings.retention_interval_s
                try:
                    await prune(self.store, self.settings, self.clock.now())
                except Exception:
                    log.warning("pruning history failed; will try again", exc_info=True)

    def _heartbeat(self) -> None:
        now = self.clock.now()
        with self.store.write() as session:
            instances.heartbeat(session, self.worker_id, now)
            outcomes.renew_leases(session, self.worker_id, list(self._held), now + self.lease)
        self._renewed_at = now

    def renew_leases(self) -> int:
        if not self._held:
            return 0
        now = self.clock.now()
        with self.store.write() as session:
            renewed = outcomes.renew_leases(
                session, self.worker_id, list(self._held), now + self.lease
            )
        self._renewed_at = now
        return renewed

    def _register(self) -> None:
        now = self.clock.now()
        with self.store.write() as session:
            instances.forget_older_than(session, now - INSTANCES_KEPT)
            instances.register(
                session,
                Instance(
                    id=self.worker_id,
                    host=socket.gethostname()[:255],
                    pid=os.getpid(),
                    role=self.role,
                    version=__version__,
                    started_at=now,
                    heartbeat_at=now,
                    stopped_at=None,
                ),
            )

    def _deregister(self) -> None:
        with self.store.write() as session:
            instances.stopped(session, self.worker_id, self.clock.now())

    # -- events -------------------------------------------------------------------------------

    def _publish(self, kind: str, user_id: str, data: dict[str, Any]) -> None:
        self.bus.publish(kind, user_id, **data)

    def _on_event(self, event: Event) -> None:
        if event.kind in WAKING:
            self._wake.set()
        elif event.kind == CREATED:
            self.sender.wake()


def base_url_of(settings: Settings) -> str:
    """Where people reach this agentcron, for links in notifications."""
    return (settings.public_url or f"http://{settings.host}:{settings.port}").rstrip("/")


def build_dispatcher(settings: Settings, clock: Clock) -> Dispatcher:
    """The channel senders, signing webhooks exactly as webhook agents are signed."""
    return Dispatcher(
        sign=signature_headers,
        now=clock.now,
        allow_private=settings.notify_allow_private,
        timeout_s=settings.notify_timeout_s,
    )
