"""The execution page: every attempt's timeline of model and tool calls, what it cost and
why it failed; a pending retry said in words; and a run followed live, steps and output
arriving while the agent works (a real `python` agent on the real engine)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from agentcron.app import create_app
from agentcron.config import Settings
from tests.support import narrator
from tests.support.live import LiveServer
from tests.support.transcripts import MODEL, seed_run

from .conftest import AGENTS, Person, Site, shoot

pytestmark = pytest.mark.browser


def _signed_in(page: Any, site: Site, person: Person) -> None:
    page.goto(site.login_link(person))
    expect(page.get_by_role("heading", name="Mission Control")).to_be_visible()


def _seeded(site: Site, person: Person, *, retrying: bool = False) -> tuple[str, str]:
    schedule_id = site.schedule(person, "@alice check deprecated models every day at 9am")
    services = site.server.runtime.services
    execution_id = seed_run(
        services, person.user.id, schedule_id, "alice", services.clock.now(), retrying=retrying
    )
    return schedule_id, str(execution_id)


def test_the_timeline_shows_each_attempts_steps_cost_and_why(
    page: Any, site: Site, ann: Person
) -> None:
    _, execution_id = _seeded(site, ann)
    _signed_in(page, site, ann)
    page.goto(f"/executions/{execution_id}")

    attempts = page.locator("[data-attempt-section]")
    expect(attempts).to_have_count(2)
    first, second = attempts.nth(0), attempts.nth(1)
    expect(first.locator(".attempt-head")).to_contain_text("Attempt 1 of 4")
    expect(first.locator("[data-step]")).to_have_count(2)
    expect(second.locator("[data-step]")).to_have_count(3)
    expect(first.locator(".attempt-error")).to_contain_text("tool_server")
    # Each step: kind, name, start offset, duration, tokens, error.
    tool = first.locator('[data-step][data-kind="tool"]')
    expect(tool.locator(".step-kind")).to_have_text("tool")
    expect(tool.locator(".step-name")).to_have_text("list_models")
    expect(tool.locator(".step-at")).to_have_text("+950 ms")
    expect(tool.locator(".step-duration")).to_have_text("30 ms")
    expect(tool.locator(".step-error")).to_contain_text("connection refused")
    model = second.locator('[data-step][data-kind="llm"]').last
    expect(model.locator(".step-name")).to_have_text(MODEL)
    expect(model.locator(".step-at")).to_have_text("+1.3 s")
    expect(model.locator(".step-tokens")).to_have_text("300 in · 90 out")
    # The detail opens on demand: arguments (secrets masked) and the result.
    call = second.locator('[data-step][data-kind="tool"]')
    expect(call.locator(".step-detail")).to_be_hidden()
    call.locator("summary").click()
    expect(call.locator(".step-detail")).to_contain_text('"api_key": "***"')
    expect(call.locator(".step-detail")).to_contain_text('["gpt-old", "claude-1"]')
    # Cost, model, and the error code in words.
    expect(page.locator("[data-cost]")).to_have_text("$0.0015")
    expect(page.locator("[data-model]")).to_have_text(MODEL)
    expect(page.locator("[data-error-code]")).to_have_text("max_tokens")
    expect(page.locator(".why-code")).to_contain_text("more tokens than its limit allows")
    shoot(page, "execution-timeline")


def test_a_pending_retry_says_when_and_which_attempt_everywhere(
    page: Any, site: Site, ann: Person
) -> None:
    schedule_id, execution_id = _seeded(site, ann, retrying=True)
    _signed_in(page, site, ann)
    said = re.compile(r"^retrying at \d\d:\d\d UTC \(attempt 3 of 4\)$")

    page.goto(f"/executions/{execution_id}")
    expect(page.locator("[data-retrying]")).to_have_text(said)
    expect(page.locator("[data-attempt-section]")).to_have_count(2)
    page.goto(f"/schedules/{schedule_id}/history")
    expect(page.locator(f"#execution-{execution_id} [data-retrying]")).to_have_text(said)
    page.goto("/schedules")
    expect(page.locator(f"#schedule-{schedule_id} .last-cell [data-retrying]")).to_have_text(said)


@pytest.fixture
def scout_site(sqlite_url: str, tmp_path: Path) -> Iterator[Site]:
    agents = tmp_path / "agents.toml"
    agents.write_text(AGENTS + narrator.AGENTS_TOML)
    settings = Settings(
        database_url=sqlite_url,
        agents_file=agents,
        data_dir=tmp_path / "data",
        secret_key="test-secret-key-" + "x" * 32,
        _env_file=None,  # type: ignore[call-arg]
    )
    narrator.FINISH.clear()
    try:
        with LiveServer(create_app(settings, run_engine=True)) as server:
            yield Site(server)
    finally:
        narrator.FINISH.set()


def test_steps_and_output_arrive_while_the_agent_works(browser: Any, scout_site: Site) -> None:
    site = scout_site
    bea = site.person("bea", "Europe/Berlin")
    schedule_id = site.schedule(bea, "@scout check deprecated models every day at 9am")
    context = browser.new_context(base_url=site.url)
    context.set_default_timeout(10_000)
    problems: list[str] = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda e: problems.append(str(e)))
        _signed_in(page, site, bea)
        execution = site.schedules.run_now(bea.user, schedule_id)
        page.goto(f"/executions/{execution.id}")
        expect(page.locator("body[data-live='connected']")).to_have_count(1)

        # While it runs: the steps join the timeline, the output grows, without a reload.
        page.evaluate("window.__sameDocument = 'yes'")
        steps = page.locator("[data-attempt-section] [data-step]")
        expect(steps).to_have_count(2)
        expect(steps.nth(0).locator(".step-name")).to_have_text(narrator.MODEL)
        expect(steps.nth(0).locator(".step-tokens")).to_have_text("210 in · 33 out")
        expect(steps.nth(1).locator(".step-name")).to_have_text("list_models")
        output = page.locator("[data-live-output]")
        expect(output).to_contain_text("checked provider 3 of 3")
        expect(page.locator(".run-status")).to_contain_text("Running")
        assert page.evaluate("window.__sameDocument") == "yes"
        shoot(page, "execution-live")

        # It ends: the page shows the stored outcome, each step once.
        narrator.FINISH.set()
        expect(page.locator(".run-status")).to_contain_text("Success")
        expect(steps).to_have_count(2)
        expect(output).to_contain_text("done: 1 deprecated model")
        assert output.inner_text().count("looking for deprecated models") == 1
    finally:
        context.close()
    assert not problems, problems


X = "00000000-0000-0000-0000-00000000000a"
Y = "00000000-0000-0000-0000-00000000000b"


def _heard(site: Site, client: httpx.Client, url: str, user_id: str) -> list[str]:
    """The event lines a page's stream carries while a run of one execution (X) and of
    another (Y) report progress, up to X's end."""
    bus = site.server.app.state.web.use_cases.bus
    heard: list[str] = []
    with client.stream("GET", url, headers={"Accept": "text/event-stream"}) as stream:
        for line in stream.iter_lines():
            if line == "event: hello":
                for ident in (Y, X):
                    base = {"execution_id": ident, "schedule_id": "s", "attempt": 1}
                    step = {"kind": "tool", "name": f"tool-of-{ident}", "started_at": None}
                    bus.publish("execution.step", user_id, **base, step=step)
                    bus.publish("execution.output", user_id, **base, chunk=f"output of {ident}")
                bus.publish("execution.finished", user_id, execution_id=X, status="success")
            elif line.startswith(("event:", "data:")):
                heard.append(line)
            if line.startswith("event: execution.finished"):
                break
    return heard


