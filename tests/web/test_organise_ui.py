"""Organising many schedules in a real browser: tag chips filter as clicked, the selection
bar acts on ticked rows after a confirmation naming how many, a pause keeps its note and
end, a backfill previews its slots, and templates make schedules."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from agentcron.service import ScheduleDraft
from agentcron.service.templates import TemplateDraft, TemplateService

from .conftest import Person, Site, shoot

pytestmark = pytest.mark.browser


def _sign_in(page: Any, site: Site, person: Person) -> None:
    page.goto(site.login_link(person))
    expect(page.get_by_role("heading", name="Mission Control")).to_be_visible()


def _make(site: Site, person: Person, command: str, tags: list[str]) -> str:
    draft = ScheduleDraft(
        command_text=command, schedule_type="cron", cron_expression="0 9 * * *", tags=tags
    )
    return str(site.schedules.create(person.user, draft).row.id)


def test_tag_chips_and_the_selection_bar(page: Any, site: Site, ann: Person) -> None:
    a = _make(site, ann, "@alice check billing", ["ops", "weekly"])
    b = _make(site, ann, "@bob check search", ["ops"])
    c = _make(site, ann, "@maya review the docs", [])
    _sign_in(page, site, ann)
    page.goto("/schedules")
    expect(page.locator("tbody tr")).to_have_count(3)

    page.locator("label.tag-chip", has_text="ops").click()  # no button: the chip filters
    expect(page).to_have_url(re.compile(r"tag=ops"))
    expect(page.locator("tbody tr")).to_have_count(2)
    expect(page.locator("#f-sort")).to_be_visible()

    bar = page.locator("#selection-bar")
    expect(bar).to_be_hidden()
    page.get_by_label("Select: @alice check billing").check()
    expect(page.locator("#selection-count")).to_have_text("1 selected")
    page.get_by_label("Select every schedule on this page").check()
    expect(page.locator("#selection-count")).to_have_text("2 selected")
    shoot(page, "organise-selection-bar")
    bar.get_by_role("button", name="Disable").click()
    dialog = page.locator("#bulk-confirm")
    expect(dialog).to_contain_text("Disable 2 schedules?")
    dialog.get_by_role("button", name="Confirm").click()
    expect(page.locator("#selection-count")).to_have_text("Disabled 2 of 2.")
    expect(page.locator(f"#toggle-{a}")).to_have_attribute("aria-checked", "false")
    enabled = {i: site.schedules.get(ann.user, i).row.enabled for i in (a, b, c)}
    assert enabled == {a: False, b: False, c: True}

    # Cancel changes nothing; tagging asks for the tag and names it.
    page.get_by_label("Select: @bob check search").check()
    bar.get_by_role("button", name="Delete").click()
    dialog.get_by_role("button", name="Cancel").click()
    assert site.schedules.get(ann.user, b).row.command_text == "@bob check search"
    page.locator("#bulk-tag").fill("urgent")
    bar.get_by_role("button", name="Add tag").click()
    expect(dialog).to_contain_text("Tag 1 schedule with “urgent”?")
    dialog.get_by_role("button", name="Confirm").click()
    expect(page.locator("#selection-count")).to_have_text("Tagged 1 of 1.")
    assert site.schedules.get(ann.user, b).row.tags == ["ops", "urgent"]


def test_pause_with_a_note_and_backfill_preview(page: Any, site: Site, ann: Person) -> None:
    sid = _make(site, ann, "@alice check billing", ["ops"])
    _sign_in(page, site, ann)
    page.goto(f"/schedules/{sid}/history")

    now = site.server.runtime.services.clock.now()
    until = (now + timedelta(days=30)).replace(hour=9, minute=0, second=0, microsecond=0)
    page.locator("#pause-tool summary").click()
    page.get_by_label("Why").fill("waiting for the vendor")
    page.get_by_label("Until (optional, your time)").fill(until.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#pause-submit").click()
    facts = page.locator("#paused-facts")
    expect(facts).to_contain_text("Paused by you")
    expect(facts).to_contain_text("until")
    expect(facts).to_contain_text("Why: waiting for the vendor")
    row = site.schedules.get(ann.user, sid).row
    assert (row.enabled, row.paused_note) == (False, "waiting for the vendor")
    assert row.paused_until == until

    start = (now - timedelta(days=3)).strftime("%Y-%m-%dT08:00")
    end = (now - timedelta(days=1)).strftime("%Y-%m-%dT10:00")
    page.locator("#backfill-tool summary").click()
    page.get_by_label("From (your time)").fill(start)
    page.get_by_label("To (your time, not after now)").fill(end)
    page.get_by_role("button", name="Preview slots").click()
    expect(page.locator("#backfill-slots")).to_contain_text("3 slots without an execution")
    expect(page.locator("#backfill-slots li")).to_have_count(3)
    shoot(page, "organise-backfill-preview")
    page.get_by_role("button", name="Run these 3 slots").click()
    expect(page.locator("#backfill-slots")).to_contain_text("Queued 3 slots")
    page.get_by_role("button", name="Preview slots").click()
    expect(page.locator("#backfill-slots")).to_contain_text(
        "0 slots without an execution (3 already ran)"
    )

    future = (now + timedelta(days=2)).strftime("%Y-%m-%dT10:00")
    page.get_by_label("To (your time, not after now)").fill(future)
    page.get_by_role("button", name="Preview slots").click()
    expect(page.locator("#backfill-problem")).to_contain_text("to: is in the future")


def test_save_as_template_and_new_from_template(page: Any, site: Site, ann: Person) -> None:
    sid = _make(site, ann, "@alice check billing health", ["ops"])
    _sign_in(page, site, ann)
    page.goto(f"/schedules/{sid}/history")
    page.locator("#template-tool summary").click()
    page.get_by_label("Template name").fill("health")
    page.get_by_label("Command").fill("@alice check {service} health")
    page.get_by_role("button", name="Save as template").click()
    expect(page).to_have_url(re.compile(r"/templates$"))
    card = page.locator("section.template", has_text="health")
    expect(card).to_contain_text("@alice check {service} health")

    card.get_by_label("service").fill("{region} <b>search</b>")
    card.get_by_role("button", name="Create schedule").click()
    expect(page).to_have_url(re.compile(r"/schedules/[0-9a-f-]+/history"))
    expect(page.locator("h1")).to_have_text("@alice check {region} <b>search</b> health")
    shoot(page, "organise-from-template")

    templates = TemplateService(site.server.runtime.services, site.schedules)
    templates.create(
        ann.user,
        TemplateDraft(
            name="two",
            command_text="@bob {a} and {b}",
            timing={"schedule_type": "cron", "cron_expression": "0 9 * * *"},
        ),
    )
    page.goto("/schedules")
    page.get_by_role("link", name="New from template").click()
    two = page.locator("section.template", has_text="@bob {a} and {b}")
    two.get_by_label("a").fill("x")
    two.get_by_label("b").evaluate("el => el.removeAttribute('required')")
    two.get_by_role("button", name="Create schedule").click()
    expect(
        page.locator("section.template", has_text="@bob").locator(".field-error")
    ).to_contain_text("values.b: is missing")


def test_editor_presets_and_tags(page: Any, site: Site, ann: Person) -> None:
    _sign_in(page, site, ann)
    page.goto("/schedules/new")
    page.get_by_label("Or start from a preset").select_option(label="Every weekday at 9")
    expect(page.locator("#mode-cron")).to_be_checked()
    expect(page.locator("#cron_expression")).to_have_value("0 9 * * 1-5")
    page.locator("#command_text").fill("@alice check billing")
    page.get_by_label("Tags (optional)").fill("Ops, weekly")
    expect(page.locator("[data-preview-description]")).to_have_text(
        "At 09:00, Monday through Friday (UTC)"
    )
    page.get_by_role("button", name="Create schedule").click()
    expect(page).to_have_url(re.compile(r"/schedules\?created="))
    row = page.locator("tbody tr").filter(has_text="check billing")
    expect(row.locator(".row-tags .tag")).to_have_text(["ops", "weekly"])

    page.goto("/schedules/new")
    page.get_by_label("Or start from a preset").select_option(label="Every 15 minutes")
    expect(page.locator("#mode-interval")).to_be_checked()
    expect(page.locator("#interval_value")).to_have_value("15")
    page.locator("#command_text").fill("@bob tidy")
    page.get_by_label("Tags (optional)").fill("two words!")
    page.get_by_role("button", name="Create schedule").click()
    expect(page.locator("#tags-error, .field-error").first).to_contain_text("is not a tag")


def test_a_running_row_says_so(site: Site, ann: Person, client: Any) -> None:
    """The list marks rows with a run going now (the region refreshes on execution events)."""
    import uuid

    from agentcron.store.tables import Execution

    sid = _make(site, ann, "@alice check billing", ["ops"])
    idle = _make(site, ann, "@bob idle", [])
    now = site.server.runtime.services.clock.now()
    with site.server.runtime.services.store.write() as session:
        session.add(
            Execution(
                id=uuid.uuid4(),
                schedule_id=uuid.UUID(sid),
                user_id=ann.user.id,
                agent_id="alice",
                trigger="manual",
                scheduled_for=now,
                status="running",
                attempt=1,
                created_at=now,
                started_at=now,
                attempt_started_at=now,
                worker_id="elsewhere",
                lease_expires_at=now + timedelta(minutes=10),
            )
        )
    rows = client.get("/schedules?fragment=rows&sort=agent&tag=ops").text
    assert rows.count('data-live="running"') == 1 and f'id="schedule-{sid}"' in rows
    assert f'id="schedule-{idle}"' not in rows  # the tag filter holds in the refresh too
    pager_kept = client.get("/schedules?sort=-agent").text
    assert '<option value="-last_run"' in pager_kept
