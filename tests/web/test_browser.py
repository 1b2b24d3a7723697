"""The web UI in Debian's Chromium: what a person does, end to end, with the real engine.

Each test saves screenshots to test-artifacts/screenshots/ (the README's tour uses them).
Playwright's `expect` waits for the page to change; no test sleeps.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import Person, Site, shoot

pytestmark = pytest.mark.browser


def _sign_in_with_link(page: Any, site: Site, person: Person) -> None:
    page.goto(site.login_link(person))
    expect(page.get_by_role("heading", name="Mission Control")).to_be_visible()


def _live(page: Any) -> None:
    """Wait until the page's event stream is open, so what happens next arrives live."""
    expect(page.locator("body")).to_have_attribute("data-live", "connected")


def test_sign_in_with_a_token(page: Any, site: Site, ann: Person) -> None:
    page.goto("/schedules")
    expect(page).to_have_url(re.compile(r"/login\?next=/schedules$"))
    page.get_by_label("API token").fill("acr_wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("does not belong to an account")
    page.get_by_label("API token").fill(ann.token)
    shoot(page, "01-sign-in")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/schedules$"))
    expect(page.get_by_role("heading", name="Schedules", exact=True)).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status").first).to_contain_text("You are signed out")


def test_login_link_and_mission_control(page: Any, site: Site, ann: Person) -> None:
    site.schedule(ann, "@alice check deprecated models every weekday at 9am")
    site.schedule(ann, "@bob summarise yesterday's incidents every day at 8am")
    site.schedule(ann, "@maya review open pull requests every 4 hours")
    site.schedules.run_now(
        ann.user, site.schedule(ann, "@maya triage new issues every day at 10am")
    )
    site.settle()
    _sign_in_with_link(page, site, ann)
    expect(page).to_have_url(re.compile(r"/$"))  # the token is gone from the address bar
    cards = page.locator("article.agent-card")
    expect(cards).to_have_count(3)
    maya = page.locator('article[data-agent="maya"]')
    expect(maya.locator("[data-agent-schedules]")).to_contain_text("2")
    expect(maya.locator("[data-agent-last]")).to_contain_text("Success")
    expect(page.locator('[data-stat="active"]')).to_have_text("4")
    expect(page.locator('[data-stat="runs-today"]')).to_have_text("1")
    expect(page.locator('[data-stat="success-rate"]')).to_have_text("100%")

    # A run finishing elsewhere updates the cards and the summary live.
    _live(page)
    bob = page.locator('article[data-agent="bob"]')
    expect(bob.locator("[data-agent-last]")).to_contain_text("never")
    bob_schedule = site.schedules.list(ann.user)[0]
    bob_id = next(v.row.id for v in bob_schedule if v.row.agent_id == "bob")
    site.schedules.run_now(ann.user, bob_id)
    expect(bob.locator("[data-agent-last]")).to_contain_text("Success")
    expect(page.locator('[data-stat="runs-today"]')).to_have_text("2")
    expect(page.locator("#announcer")).to_contain_text("succeeded")
    page.get_by_role("link", name="Schedules of @bob").click()
    expect(page).to_have_url(re.compile(r"/schedules\?agent=bob$"))
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody tr")).to_contain_text("summarise yesterday")


def test_schedule_lifecycle(page: Any, site: Site, ann: Person) -> None:
    _sign_in_with_link(page, site, ann)

    # Create from a sentence: the preview comes first.
    page.get_by_role("link", name="New schedule").first.click()
    sentence = page.get_by_label("Command and schedule, in one sentence")
    sentence.press_sequentially("@alice check deprecated models every weekday at 9am", delay=5)
    preview = page.locator("[data-preview-description]")
    expect(preview).to_have_text("At 09:00, Monday through Friday (UTC)")
    expect(page.locator("#preview .runs li")).to_have_count(5)
    shoot(page, "03-new-schedule-preview")
    page.get_by_role("button", name="Create schedule").click()

    # The list: the new row with its countdown.
    expect(page).to_have_url(re.compile(r"/schedules\?created="))
    row = page.locator("tbody tr").filter(has_text="check deprecated models")
    expect(row).to_have_count(1)
    expect(row.locator("td.schedule-text")).to_have_text("At 09:00, Monday through Friday (UTC)")
    expect(row.locator("time[data-countdown]")).to_have_text(re.compile(r"^in \d"))
    expect(row.locator(".last-cell")).to_contain_text("Never run")
    shoot(page, "04-schedules")

    # Run now from the list: the row's last status updates without a reload.
    _live(page)
    page.evaluate("window.__sameDocument = 'yes'")
    row.get_by_role("button", name=re.compile("^Run now")).click()
    expect(row.locator(".last-cell")).to_contain_text("Success")
    assert page.evaluate("window.__sameDocument") == "yes"

    # History: runs appear live, over SSE, without a reload.
    row.get_by_role("link", name=re.compile("^History")).click()
    expect(page.locator("tbody tr")).to_have_count(1)
    _live(page)
    page.evaluate("window.__sameDocument = 'yes'")
    page.get_by_role("button", name="Run now").click()
    expect(page.locator("tbody tr")).to_have_count(2)
    schedule_id = page.locator("[data-schedule-id]").first.get_attribute("data-schedule-id")
    site.schedules.run_now(ann.user, schedule_id)  # from elsewhere: the page still follows
    expect(page.locator("tbody tr")).to_have_count(3)
    expect(page.locator('tbody tr[data-status="success"]')).to_have_count(3)
    assert page.evaluate("window.__sameDocument") == "yes"
    expect(page.locator("[data-history-total]")).to_have_text("3")
    first = page.locator("tbody tr").first
    first.locator("details.output summary").click()
    expect(first.locator("pre")).to_contain_text("check deprecated models")
    expect(page.locator("figure.chart svg")).to_have_count(2)  # duration, success
    expect(page.get_by_text("No tokens reported")).to_be_visible()  # echo agents report none
    shoot(page, "05-history-live")

    # Edit with the cron builder: pick hours and weekdays, the expression follows.
    page.get_by_role("link", name="Edit").click()
    expect(page.locator("#mode-cron")).to_be_checked()
    expression = page.get_by_label("Cron expression")
    expect(expression).to_have_value("0 9 * * 1-5")
    hours = page.locator('[data-cb-field="hour"]')
    weekdays = page.locator('[data-cb-field="dow"]')
    expect(hours.locator('input[value="9"]')).to_be_checked()
    expect(weekdays.locator('input[value="5"]')).to_be_checked()
    hours.locator("label.chip-check", has_text="09").click()
    hours.locator("label.chip-check", has_text="14").click()
    expect(expression).to_have_value("0 14 * * 1-5")
    weekdays.locator("label.chip-check", has_text="Fri").click()
    expect(expression).to_have_value("0 14 * * 1-4")
    expect(page.locator("[data-preview-description]")).to_have_text(
        "At 14:00, Monday through Thursday (UTC)"
    )
    # Typing the expression reads back into the builder.
    expression.fill("30 7 * * 6,0")
    expect(hours.locator('input[value="7"]')).to_be_checked()
    expect(hours.locator('input[value="14"]')).not_to_be_checked()
    expect(weekdays.locator('input[value="6"]')).to_be_checked()
    expect(page.locator('[data-cb-field="minute"] [data-cb-list]')).to_have_value("30")
    page.get_by_role("button", name="Weekdays").click()
    hours.locator("label.chip-check", has_text="07").click()
    hours.locator("label.chip-check", has_text="14").click()
    page.locator('[data-cb-field="minute"] [data-cb-list]').fill("0")
    expect(expression).to_have_value("0 14 * * 1-5")
    weekdays.locator("label.chip-check", has_text="Fri").click()
    expect(expression).to_have_value("0 14 * * 1-4")
    shoot(page, "06-edit-cron-builder")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".page-head")).to_contain_text("At 14:00, Monday through Thursday (UTC)")

    # Disable from the list; it stays disabled after a reload.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Schedules").click()
    switch = page.get_by_role("switch", name=re.compile("check deprecated models"))
    expect(switch).to_have_attribute("aria-checked", "true")
    switch.click()
    expect(switch).to_have_attribute("aria-checked", "false")
    expect(page.locator("#announcer")).to_contain_text("disabled")
    page.reload()
    expect(page.locator("tbody tr.is-disabled")).to_have_count(1)
    expect(page.locator("tbody tr .next-cell")).to_contain_text("disabled")

    # Delete, confirmed in a dialog.
    page.get_by_role("link", name=re.compile("^Delete")).click()
    dialog = page.locator("dialog#confirm-delete")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("check deprecated models")
    shoot(page, "07-delete-dialog", full_page=False)
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    page.get_by_role("link", name=re.compile("^Delete")).click()
    dialog.get_by_role("button", name="Delete").click()
    expect(page.get_by_role("status").first).to_contain_text("Deleted")
    expect(page.get_by_text("No schedules yet.")).to_be_visible()


