"""The API says what a pending execution waits for: `waiting_for = "agent_limit"`."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update

from agentcron.service.schedules import ScheduleService
from agentcron.store.tables import Execution
from tests.api.helpers import new_caller, seed_schedule

pytestmark = pytest.mark.anyio
S = "/api/scheduled-commands"


async def test_a_run_waiting_for_its_agents_limit_says_so(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    caller = new_caller(app)
    sid = seed_schedule(app, caller)
    services = app.state.runtime.services
    queued = ScheduleService(services).run_now(caller.user, sid)
    plain = (await client.get(f"/api/executions/{queued.id}", headers=caller.headers)).json()
    assert plain["status"] == "pending" and plain["waiting_for"] is None

    with services.store.write() as session:  # as the engine's claim leaves it
        session.execute(
            update(Execution).where(Execution.id == queued.id).values(waiting_for="agent_limit")
        )
    detail = (await client.get(f"/api/executions/{queued.id}", headers=caller.headers)).json()
    assert detail["waiting_for"] == "agent_limit"
    listed = (await client.get(f"{S}/{sid}/executions", headers=caller.headers)).json()
    assert listed["items"][0]["waiting_for"] == "agent_limit"

    with services.store.write() as session:  # once it ran, it waits for nothing
        session.execute(update(Execution).where(Execution.id == queued.id).values(status="success"))
    done = (await client.get(f"/api/executions/{queued.id}", headers=caller.headers)).json()
    assert done["waiting_for"] is None
