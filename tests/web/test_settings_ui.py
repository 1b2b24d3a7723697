"""A person's settings: the zone picker (search, the current zone), the browser's zone
offered once in a banner, their tokens; and every time on a page saying its zone."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from .conftest import Person, Site, csrf_of, shoot


def _unplaced(site: Site, name: str) -> Person:
    user = site.users.create(name)  # no zone given: UTC, not chosen
    return Person(user, site.users.issue_token(user).token)


def _user(site: Site, person: Person) -> Any:
    found = site.users.by_id(person.user.id)
    assert found is not None
    return found


@pytest.mark.browser
def test_the_settings_page_finds_and_sets_a_zone(page: Any, site: Site, ann: Person) -> None:
    schedule_id = site.schedule(ann, "@alice check deprecated models every day at 9am")
    page.goto(site.login_link(ann))
    page.locator(".who").click()
    expect(page).to_have_url(f"{site.url}/settings")
    expect(page.locator("[data-current-zone]")).to_contain_text("UTC")

    page.get_by_label("Search zones").fill("berl")
    options = page.locator("#zone-list option:not([hidden])")
    expect(options).to_have_count(1)
    expect(options).to_have_text(re.compile(r"^Europe/Berlin \(UTC\+0[12]:00\)$"))
    expect(page.locator("#zone-list")).to_have_value("Europe/Berlin")
    page.get_by_label("Search zones").fill("+05:30")
    expect(page.locator("#zone-list option:not([hidden])").first).to_have_text(
        re.compile(r"^Asia/(Calcutta|Colombo|Kolkata) ")
    )
    page.get_by_label("Search zones").fill("berl")
    shoot(page, "settings-zone-search", full_page=False)
    page.get_by_role("button", name="Use this zone").click()

    expect(page.get_by_role("status").first).to_contain_text("Times are shown in Europe/Berlin")
    expect(page.locator("[data-current-zone]")).to_contain_text("Europe/Berlin")
    assert _user(site, ann).timezone == "Europe/Berlin"
    # Times on other pages now say their zone: Berlin's.
    page.goto(f"/schedules/{schedule_id}/history")
    expect(page.locator(".stat-next time").last).to_have_text(re.compile(r"CES?T$"))


def test_a_zone_that_does_not_exist_is_refused_beside_the_picker(
    client: httpx.Client, site: Site, ann: Person
) -> None:
    token = csrf_of(client.get("/settings").text)
    response = client.post(
        "/settings/timezone", data={"csrf_token": token, "timezone": "Mars/Olympus"}
    )
    assert response.status_code == 422
    assert "unknown time zone &#39;Mars/Olympus&#39;" in response.text
    assert 'id="zone-problem"' in response.text
    assert _user(site, ann).timezone == "UTC"


@pytest.mark.browser
@pytest.mark.parametrize("answer", ["Use Asia/Tokyo", "Keep UTC"])
def test_the_browsers_zone_is_offered_once(browser: Any, site: Site, answer: str) -> None:
    eve = _unplaced(site, f"eve{len(answer)}")
    context = browser.new_context(base_url=site.url, timezone_id="Asia/Tokyo")
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto(site.login_link(eve))  # the first page stores the browser's zone
        page.goto("/schedules")
        banner = page.get_by_role("region", name="Your time zone")
        expect(banner).to_contain_text("Your browser is in Asia/Tokyo")
        shoot(page, "zone-banner", full_page=False)
        banner.get_by_role("button", name=answer).click()
        expect(page).to_have_url(f"{site.url}/schedules")
        expect(page.get_by_role("region", name="Your time zone")).to_have_count(0)
        page.reload()
        expect(page.get_by_role("heading", name="Schedules", exact=True)).to_be_visible()
        expect(page.get_by_role("region", name="Your time zone")).to_have_count(0)
    finally:
        context.close()

    user = _user(site, eve)
    assert user.suggested_timezone is None and user.timezone_chosen
    assert user.timezone == ("Asia/Tokyo" if answer.startswith("Use") else "UTC")


def test_tokens_are_listed_and_one_can_be_revoked(site: Site, ann: Person) -> None:
    spare = site.users.issue_token(ann.user, "laptop")
    with site.session(ann) as client:
        listing = client.get("/settings").text
        assert "laptop" in listing and spare.record.prefix in listing
        assert "acr_" in listing and spare.token not in listing  # the prefix only
        token = csrf_of(listing)
        response = client.post(
            f"/settings/tokens/{spare.record.id}/revoke", data={"csrf_token": token}
        )
        assert response.status_code == 303
        after = client.get("/settings").text
        assert "Revoked the token laptop" in after
        assert after.count(">Revoke</button>") == 1  # the one this browser signed in with
        # Another user's token is not one of theirs to revoke.
        bob = site.person("bob")
        [bobs] = site.users.tokens(bob.user)
        foreign = client.post(f"/settings/tokens/{bobs.id}/revoke", data={"csrf_token": token})
        assert foreign.status_code == 404
    assert site.users.tokens(bob.user)[0].revoked_at is None


def test_every_time_on_a_page_says_its_zone(site: Site) -> None:
    kai = site.person("kai", "America/New_York")
    schedule_id = site.schedule(kai, "@alice check deprecated models every day at 9am")
    site.seed_history(kai, schedule_id, days=2)
    with site.session(kai) as client:
        for path in (f"/schedules/{schedule_id}/history", "/schedules", "/status"):
            html = client.get(path).text
            shown = re.findall(r"<time datetime=\"[^\"]+\" title=\"[^\"]+\">([^<]+)</time>", html)
            assert shown, path
            assert all(re.search(r" E[SD]T$", text) for text in shown), (path, shown)