def test_the_page_stream_carries_progress_only_for_its_execution(site: Site, ann: Person) -> None:
    with site.session(ann) as client:
        own = " ".join(_heard(site, client, f"/ui/events?execution={X}", str(ann.user.id)))
        other = " ".join(_heard(site, client, "/ui/events", str(ann.user.id)))

    assert f"output of {X}" in own and f"tool-of-{X}" in own
    assert f"output of {Y}" not in own and f"tool-of-{Y}" not in own
    assert "execution.finished" in other
    assert "output of" not in other and "tool-of" not in other


def test_progress_sent_to_a_page_is_bounded() -> None:
    from agentcron.web.views.live import progress_data

    big = {"execution_id": "e", "schedule_id": "s", "attempt": 1, "chunk": "x" * 100_000}
    assert len(progress_data("execution.output", big)["chunk"]) == 8 * 1024
    step = {
        "kind": "tool",
        "name": "n" * 1000,
        "started_at": "2026-03-02T09:00:00+00:00",
        "duration_ms": 5,
        "detail": {f"part{i}": "y" * 10_000 for i in range(20)},
        "unknown_field": "z",
    }
    shown = progress_data("execution.step", {"execution_id": "e", "step": step})["step"]
    assert len(shown["name"]) == 200
    assert len(shown["detail"]) == 8 and all(len(v) == 4096 for v in shown["detail"].values())
    assert "unknown_field" not in shown
