"""Every page at a laptop's width (1280 px) and a phone's (390 px): no horizontal scrolling,
countdowns inside their cards, and a screenshot of each, kept in test-artifacts/screenshots
(`1280-04-schedules.png`, `390-04-schedules.png`, ...). Then what the phone layout promises:
a header menu, compact schedule cards, the preview before Create, a mode switcher without a
lone tab, history fields aligned, a calendar day at a time."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from agentcron.service.history import HistoryService
from tests.support.transcripts import seed_run

from .conftest import SCREENSHOTS, Person, Site, shoot

pytestmark = pytest.mark.browser

SIX = [
    "@alice check deprecated models every weekday at 9am",
    "@bob summarise yesterday's incidents and post them to the team channel every day at 8am",
    "@maya review open pull requests every 4 hours",
    "@alice look for new model releases every 30 minutes",
    "@bob rotate the on-call calendar on the first monday of every month at 10",
    "@maya triage new issues tomorrow at 3pm",
]

FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"
# Every visible countdown lies within the card (or row, or cell) that holds it.
COUNTDOWNS_OUTSIDE = """() => [...document.querySelectorAll('time[data-countdown]')]
  .filter((el) => el.getClientRects().length)
  .map((el) => {
    const box = el.closest('.stat, .card, .agent-card, td, li') || document.body;
    const a = el.getBoundingClientRect(), b = box.getBoundingClientRect();
    const inside = a.left >= b.left - 0.5 && a.right <= b.right + 0.5;
    return inside ? null : `${el.textContent} overflows ${box.className || box.tagName}`;
  })
  .filter(Boolean)"""


def _arrange(site: Site, ann: Person) -> dict[str, str]:
    """Six schedules, two weeks of history on one, a run just finished: the pages to see."""
    ids = [site.schedule(ann, text) for text in SIX]
    site.seed_history(ann, ids[0])
    site.schedules.run_now(ann.user, ids[0])
    site.settle()
    history = HistoryService(site.server.runtime.services)
    [latest], _ = history.for_schedule(ann.user, ids[0], limit=1)
    # A run with a transcript of two attempts, and one waiting to retry (in the list too).
    services = site.server.runtime.services
    now = services.clock.now()
    transcript = seed_run(services, ann.user.id, ids[1], "bob", now)
    seed_run(services, ann.user.id, ids[2], "maya", now, retrying=True)
    return {
        "01-mission-control": "/",
        "02-schedules": "/schedules",
        "03-new-schedule": "/schedules/new",
        "04-edit-schedule": f"/schedules/{ids[0]}/edit",
        "05-history": f"/schedules/{ids[0]}/history",
        "06-execution": f"/executions/{latest.id}",
        "07-delete": f"/schedules/{ids[1]}/delete",
        "08-calendar": "/calendar",
        "09-status": "/status",
        "10-help-sentences": "/help/sentences",
        "11-not-found": "/schedules/00000000-0000-0000-0000-000000000000/history",
        "12-docs": "/docs",
        "13-settings": "/settings",
        "14-execution-timeline": f"/executions/{transcript}",
    }


@pytest.fixture
def tab_at(browser: Any, site: Site) -> Iterator[Any]:
    """A page of the given width; fails the test on a CSP violation or a script error."""
    contexts: list[Any] = []
    problems: list[str] = []

    def make(width: int) -> Any:
        height = 844 if width < 600 else 900
        context = browser.new_context(
            viewport={"width": width, "height": height}, base_url=site.url
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        tab = context.new_page()
        tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        tab.on("pageerror", lambda e: problems.append(str(e)))
        return tab

    yield make
    for context in contexts:
        context.close()
    real = [p for p in problems if "Failed to load resource" not in p]  # the 404 page
    assert not real, real


@pytest.mark.parametrize("width", [1280, 390])
def test_every_page_fits_the_screen(tab_at: Any, site: Site, ann: Person, width: int) -> None:
    pages = _arrange(site, ann)
    tab = tab_at(width)
    found: list[str] = []

    tab.goto("/login")
    if not tab.evaluate(FITS):
        found.append("/login scrolls sideways")
    shoot(tab, f"{width}-00-sign-in")
    tab.goto(site.login_link(ann))
    expect(tab.get_by_role("heading", name="Mission Control")).to_be_visible()
    for name, path in pages.items():
        tab.goto(path)
        tab.wait_for_load_state("load")
        if path == "/docs":
            expect(tab.locator(".swagger-ui .info")).to_be_visible()
        else:
            expect(tab.locator("html.js")).to_have_count(1)
            tab.wait_for_function("() => !document.querySelector('time[data-countdown]:empty')")
        if name == "14-execution-timeline":  # the widest part: each step's detail, open
            tab.evaluate(
                "document.querySelectorAll('[data-step] details').forEach(d => d.open = true)"
            )
        if not tab.evaluate(FITS):
            wide = tab.evaluate("document.documentElement.scrollWidth")
            found.append(f"{path} is {wide} px wide")
        found += [f"{path}: {problem}" for problem in tab.evaluate(COUNTDOWNS_OUTSIDE)]
        shoot(tab, f"{width}-{name}")
    assert not found, found


def _signed_in_phone(tab_at: Any, site: Site, ann: Person) -> Any:
    phone = tab_at(390)
    phone.goto(site.login_link(ann))
    expect(phone.get_by_role("heading", name="Mission Control")).to_be_visible()
    return phone


def test_the_phone_header_is_a_menu(tab_at: Any, site: Site, ann: Person) -> None:
    phone = _signed_in_phone(tab_at, site, ann)
    nav = phone.get_by_role("navigation", name="Main")
    menu = phone.get_by_role("button", name="Menu")

    expect(nav).to_be_hidden()
    expect(phone.get_by_role("link", name="New schedule").first).to_be_visible()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Calendar")).to_be_visible()
    shoot(phone, "390-menu-open", full_page=False)
    nav.get_by_role("link", name="Calendar").click()
    expect(phone).to_have_url(f"{site.url}/calendar")
    expect(nav).to_be_hidden()


def test_phone_schedules_are_compact_cards(tab_at: Any, site: Site, ann: Person) -> None:
    for text in SIX:
        site.schedule(ann, text)
    phone = _signed_in_phone(tab_at, site, ann)
    phone.goto("/schedules")
    rows = phone.locator("tbody tr")
    expect(rows).to_have_count(6)

    heights = [rows.nth(i).bounding_box()["height"] for i in range(6)]
    page_height = phone.evaluate("document.documentElement.scrollHeight")
    assert max(heights) < 220, heights
    assert page_height < 2000, page_height  # it was 3,000 px
    run_now = rows.first.get_by_role("button", name="Run now")
    switch = rows.first.get_by_role("switch")
    assert run_now.bounding_box()["width"] > 0 and switch.bounding_box()["width"] > 0


def test_phone_editor_previews_before_create(tab_at: Any, site: Site, ann: Person) -> None:
    phone = _signed_in_phone(tab_at, site, ann)
    phone.goto("/schedules/new")
    sentence = phone.get_by_label("Command and schedule, in one sentence")
    expect(sentence).to_be_focused()
    sentence.press_sequentially("@alice check deprecated models every weekday at 9am", delay=2)
    expect(phone.locator("[data-preview-description]")).to_have_text(
        "At 09:00, Monday through Friday (UTC)"
    )

    preview = phone.locator("#preview").bounding_box()
    create = phone.get_by_role("button", name="Create schedule").bounding_box()
    assert preview["y"] + preview["height"] <= create["y"]
    tops = [
        round(phone.locator(f'label[for="mode-{m}"]').bounding_box()["y"])
        for m in ("sentence", "cron", "interval", "once")
    ]
    assert all(tops.count(top) >= 2 for top in tops), tops  # no tab alone on a row
    shoot(phone, "390-new-schedule-preview")


def test_phone_history_fields_line_up(tab_at: Any, site: Site, ann: Person) -> None:
    schedule_id = site.schedule(ann, SIX[0])
    site.seed_history(ann, schedule_id, days=2)
    phone = _signed_in_phone(tab_at, site, ann)
    phone.goto(f"/schedules/{schedule_id}/history")
    first = phone.locator("tbody tr").first
    expect(first).to_be_visible()

    # Each field's label and value start at the same x, and the fields form two columns.
    fields = first.evaluate(
        """(row) => [...row.querySelectorAll('td:not(.summary-cell)')].map((td) => {
          const value = td.firstElementChild || td;
          return [Math.round(td.getBoundingClientRect().left),
                  Math.round(value.getBoundingClientRect().left),
                  Math.round(td.getBoundingClientRect().top)];
        })"""
    )
    assert all(label == value for label, value, _ in fields), fields
    assert len({label for label, _, _ in fields}) == 2, fields
    card = first.bounding_box()["height"]
    assert card < 300, card
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.locator("table.history-table").screenshot(path=str(SCREENSHOTS / "390-history-cards.png"))


def test_phone_calendar_shows_a_day_at_a_time(tab_at: Any, site: Site, ann: Person) -> None:
    for text in SIX[:3]:
        site.schedule(ann, text)
    phone = _signed_in_phone(tab_at, site, ann)
    phone.goto("/calendar")

    visible_days = phone.locator("table.calendar thead th[data-day]:visible")
    expect(visible_days).to_have_count(1)
    tabs = phone.locator("[data-day-tab]")
    expect(tabs).to_have_count(7)
    tabs.nth(2).click()
    expect(phone.locator("table.calendar thead th[data-day].is-selected")).to_have_attribute(
        "data-day", tabs.nth(2).get_attribute("data-day-tab") or ""
    )
    expect(visible_days).to_have_count(1)


@pytest.mark.parametrize("width", [1280, 390])
def test_a_problem_sits_under_the_field_it_concerns(
    tab_at: Any, site: Site, ann: Person, width: int
) -> None:
    tab = tab_at(width)
    tab.goto(site.login_link(ann))
    tab.goto("/schedules/new")
    tab.get_by_label("Command and schedule, in one sentence").fill(
        "@alice check deprecated models every weekday at 9am"
    )
    tab.get_by_label("Time zone").fill("Mars/Olympus")
    tab.get_by_role("button", name="Create schedule").click()

    error = tab.locator("#err-timezone")
    expect(error).to_contain_text("unknown time zone 'Mars/Olympus'")
    expect(tab.locator("#err-text")).to_have_count(0)
    expect(tab.locator("#form-problems")).to_contain_text("Time zone: unknown time zone")
    zone = tab.get_by_label("Time zone").bounding_box()
    note = tab.get_by_label("Note").bounding_box()
    box = error.bounding_box()
    assert zone["y"] + zone["height"] <= box["y"] < note["y"]  # under Time zone, above Note
    shoot(tab, f"{width}-form-problem-under-its-field", full_page=False)


def test_small_touches_theme_leaving_and_chart_values(tab_at: Any, site: Site, ann: Person) -> None:
    schedule_id = site.schedule(ann, SIX[0])
    site.seed_history(ann, schedule_id, days=3)
    tab = tab_at(1280)
    tab.goto(site.login_link(ann))

    # The theme button says what it switches to, and moves on when pressed.
    theme = tab.locator("[data-theme-toggle]")
    expect(theme).to_have_attribute("aria-label", "Switch to the dark theme")
    theme.click()
    expect(tab.locator("html")).to_have_attribute("data-theme", "dark")
    expect(theme).to_have_attribute("aria-label", "Switch to the light theme")

    # A chart says the value under the pointer.
    tab.goto(f"/schedules/{schedule_id}/history")
    readout = tab.locator("figure.chart").first.locator("[data-chart-readout]")
    tab.locator("figure.chart").first.locator("rect.bar").last.hover()
    expect(readout).to_contain_text(re.compile(r"\d+(\.\d)? s, (success|failed)"))

    # Leaving a changed form asks first; an untouched one does not.
    tab.goto("/schedules/new")
    tab.get_by_label("Command and schedule, in one sentence").press_sequentially("@alice half")
    with tab.expect_event("dialog") as asked:
        tab.close(run_before_unload=True)
    assert asked.value.type == "beforeunload"
    asked.value.dismiss()  # stay
    assert not tab.is_closed()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_zone_banner_and_the_editors_new_parts_fit(tab_at: Any, site: Site, width: int) -> None:
    """The banner (a long zone name), the preview in two zones with a note, and the
    notification rule opened: nothing scrolls sideways."""
    user = site.users.create(f"wide{width}")
    person = Person(user, site.users.issue_token(user).token)
    site.users.suggest_timezone(user, "America/Argentina/ComodRivadavia")
    tab = tab_at(width)
    tab.goto(site.login_link(person))
    banner = tab.get_by_role("region", name="Your time zone")
    expect(banner).to_contain_text("America/Argentina/ComodRivadavia")
    assert tab.evaluate(FITS), "the banner scrolls sideways"
    shoot(tab, f"{width}-zone-banner", full_page=False)

    tab.goto("/schedules/new")
    tab.get_by_label("Command and schedule, in one sentence").fill(
        "@alice check deprecated models every weekday at 9am PT"
    )
    expect(tab.locator("#preview [data-viewer-time]")).to_have_count(5)
    tab.locator("details#notify summary").click()
    tab.get_by_label("These channels and events").check()
    assert tab.evaluate(FITS), "the editor scrolls sideways"
    shoot(tab, f"{width}-editor-zones-and-notify")
