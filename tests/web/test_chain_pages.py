"""Chains and groups in the web UI: the list's timing for an `after` schedule, the schedule
page's graph of linked boxes (through HTTP and in Chromium), and a group schedule's
history with one row per member and a combined status."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from agentcron.config import Settings

from .conftest import AGENTS, Person, Site

GROUP = "".join(
    f'\n[agents.{h}]\nbackend = "echo"\ncategories = ["research"]\n' for h in ("ra", "rb", "rc")
)


@pytest.fixture
def settings(sqlite_url: str, tmp_path: Path) -> Settings:
    agents = tmp_path / "agents.toml"
    agents.write_text(AGENTS + GROUP)
    return Settings(
        database_url=sqlite_url,
        agents_file=agents,
        data_dir=tmp_path / "data",
        secret_key="test-secret-key-" + "x" * 32,
        _env_file=None,  # type: ignore[call-arg]
    )


def _chain(site: Site, ann: Person) -> tuple[str, str, str]:
    root = site.schedule(ann, "@alice check deprecated models every weekday at 9am")
    middle = site.schedule(ann, f"@bob summarise the findings after {root} succeeds", key="summary")
    leaf = site.schedule(ann, "@maya open issues after summary fails")
    return root, middle, leaf


def test_the_list_and_the_schedule_page_show_the_chain(
    site: Site, ann: Person, client: httpx.Client
) -> None:
    root, middle, leaf = _chain(site, ann)
    listing = client.get("/schedules").text
    assert "After @alice check deprecated models succeeds" in listing
    assert f'href="/schedules/{root}/history" data-after="{root}"' in listing
    assert "After summary fails" in listing
    page = client.get(f"/schedules/{middle}/history").text
    graph = page[page.index("data-chain-graph") :]
    nodes = re.findall(r'data-chain-node="([0-9a-f-]+)"', graph)
    assert nodes == [root, middle, leaf]  # upstream path, this one, then downstream
    assert 'aria-current="page" data-chain-node="' + middle in graph
    assert "on failure" in graph
    plain = site.schedule(ann, "@alice check every day at 10am")
    assert "data-chain-graph" not in client.get(f"/schedules/{plain}/history").text


def test_a_group_schedule_shows_each_member_and_a_combined_status(
    site: Site, ann: Person, client: httpx.Client
) -> None:
    group = site.schedule(ann, "@research read new papers every day at 9am")
    site.schedules.run_now(ann.user, group)
    site.settle()
    page = client.get(f"/schedules/{group}/history").text
    assert sorted(re.findall(r'data-member="([a-z]+)"', page)) == ["ra", "rb", "rc"]
    assert 'data-group-status="success"' in page and "all succeeded" in page
    assert "Group @research, 3 agents" in page


@pytest.mark.browser
def test_the_chain_graph_links_the_schedules(page: Any, site: Site, ann: Person) -> None:
    root, middle, leaf = _chain(site, ann)
    page.goto(site.login_link(ann))
    page.goto(f"/schedules/{middle}/history")
    graph = page.get_by_role("navigation", name="Chain")
    expect(graph).to_be_visible()
    expect(graph.locator("[aria-current=page]")).to_contain_text("summarise the findings")
    graph.get_by_role("link", name=re.compile("open issues")).click()
    expect(page).to_have_url(re.compile(f"/schedules/{leaf}/history$"))
    back = page.get_by_role("navigation", name="Chain")
    expect(back.locator("[data-chain-node]")).to_have_count(3)
    back.get_by_role("link", name=re.compile("check deprecated models")).click()
    expect(page).to_have_url(re.compile(f"/schedules/{root}/history$"))


def test_an_after_schedule_is_edited_as_its_sentence(
    site: Site, ann: Person, client: httpx.Client
) -> None:
    root, middle, _ = _chain(site, ann)
    form = client.get(f"/schedules/{middle}/edit")
    assert form.status_code == 200
    assert f"@bob summarise the findings after {root} succeeds" in form.text
    calendar = client.get("/calendar")
    assert calendar.status_code == 200
    home = client.get("/")
    assert home.status_code == 200


def test_a_chained_execution_links_its_upstream_run(
    site: Site, ann: Person, client: httpx.Client
) -> None:
    root, middle, _ = _chain(site, ann)
    first = site.schedules.run_now(ann.user, root)
    site.settle()
    site.settle()
    history = client.get(f"/schedules/{middle}/history").text
    [chained] = re.findall(r'data-execution-id="([0-9a-f-]+)"', history)
    page = client.get(f"/executions/{chained}").text
    assert f'href="/executions/{first.id}" data-upstream' in page
