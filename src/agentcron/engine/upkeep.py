"""The engine's duties besides firing: this instance's presence (registered at start, a
heartbeat, its leases renewed, marked stopped at the end), recovery of lost workers' work,
the end of pauses given an end, and the pruning of history.

Recovery and resumes are paced by the engine's clock, from the loop's turns (tests move the
clock and see them happen); the heartbeat, lease renewal and pruning run on real time,
because a lease is a promise to other processes.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from collections.abc import Set
from datetime import datetime, timedelta

from agentcron import __version__
from agentcron.config import Settings
from agentcron.engine import chains, metrics
from agentcron.engine.clock import Clock
from agentcron.engine.live import Publish
from agentcron.engine.notices import Notices
from agentcron.engine.recovery import recover_expired
from agentcron.engine.resume import resume_due
from agentcron.engine.retention import prune
from agentcron.engine.retry import RetryPolicy
from agentcron.store import instances, outcomes, pauses
from agentcron.store.database import Store
from agentcron.store.tables import Instance

log = logging.getLogger(__name__)
INSTANCES_KEPT = timedelta(days=7)  # how long stopped or silent instances stay listed


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


class Upkeep:
    """Keeps this instance's word (its row, its leases) and does the engine's periodic work.
    `held` is the live set of executions running here (`Attempts.held`), read, not owned."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        settings: Settings,
        *,
        worker_id: str,
        role: str,
        lease: timedelta,
        held: Set[uuid.UUID],
        retry: RetryPolicy,
        notices: Notices,
        members: chains.Members,
        publish: Publish,
    ) -> None:
        self.store = store
        self.clock = clock
        self.settings = settings
        self.worker_id = worker_id
        self.role = role
        self.lease = lease
        self.held = held
        self.retry = retry
        self.notices = notices
        self.members = members
        self._publish = publish
        self._renewed_at: datetime | None = None  # clock time of the last renewal of all held
        self.next_recovery: datetime | None = None
        self.next_resume: datetime | None = None  # when a pause given an end next ends

    # -- paced by the loop's turns --------------------------------------------------------

    def recovery_due(self, now: datetime) -> bool:
        return self.next_recovery is None or now >= self.next_recovery

    def resume_due(self, now: datetime) -> bool:
        return self.next_resume is None or now >= self.next_resume

    def lease_renewal_due(self, now: datetime) -> bool:
        renewed = self._renewed_at
        return renewed is None or now - renewed >= self.lease / 3 or now < renewed

    async def recover(self, now: datetime) -> int:
        """Recover lost workers' executions (engine/recovery.py); looked at again after the
        recovery interval."""
        recovered, events = await asyncio.to_thread(
            recover_expired, self.store, now, self.retry, self.notices, self.members
        )
        for kind, user_id, data in events:
            self._publish(kind, user_id, data)
        if recovered:
            metrics.RECOVERED.inc(recovered)
            log.warning("recovered %d execution(s) from lost workers", recovered)
        self.next_recovery = now + timedelta(seconds=self.settings.recovery_interval_s)
        return recovered

    async def resume_paused(self, now: datetime) -> int:
        """Resume schedules whose pause has ended (engine/resume.py); looked at again when
        the next pause ends, or at the recovery interval for pauses set meanwhile."""
        resumed, events = await asyncio.to_thread(resume_due, self.store, now)
        for kind, user_id, data in events:
            self._publish(kind, user_id, data)
        upcoming = await asyncio.to_thread(self._earliest_pause_end)
        ceiling = now + timedelta(seconds=self.settings.recovery_interval_s)
        self.next_resume = min(upcoming, ceiling) if upcoming is not None else ceiling
        return len(resumed)

    def _earliest_pause_end(self) -> datetime | None:
        with self.store.read() as session:
            return pauses.earliest(session)

    def renew_leases(self) -> int:
        if not self.held:
            return 0
        now = self.clock.now()
        with self.store.write() as session:
            renewed = outcomes.renew_leases(
                session, self.worker_id, list(self.held), now + self.lease
            )
        self._renewed_at = now
        return renewed

    # -- on real time -----------------------------------------------------------------------

    async def run(self) -> None:
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
            outcomes.renew_leases(session, self.worker_id, list(self.held), now + self.lease)
        self._renewed_at = now

    # -- this instance's row ----------------------------------------------------------------

    def register(self) -> None:
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

    def deregister(self) -> None:
        with self.store.write() as session:
            instances.stopped(session, self.worker_id, self.clock.now())
