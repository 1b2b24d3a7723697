"""The fire loop: each turn reads the clock once, claims what is due in batches, starts the
attempts, and sleeps until the next due instant or until something wakes it.

Nothing is held in memory between turns but the attempts this process is running
(`attempts`); the rows are the truth (ARCHITECTURE.md, invariant 1), so any instance may
die and another carries on. What a claimed slot becomes is decided in `admission`; the
duties beside firing (heartbeat, leases, recovery, resumes, pruning) are in `upkeep`.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from agentcron.config import Settings
from agentcron.engine.admission import claim_batch
from agentcron.engine.attempts import Attempts
from agentcron.engine.claim_result import ClaimResult
from agentcron.engine.clock import Clock
from agentcron.engine.delivery import base_url_of, build_dispatcher
from agentcron.engine.events import WAKING, Event, EventBus
from agentcron.engine.gates import Gates, limits_of
from agentcron.engine.live import LiveProgress
from agentcron.engine.notices import CREATED, Notices
from agentcron.engine.recorder import Recorder
from agentcron.engine.recovery import hand_back
from agentcron.engine.retry import RetryPolicy
from agentcron.engine.runner import AgentLookup
from agentcron.engine.sender import Sender
from agentcron.engine.upkeep import Upkeep, new_worker_id
from agentcron.notify import Dispatcher
from agentcron.store import claims
from agentcron.store.database import Store

log = logging.getLogger(__name__)
TICK_FLOOR = timedelta(milliseconds=25)  # the least time between turns that find work


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
        self._horizon: tuple[datetime | None, datetime | None] | None = None
        self._wake = asyncio.Event()
        self._stopping = False
        self._claiming = True
        self._loop_task: asyncio.Task[None] | None = None
        self._maintenance_task: asyncio.Task[None] | None = None
        self._live_task: asyncio.Task[None] | None = None
        self.notices = Notices(base_url_of(settings))
        self.gates = Gates(limits_of(agents))
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
        # Group schedules (@category) run on every member; a lookup without groups runs
        # each schedule on its own agent.
        self.members: Callable[[str], Sequence[str]] = getattr(
            agents, "members", lambda agent_id: (agent_id,)
        )
        self.recorder.members = self.members
        self.live = LiveProgress(store, self.worker_id, self._publish)
        self.attempts = Attempts(
            agents, settings, self.recorder, self.live, self.gates, self._publish, self._wake
        )
        self.recorder.on_recorded = self.attempts.recorded
        self.upkeep = Upkeep(
            store,
            clock,
            settings,
            worker_id=self.worker_id,
            role=role,
            lease=self.lease,
            held=self.attempts.held,
            retry=self.retry,
            notices=self.notices,
            members=self.members,
            publish=self._publish,
        )
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
        await asyncio.to_thread(self.upkeep.register)
        self._loop_task = asyncio.create_task(self._run(), name="agentcron-engine")
        self._maintenance_task = asyncio.create_task(self.upkeep.run(), name="agentcron-upkeep")
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
        await self.attempts.drain(grace)
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
            await asyncio.to_thread(self.upkeep.deregister)
        except Exception:
            log.warning("could not hand back work at shutdown; leases will expire", exc_info=True)

    def wake(self) -> None:
        self._wake.set()

    @property
    def running_count(self) -> int:
        return self.attempts.running

    # -- one turn -----------------------------------------------------------------------------

    async def tick(self) -> TurnReport:
        """Claim everything due now (batch after batch while capacity lasts) and start it."""
        now = self.clock.now()
        report = TurnReport()
        upkeep = self.upkeep
        recovery_due = upkeep.recovery_due(now)
        if self.attempts.held and (recovery_due or upkeep.lease_renewal_due(now)):
            # We are alive and holding work: say so before anyone judges our leases. Not on
            # every turn: a burst takes dozens of turns a second, and a lease renewed less
            # than a third of its length ago still has two thirds to run.
            await asyncio.to_thread(upkeep.renew_leases)
        if recovery_due:
            report.recovered = await upkeep.recover(now)
        if upkeep.resume_due(now):
            report.resumed = await upkeep.resume_paused(now)
        self._horizon = None
        while self._claiming:
            capacity = self.settings.runner_concurrency - self.attempts.running
            if capacity <= 0:
                break
            limit = min(capacity, self.settings.claim_batch_size)
            claim = await asyncio.to_thread(self._claim, now, limit)
            report.add(claim)
            self.attempts.launch(claim)
            self._horizon = claim.horizon
            if claim.started + claim.missed + claim.skipped + claim.held < limit:
                break
        return report

    async def wait_idle(self) -> None:
        """Wait for every running attempt to end and its outcome to be committed."""
        await self.attempts.wait_idle()

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
                if self.attempts.running >= self.settings.runner_concurrency:
                    await self.attempts.wait_for_room()  # a finishing attempt wakes us
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
        upkeep = self.upkeep
        candidates = [due, pending, ceiling, upkeep.next_recovery, upkeep.next_resume]
        return min(c for c in candidates if c is not None)

    # -- events -------------------------------------------------------------------------------

    def _publish(self, kind: str, user_id: str, data: dict[str, Any]) -> None:
        self.bus.publish(kind, user_id, **data)

    def _on_event(self, event: Event) -> None:
        if event.kind in WAKING:
            self._wake.set()
        elif event.kind == CREATED:
            self.sender.wake()
