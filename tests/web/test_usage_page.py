"""The usage page in Debian's Chromium and over HTTP: charts drawn by the server with hover
values, readable empty and one-day states, insights, the table, its CSV, and bad input
shown inline."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from agentcron.web.charts import Layer, stacked_chart

from .conftest import Person, Site, shoot

pytestmark = pytest.mark.browser


def _sign_in(page: Any, site: Site, person: Person) -> None:
    page.goto(site.login_link(person))
    expect(page.get_by_role("heading", name="Mission Control")).to_be_visible()


def test_an_empty_range_reads_as_such(page: Any, site: Site, ann: Person) -> None:
    _sign_in(page, site, ann)
    page.get_by_role("link", name="Usage").first.click()
    expect(page.get_by_role("heading", name="Usage", exact=True)).to_be_visible()
    expect(page.locator(".chart-empty").first).to_have_text("No tokens reported in this range.")
    expect(page.locator("[data-usage-table] tbody")).to_contain_text("No runs in this range.")
    expect(page.locator("[data-insights]")).to_contain_text("Nothing stands out")


def test_usage_charts_table_csv_and_errors(
    page: Any, site: Site, ann: Person, client: httpx.Client
) -> None:
    alice = site.schedule(ann, "@alice check deprecated models every weekday at 9am")
    bob = site.schedule(ann, "@bob summarise yesterday's incidents every day at 8am")
    seeded = site.seed_history(ann, alice) + site.seed_history(ann, bob, seed=3)
    _sign_in(page, site, ann)
    page.goto("/usage")
    charts = page.locator("figure.chart")
    expect(charts).to_have_count(4)
    tokens = charts.nth(0).locator("rect.bar")
    expect(tokens.first).to_be_attached()
    # Hover values: each segment says its day, its agent and its tokens.
    title = tokens.first.locator("title").text_content() or ""
    assert re.search(r"@(alice|bob): [\d,]+ tokens$", title), title
    expect(charts.nth(0).locator("rect.s0").first).to_be_attached()
    expect(charts.nth(0).locator("rect.s1").first).to_be_attached()  # stacked by agent
    expect(charts.nth(3).locator("rect.d-p50")).to_have_count(2)  # one per schedule
    table = page.locator("[data-usage-table]")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table.locator("tfoot")).to_contain_text(str(seeded))
    shoot(page, "usage")

    page.get_by_label("Table by").select_option("agent")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"group_by=agent"))
    expect(table.locator("tbody tr th")).to_contain_text(["@", "@"])
    expect(table.locator("tbody tr")).to_have_count(2)

    today = datetime.now(UTC).date()
    one_day = (today - timedelta(days=1)).isoformat()
    page.goto(f"/usage?from={one_day}&to={one_day}")
    expect(page.locator("figure.chart").nth(2).locator("rect.bar")).to_have_count(1)

    page.goto("/usage?from=someday")
    expect(page.locator("[data-usage-errors]")).to_contain_text("from")
    expect(page.locator("figure.chart")).to_have_count(4)

    href = page.locator("[data-usage-csv]").get_attribute("href") or ""
    csv = client.get(href)
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.strip().splitlines()
    assert lines[0].startswith("key,label,runs") and lines[-1].startswith("total,")
    assert len(lines) == 4  # header, two schedules, total


def test_stacked_chart_states() -> None:
    empty = stacked_chart("T", "s", [], [], describe=lambda *a: "")
    assert empty.empty and empty.note == "Nothing in this range."
    zeros = stacked_chart("T", "s", ["1 Mar"], [Layer("s0", "@a", [0.0])], describe=lambda *a: "")
    assert zeros.empty
    one = stacked_chart(
        "T",
        "s",
        ["1 Mar"],
        [Layer("s0", "@a", [30.0]), Layer("s1", "@b", [10.0])],
        describe=lambda label, name, v: f"{label}, {name}: {v:g}",
    )
    assert [b.label for b in one.bars] == ["1 Mar, @a: 30", "1 Mar, @b: 10"]
    assert one.bars[1].y + one.bars[1].height == pytest.approx(one.bars[0].y)  # stacked
    assert [t.label for t in one.x_ticks] == ["1 Mar"] and one.y_ticks[-1].label == "50"
