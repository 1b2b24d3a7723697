"""The channels page and the bell, in Debian's Chromium against a real server whose engine
runs: add a channel, watch a failing schedule's notice arrive live in the bell, see the
delivery in the log. The channel is an apprise scheme registered in this process."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from apprise.decorators import notify as apprise_plugin

from agentcron.config import Settings
from agentcron.service.schedules import ScheduleDraft
from tests.support import agents
from tests.support.processes import wait_for
from tests.web.conftest import AGENTS, Person, Site, csrf_of, shoot

SENT: list[dict[str, str]] = []
SWITCH = '\n[agents.switch]\nbackend = "python"\ncallable = "tests.support.agents:switch"\n'


@apprise_plugin(on="agentcronweb", name="agentcron web test capture")
def _capture(body: str, title: str, *args: Any, **kwargs: Any) -> bool:
    SENT.append({"title": title, "body": body})
    return True


@pytest.fixture
def settings(sqlite_url: str, tmp_path: Path) -> Settings:
    path = tmp_path / "agents.toml"
    path.write_text(AGENTS + SWITCH)
    return Settings(
        database_url=sqlite_url,
        agents_file=path,
        data_dir=tmp_path / "data",
        secret_key="test-secret-key-" + "x" * 32,
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture(autouse=True)
def _reset() -> Iterator[None]:
    agents.reset()
    SENT.clear()
    yield
    agents.reset()


def _fail_once(site: Site, ann: Person) -> str:
    view = site.schedules.create(
        ann.user,
        ScheduleDraft(text="@switch check the status page every day at 9am", max_retries=0),
    )
    agents.FAILING.set()
    site.schedules.run_now(ann.user, view.row.id)
    site.settle()
    return str(view.row.id)


def test_channels_page_adds_a_webhook_and_shows_its_secret_once(
    site: Site, client: httpx.Client
) -> None:
    page = client.get("/channels")
    assert page.status_code == 200 and "Add a channel" in page.text
    made = client.post(
        "/channels",
        data={
            "csrf_token": csrf_of(page.text),
            "name": "hooks",
            "url": "https://203.0.113.9/agentcron/T0k3nInPath",
            "on_failure": "on",
        },
    )
    # 203.0.113.9 is a documentation address: not global, so refused by default.
    assert made.status_code == 422 and "private or loopback" in made.text
    assert "T0k3nInPath" not in made.text  # the URL is not echoed back
    made = client.post(
        "/channels",
        data={"csrf_token": csrf_of(page.text), "name": "chat", "url": "agentcronweb://room"},
    )
    assert made.status_code == 201 and "Added chat" in made.text
    assert "signing secret" not in made.text  # apprise channels have none
    listed = client.get("/channels")
    assert "agentcronweb://" in listed.text and "Turn off" in listed.text
    feed = client.get("/ui/notifications").json()
    assert feed == {"items": []}


def test_a_failure_reaches_the_bell_live_and_the_delivery_log(
    page: Any, site: Site, ann: Person
) -> None:
    page.context.grant_permissions(["notifications"])
    page.goto(site.login_link(ann))
    page.goto("/channels")
    page.get_by_label("Name").fill("chat")
    page.get_by_label("URL").fill("agentcronweb://room")
    page.get_by_role("button", name="Add channel").click()
    page.get_by_text("Added chat").wait_for()
    page.wait_for_function("document.body.dataset.live === 'connected'")

    _fail_once(site, ann)
    count = page.locator("[data-bell-count]")
    count.wait_for(state="visible")
    assert count.inner_text() == "1"
    wait_for(lambda: len(SENT) == 1, 10, "the apprise delivery")
    assert SENT[0]["title"] == "Failed: @switch check the status page"

    page.get_by_role("button", name=re.compile("Notifications")).click()
    item = page.locator("[data-bell-list] li").first
    assert "Failed: @switch check the status page" in item.inner_text()
    # Permission was granted to this profile up front, so the offer reads as done (without
    # it, the button asks, and only when clicked).
    assert page.get_by_role("button", name="This browser is notified").is_disabled()
    shoot(page, "notifications-bell", full_page=False)
    assert page.locator("[data-bell-count]").is_hidden()  # opening the bell marks them seen

    page.goto("/channels")
    row = page.locator("[data-delivery-status]").first
    assert row.get_attribute("data-delivery-status") == "sent"
    assert "failure" in row.inner_text()