def test_history_charts_from_past_runs(page: Any, site: Site, ann: Person) -> None:
    schedule_id = site.schedule(ann, "@alice check deprecated models every weekday at 9am")
    site.schedule(ann, "@bob summarise yesterday's incidents every day at 8am")
    site.schedule(ann, "@maya review open pull requests every 4 hours")
    seeded = site.seed_history(ann, schedule_id)
    site.schedules.run_now(ann.user, schedule_id)
    site.settle()
    _sign_in_with_link(page, site, ann)
    expect(page.locator('[data-stat="success-rate"]')).to_have_text(re.compile(r"^\d+%$"))
    shoot(page, "02-mission-control")
    page.goto(f"/schedules/{schedule_id}/history")
    expect(page.locator("[data-history-total]")).to_have_text(str(seeded + 1))
    charts = page.locator("figure.chart")
    expect(charts.nth(0).locator("rect.bar")).to_have_count(seeded + 1)
    expect(charts.nth(2).locator("rect.bar")).to_have_count(14)
    expect(charts.nth(0).locator("rect.st-failed").first).to_be_attached()
    expect(page.locator("tbody tr")).to_have_count(25)  # a page
    page.get_by_role("link", name="Older →").click()
    expect(page.locator("tbody tr")).to_have_count(4)
    page.get_by_label("Status").select_option("failed")
    expect(page).to_have_url(re.compile(r"status=failed"))
    expect(page.locator('tbody tr[data-status="failed"]').first).to_be_visible()
    expect(page.locator('tbody tr:not([data-status="failed"])')).to_have_count(0)
    page.goto(f"/schedules/{schedule_id}/history")
    shoot(page, "05-history", full_page=False)


