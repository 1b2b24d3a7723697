"""A run waiting for its agent's limit reads "queued for @alice's limit" on the execution
page and in the history (a real browser)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from agentcron.store.tables import Execution

from .conftest import Person, Site, shoot

pytestmark = pytest.mark.browser


def test_a_run_waiting_for_its_agents_limit_is_said_in_words(
    page: Any, site: Site, ann: Person
) -> None:
    schedule_id = site.schedule(ann, "@alice check deprecated models every day at 9am")
    services = site.server.runtime.services
    now = services.clock.now()
    execution = Execution(  # as the engine's claim leaves a slot over @alice's limit
        id=uuid.uuid4(),
        schedule_id=uuid.UUID(schedule_id),
        user_id=ann.user.id,
        agent_id="alice",
        trigger="schedule",
        scheduled_for=now,
        created_at=now,
        status="pending",
        attempt=0,
        missed_count=0,
        next_attempt_at=now + timedelta(days=1),  # not to be started by the engine here
        waiting_for="agent_limit",
    )
    with services.store.write() as session:
        session.add(execution)
    page.goto(site.login_link(ann))
    expect(page.get_by_role("heading", name="Mission Control")).to_be_visible()

    page.goto(f"/executions/{execution.id}")
    expect(page.locator("[data-waiting-for]")).to_have_text("queued for @alice's limit")
    page.goto(f"/schedules/{schedule_id}/history")
    row = page.locator(f"#execution-{execution.id}")
    expect(row.locator("[data-waiting-for]")).to_have_text("queued for @alice's limit")
    shoot(page, "history-waiting-for-limit")
