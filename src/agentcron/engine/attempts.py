"""The attempts this process is running: each claimed one in its own task, its execution
held (its lease renewed by `upkeep`) until its outcome is committed by the recorder.

This is all the engine keeps in memory between turns; the rows are the truth
(ARCHITECTURE.md, invariant 1). The loop starts no more than `runner_concurrency` at once,
and when full it waits here for room.
"""

from __future__ import annotations

import asyncio
import logging
import uuid

from agentcron.config import Settings
from agentcron.engine import metrics
from agentcron.engine.claim_result import ClaimResult
from agentcron.engine.gates import Gates
from agentcron.engine.live import LiveProgress, Publish
from agentcron.engine.recorder import Recorder
from agentcron.engine.runner import AgentLookup, Work, run_attempt

log = logging.getLogger(__name__)


class Attempts:
    """Starts the attempts of a claim, and wakes the loop when one frees room it waits for."""

    def __init__(
        self,
        agents: AgentLookup,
        settings: Settings,
        recorder: Recorder,
        live: LiveProgress,
        gates: Gates,
        publish: Publish,
        wake: asyncio.Event,
    ) -> None:
        self.agents = agents
        self.settings = settings
        self.recorder = recorder
        self.live = live
        self.gates = gates
        self._publish = publish
        self._wake = wake  # the loop's: set, it starts a turn
        self.tasks: set[asyncio.Task[None]] = set()
        self.held: set[uuid.UUID] = set()  # executions running here, until their outcome commits
        self._gated: set[uuid.UUID] = set()  # held executions of gated agents (limits, pauses)
        self._waiting_for_room = False

    @property
    def running(self) -> int:
        return len(self.tasks)

    def launch(self, claim: ClaimResult) -> None:
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
            self.held.add(work.execution_id)
            if gated(work.agent_id):
                self._gated.add(work.execution_id)
            first_tries += work.attempt == 1
            task = asyncio.create_task(self._attempt(work), name="agentcron-attempt")
            self.tasks.add(task)
            task.add_done_callback(self._done)
        if first_tries:
            metrics.FIRES.labels(status="started").inc(first_tries)
        metrics.RUNNING.set(len(self.tasks))

    async def wait_for_room(self) -> None:
        """Wait until a finishing attempt frees room (or anything else wakes the loop)."""
        self._waiting_for_room = True
        try:
            await self._wake.wait()
        finally:
            self._waiting_for_room = False

    async def wait_idle(self) -> None:
        """Wait for every running attempt to end and its outcome to be committed."""
        while self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)
        await self.recorder.flushed()

    async def drain(self, grace_s: float) -> None:
        """Let running attempts finish within `grace_s`, cancelling those still running."""
        if self.tasks:
            _, still = await asyncio.wait(set(self.tasks), timeout=grace_s)
            for task in still:
                task.cancel()
            await asyncio.gather(*still, return_exceptions=True)

    def recorded(self, execution_ids: list[uuid.UUID]) -> None:
        """The recorder committed these outcomes: they are no longer held here."""
        self.held.difference_update(execution_ids)
        if self._gated and not self._gated.isdisjoint(execution_ids):
            # A run of a limited agent ended and its outcome is committed: its room is free
            # now, so a run waiting for it starts at once rather than at its next check.
            self._gated.difference_update(execution_ids)
            self._wake.set()

    def _done(self, task: asyncio.Task[None]) -> None:
        self.tasks.discard(task)
        metrics.RUNNING.set(len(self.tasks))
        # Only a loop waiting for room needs this: waking it on every finished attempt would
        # cost a turn per execution. New due work wakes it through events instead.
        if self._waiting_for_room and len(self.tasks) < self.settings.runner_concurrency:
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