def test_form_errors_are_shown_by_the_field(page: Any, site: Site, ann: Person) -> None:
    _sign_in_with_link(page, site, ann)
    page.goto("/schedules/new")
    page.locator('label[for="mode-cron"]').click()
    page.get_by_label("Command", exact=True).fill("@bob summarise incidents")
    page.get_by_label("Cron expression").fill("*/2 * * * *")
    expect(page.locator(".preview-problems")).to_contain_text("5 minutes")  # while typing
    page.get_by_role("button", name="Create schedule").click()
    error = page.locator("#err-cron_expression")
    expect(error).to_contain_text("at most every 5 minutes")
    expect(page.get_by_label("Cron expression")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Cron expression")).to_have_value("*/2 * * * *")
    expect(page.locator("#form-problems")).to_be_focused()
    shoot(page, "08-form-errors")


def test_another_user_sees_nothing_of_it(page: Any, site: Site, ann: Person) -> None:
    schedule_id = site.schedule(ann, "@alice check deprecated models every weekday at 9am")
    bea = site.person("bea", "Europe/Berlin")
    _sign_in_with_link(page, site, bea)
    expect(page.locator('[data-stat="active"]')).to_have_text("0")
    page.goto("/schedules")
    expect(page.get_by_text("No schedules yet.")).to_be_visible()
    for path in (f"/schedules/{schedule_id}/history", f"/schedules/{schedule_id}/edit"):
        response = page.goto(path)
        assert response is not None and response.status == 404
        expect(page.get_by_role("heading", name="Not found")).to_be_visible()


def test_calendar_status_and_dark_theme(page: Any, site: Site, ann: Person) -> None:
    site.schedule(ann, "@alice check deprecated models every weekday at 9am")
    site.schedule(ann, "@bob summarise yesterday's incidents every day at 8am")
    site.schedule(ann, "@maya review open pull requests every 6 hours")
    _sign_in_with_link(page, site, ann)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Calendar").click()
    expect(page.locator("table.calendar thead th")).to_have_count(8)
    bob = page.locator("a.cal-chip").filter(has_text="@bob")
    expect(bob.first).to_be_visible()
    assert bob.count() in (6, 7)  # daily at 8am for 7 days, today's maybe already past
    classes = {
        page.locator("a.cal-chip").filter(has_text=f"@{h}").first.get_attribute("class")
        for h in ("alice", "bob", "maya")
    }
    assert len(classes) == 3  # one colour per agent
    shoot(page, "09-calendar")
    nav.get_by_role("link", name="Status").click()
    expect(page.get_by_text("Instances alive")).to_be_visible()
    shoot(page, "10-status")

    nav.get_by_role("link", name="Mission Control").click()
    toggle = page.locator("[data-theme-toggle]")
    toggle.click()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    page.reload()  # the choice is remembered, and rendered by the server (no flash)
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    shoot(page, "11-mission-control-dark")
    page.goto("/schedules")
    shoot(page, "12-schedules-dark")


def test_keyboard_reaches_the_content_first_and_sees_focus(
    page: Any, site: Site, ann: Person
) -> None:
    _sign_in_with_link(page, site, ann)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
