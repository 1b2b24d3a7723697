"""Progress of running attempts, told as it happens: steps and output published as events
for the pages and clients watching, and saved to the execution row now and then.

Quick runs pay nothing here: an attempt is reported only once it has run for
`QUIET_S`, so a burst of thousands of sub-second runs publishes nothing but its
outcomes. The reporter runs on real time (what people see), beside the fire loop.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from agentcron.engine.progress import Progress, steps_json
from agentcron.engine.runner import Work
from agentcron.store import outcomes
from agentcron.store.database import Store
from agentcron.store.records import Progress as SavedProgress

log = logging.getLogger(__name__)

QUIET_S = 1.0  # an attempt younger than this is not reported: it will likely end first
EVERY_S = 0.5  # how often new steps and output are published
SAVE_EVERY_S = 5.0  # how often a long attempt's progress is written to its row

Publish = Callable[[str, str, dict[str, Any]], None]


class LiveProgress:
    def __init__(self, store: Store, worker_id: str, publish: Publish) -> None:
        self.store = store
        self.worker_id = worker_id
        self._publish = publish
        self._running: dict[uuid.UUID, tuple[Work, Progress]] = {}

    def track(self, work: Work) -> Progress:
        progress = Progress()
        self._running[work.execution_id] = (work, progress)
        return progress

    def forget(self, execution_id: uuid.UUID) -> None:
        self._running.pop(execution_id, None)

    async def run(self) -> None:
        while True:
            await asyncio.sleep(EVERY_S)
            try:
                await self.report()
            except Exception:
                log.warning("could not report the progress of running attempts", exc_info=True)

    async def report(self, *, now: float | None = None) -> int:
        """Publish what is new, and save what is due; returns how many attempts were told."""
        now = time.monotonic() if now is None else now
        told = 0
        to_save: list[SavedProgress] = []
        for work, progress in list(self._running.values()):
            if now - progress.started < QUIET_S:
                continue
            base = {
                "execution_id": str(work.execution_id),
                "schedule_id": str(work.schedule_id),
                "attempt": work.attempt,
            }
            user = str(work.user_id)
            for step in progress.new_steps():
                self._publish("execution.step", user, {**base, "step": step.to_dict()})
                told += 1
            chunk = progress.new_output()
            if chunk:
                self._publish("execution.output", user, {**base, "chunk": chunk})
                told += 1
            if now - progress.saved_at >= SAVE_EVERY_S and (progress.steps or progress.size):
                progress.saved_at = now
                to_save.append(
                    SavedProgress(
                        work.execution_id,
                        work.attempt,
                        progress.output() or None,
                        steps_json(progress.steps),
                    )
                )
        if to_save:
            await asyncio.to_thread(self._save, to_save)
        return told

    def _save(self, rows: list[SavedProgress]) -> None:
        with self.store.write() as session:
            outcomes.save_progress(session, self.worker_id, rows)
