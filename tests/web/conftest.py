"""Fixtures for the web UI: a real server (uvicorn on 127.0.0.1, the real engine on the
system clock, SQLite), users with tokens, signed-in HTTP clients, and Debian's Chromium
driven by Playwright (never a downloaded browser).
"""

from __future__ import annotations

import os
import random
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from agentcron.app import create_app
from agentcron.config import Settings
from agentcron.service import ScheduleDraft, ScheduleService
from agentcron.service.users import UserService
from agentcron.store.tables import Execution, User
from tests.support.live import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
AGENTS = """
[agents.alice]
name = "Alice"
description = "Watches model deprecations"
backend = "echo"

[agents.bob]
name = "Bob"
description = "Summarises yesterday's incidents"
backend = "echo"

[agents.maya]
name = "Maya"
description = "Reviews open pull requests"
backend = "echo"
"""
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Person:
    user: User
    token: str

    @property
    def name(self) -> str:
        return self.user.name


class Site:
    """The server under test, and shortcuts to its services for arranging a test."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.url = server.url
        services = server.runtime.services
        self.users = UserService(services)
        self.schedules = ScheduleService(services)

    def person(self, name: str, timezone: str = "UTC") -> Person:
        user = self.users.create(name, timezone)
        return Person(user, self.users.issue_token(user).token)

    def schedule(self, person: Person, text: str, **fields: Any) -> str:
        view = self.schedules.create(person.user, ScheduleDraft(text=text, **fields))
        return str(view.row.id)

    def login_link(self, person: Person) -> str:
        return f"{self.url}/login/link?token={self.users.issue_login_link(person.user)}"

    def settle(self) -> None:
        """Let the engine claim what is due now and wait until every run is recorded."""
        engine = self.server.runtime.engine
        self.server.call(engine.tick)
        self.server.call(engine.wait_idle)

    def seed_history(
        self, person: Person, schedule_id: str, *, days: int = 14, seed: int = 7
    ) -> int:
        """Past executions of a schedule, as an engine would have recorded them over `days`
        days: mostly successes with varied durations and tokens, a few failures and a miss."""
        rng = random.Random(seed)
        now = self.server.runtime.services.clock.now()
        schedule = self.schedules.get(person.user, schedule_id).row
        rows = []
        for day in range(days, 0, -1):
            for slot in (9, 15):
                at = (now - timedelta(days=day)).replace(
                    hour=slot, minute=0, second=0, microsecond=0
                )
                roll = rng.random()
                status = "success" if roll > 0.1 else ("failed" if roll > 0.03 else "missed")
                ran = status != "missed"
                duration = int(rng.uniform(800, 9000)) if ran else None
                tokens = int(rng.uniform(300, 4200)) if status == "success" else 0
                rows.append(
                    Execution(
                        id=uuid.uuid4(),
                        schedule_id=schedule.id,
                        user_id=person.user.id,
                        agent_id=schedule.agent_id,
                        trigger="schedule",
                        scheduled_for=at,
                        status=status,
                        attempt=1 if ran else 0,
                        missed_count=0 if ran else 1,
                        created_at=at,
                        started_at=at + timedelta(milliseconds=40) if ran else None,
                        finished_at=at + timedelta(milliseconds=40 + (duration or 0)),
                        lag_ms=40 if ran else None,
                        duration_ms=duration,
                        tokens_used=tokens,
                        llm_calls=rng.randint(1, 6) if ran else 0,
                        result_summary="3 deprecated models found; opened 2 issues"
                        if status == "success"
                        else None,
                        output="Checked 42 models.\nDeprecated: gpt-old, claude-1, llama-legacy\n"
                        if ran
                        else None,
                        error_message="HTTP 502 from the agent after 3 attempts"
                        if status == "failed"
                        else ("missed: no instance was running" if status == "missed" else None),
                    )
                )
        with self.server.runtime.services.store.write() as session:
            session.add_all(rows)
        return len(rows)

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, follow_redirects=False, trust_env=False, timeout=10)

    @contextmanager
    def session(self, person: Person) -> Iterator[httpx.Client]:
        """An HTTP client signed in as `person` through the sign-in form."""
        with self.client() as client:
            sign_in(client, person)
            yield client


def csrf_of(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def sign_in(client: httpx.Client, person: Person) -> None:
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"csrf_token": token, "token": person.token, "next": "/"},
    )
    assert response.status_code == 303, response.text


@pytest.fixture
def settings(sqlite_url: str, tmp_path: Path) -> Settings:
    agents = tmp_path / "agents.toml"
    agents.write_text(AGENTS)
    return Settings(
        database_url=sqlite_url,
        agents_file=agents,
        data_dir=tmp_path / "data",
        secret_key="test-secret-key-" + "x" * 32,
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture
def site(settings: Settings) -> Iterator[Site]:
    with LiveServer(create_app(settings, run_engine=True)) as server:
        yield Site(server)


@pytest.fixture
def ann(site: Site) -> Person:
    return site.person("ann", "UTC")


@pytest.fixture
def client(site: Site, ann: Person) -> Iterator[httpx.Client]:
    with site.session(ann) as signed_in:
        yield signed_in


# -- the browser -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium per module. Not per session: Playwright's sync API keeps an event loop
    running in this thread while it is open, which async tests elsewhere cannot share."""
    if not CHROMIUM.exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {CHROMIUM} is missing", pytrace=False)
        pytest.skip(
            f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, site: Site) -> Iterator[Any]:
    """A fresh browser profile per test. Fails the test on any CSP violation or script error."""
    context = browser.new_context(viewport={"width": 1360, "height": 900}, base_url=site.url)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: problems.append(str(e)))
    yield tab
    context.close()  # closes the SSE stream before the server stops
    blocked = [p for p in problems if "Content Security Policy" in p or "Refused" in p]
    assert not blocked, blocked
    scripts = [p for p in problems if "Failed to load resource" not in p]
    assert not scripts, scripts


def shoot(tab: Any, name: str, *, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.evaluate("window.scrollTo(0, 0)")  # the sticky header belongs at the top
    tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)
