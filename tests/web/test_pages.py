"""The web UI through real HTTP, without a browser: sign-in, every page, the forms (which
must work without JavaScript), CSRF, ownership, escaping and the security headers."""

from __future__ import annotations

import json
import re
import threading
from html import unescape

import httpx
import pytest

from agentcron.web.routing import CSP

from .conftest import Person, Site, csrf_of

PAGES = ["/", "/schedules", "/schedules/new", "/calendar", "/status"]


def _form(client: httpx.Client, path: str) -> str:
    return csrf_of(client.get(path).text)


def _create(client: httpx.Client, **fields: str) -> httpx.Response:
    token = _form(client, "/schedules/new")
    data = {
        "csrf_token": token,
        "enabled": "on",
        "timezone": "UTC",
        "overlap": "skip",
        "misfire_grace_s": "300",
        "max_retries": "3",
        "timeout_s": "600",
        **fields,
    }
    return client.post("/schedules/new", data=data)


def _errors(html: str) -> dict[str, str]:
    found = re.findall(r'<p class="field-error" id="err-([a-z_]+)"><strong>(.*?)</strong>', html)
    return {name: unescape(message) for name, message in found}


# -- signing in ----------------------------------------------------------------------------


def test_pages_redirect_visitors_to_sign_in(site: Site) -> None:
    with site.client() as anonymous:
        for path in PAGES:
            response = anonymous.get(path)
            assert response.status_code == 303
            assert response.headers["location"].startswith("/login")
        assert (
            anonymous.get("/schedules?agent=bob").headers["location"]
            == "/login?next=/schedules%3Fagent%3Dbob"
        )
        assert anonymous.get("/ui/events").status_code == 401


def test_sign_in_with_name_and_token_sets_a_hardened_cookie(site: Site, ann: Person) -> None:
    with site.client() as browser:
        page = browser.get("/login")
        assert page.status_code == 200
        response = browser.post(
            "/login",
            data={
                "csrf_token": csrf_of(page.text),
                "token": ann.token,
                "next": "/calendar",
            },
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/calendar"
        cookie = response.headers["set-cookie"]
        assert "agentcron_session=" in cookie
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
        assert browser.get("/").status_code == 200


def test_a_token_alone_says_who_signs_in(site: Site, ann: Person) -> None:
    bea = site.person("bea")
    with site.client() as browser:
        page = browser.get("/login").text
        response = browser.post("/login", data={"csrf_token": csrf_of(page), "token": bea.token})
        assert response.status_code == 303
        assert 'name="name"' not in page  # no user name to type
        assert "bea" in browser.get("/").text


def test_sign_in_refuses_a_wrong_or_revoked_token(site: Site, ann: Person) -> None:
    site.users.revoke_token(ann.user, ann.token[:12])
    with site.client() as browser:
        token = csrf_of(browser.get("/login").text)
        for secret, status in [(ann.token, 401), ("acr_wrong", 401), ("", 400)]:
            response = browser.post("/login", data={"csrf_token": token, "token": secret})
            assert response.status_code == status
            assert "does not belong to an account" in response.text or (
                "Enter an API token" in response.text
            )
        assert browser.get("/").status_code == 303


def test_next_after_sign_in_stays_on_this_site(site: Site, ann: Person) -> None:
    for target in ["//evil.example/x", "https://evil.example/", "/\\evil.example"]:
        with site.client() as browser:
            token = csrf_of(browser.get("/login").text)
            response = browser.post(
                "/login",
                data={"csrf_token": token, "token": ann.token, "next": target},
            )
            assert response.headers["location"] == "/"


def test_login_link_signs_in_once(site: Site, ann: Person) -> None:
    link = site.login_link(ann)
    with site.client() as browser:
        response = browser.get(link)
        assert response.status_code == 303 and response.headers["location"] == "/"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert browser.get("/").status_code == 200
    with site.client() as other:
        again = other.get(link)
        assert again.status_code == 400
        assert "invalid, already used or expired" in again.text
        assert "<code>agentcron users login-link NAME</code>" in again.text
        assert "`" not in again.text  # says how to get a new link, without markdown
        assert other.get("/").status_code == 303


def test_sign_out_needs_the_token_and_ends_the_session(client: httpx.Client) -> None:
    assert client.post("/logout").status_code == 403
    token = _form(client, "/")
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert client.get("/").status_code == 303
    assert "You are signed out." in client.get("/login").text


def test_tampered_session_cookie_is_ignored(site: Site, client: httpx.Client) -> None:
    cookie = client.cookies["agentcron_session"]
    client.cookies.set(
        "agentcron_session", cookie[:-3] + ("AAA" if not cookie.endswith("AAA") else "BBB")
    )
    assert client.get("/").status_code == 303


# -- CSRF ----------------------------------------------------------------------------------


def test_state_changing_posts_without_the_csrf_token_are_refused(
    site: Site, ann: Person, client: httpx.Client
) -> None:
    schedule_id = site.schedule(ann, "@alice check deprecated models every weekday at 9am")
    for path in [
        f"/schedules/{schedule_id}/delete",
        f"/schedules/{schedule_id}/run",
        f"/schedules/{schedule_id}/enabled",
        "/schedules/new",
    ]:
        assert client.post(path, data={"enabled": "false"}).status_code == 403
        assert client.post(path, data={"csrf_token": "forged" * 8}).status_code == 403
    refused = client.post(
        "/ui/preview", json={"mode": "sentence", "text": "@alice x every day at 9am"}
    )
    assert refused.status_code == 403
    assert client.get(f"/schedules/{schedule_id}/history").status_code == 200  # still there
    rows = site.schedules.get(ann.user, schedule_id).row
    assert rows.enabled


def test_a_token_from_another_session_or_a_cross_site_post_is_refused(
    site: Site, ann: Person, client: httpx.Client
) -> None:
    schedule_id = site.schedule(ann, "@alice check deprecated models every weekday at 9am")
    with site.session(ann) as second:
        foreign = _form(second, "/")
    assert (
        client.post(f"/schedules/{schedule_id}/delete", data={"csrf_token": foreign}).status_code
        == 403
    )
    mine = _form(client, "/")
    cross = client.post(
        f"/schedules/{schedule_id}/delete",
        data={"csrf_token": mine},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert cross.status_code == 403
    assert (
        client.post(f"/schedules/{schedule_id}/delete", data={"csrf_token": mine}).status_code
        == 303
    )


def test_a_login_post_without_a_session_is_refused(site: Site, ann: Person) -> None:
    with site.client() as fresh:
        response = fresh.post("/login", data={"name": "ann", "token": ann.token})
        assert response.status_code == 403


# -- security headers -----------------------------------------------------------------------


def test_pages_and_assets_carry_the_security_headers(site: Site, client: httpx.Client) -> None:
    with site.client() as anonymous:
        login = anonymous.get("/login")
    assert login.headers["content-security-policy"] == CSP
    for path in [*PAGES, "/static/app.js", "/static/app.css"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-security-policy"] == CSP
        assert "script-src 'self';" in CSP and "unsafe-inline" not in CSP
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"]
    page = client.get("/")
    assert page.headers["cache-control"] == "no-store"
    assert "<script>" not in page.text and " style=" not in page.text and "<style" not in page.text
    asset = re.search(r'src="(/static/app\.js\?v=[0-9a-f]+)"', page.text)
    assert asset and "immutable" in client.get(asset.group(1)).headers["cache-control"]


def test_no_template_has_inline_script_or_style() -> None:
    from agentcron.web.templating import TEMPLATES

    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        assert "<script>" not in text and "<script " not in text.replace('<script src="', ""), (
            template
        )
        assert " style=" not in text and "<style" not in text, template
        assert not re.search(r"\son[a-z]+=", text), template


# -- pages -----------------------------------------------------------------------------------


def test_mission_control_shows_a_card_per_agent_and_the_summary(
    site: Site, ann: Person, client: httpx.Client
) -> None:
    site.schedule(ann, "@bob summarise yesterday's incidents every day at 8am")
    page = client.get("/").text
    for handle in ("alice", "bob", "maya"):
        assert f'data-agent="{handle}"' in page
        assert f'href="/schedules?agent={handle}"' in page
    assert re.search(r'data-stat="active">1<', page)
    assert "summarise yesterday" in page


def test_every_page_renders_for_a_new_user(client: httpx.Client) -> None:
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "<h1" in response.text


def test_create_from_a_sentence_without_javascript(
    site: Site, ann: Person, client: httpx.Client
) -> None:
    response = _create(
        client, mode="sentence", text="@alice check deprecated models every weekday at 9am"
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith("/schedules?created=")
    listing = client.get(response.headers["location"]).text
    assert "check deprecated models" in listing
    assert "At 09:00, Monday through Friday (UTC)" in listing
    assert "data-countdown" in listing
    assert "Created:" in listing  # the flash


def test_the_no_javascript_preview_button_shows_the_next_runs(client: httpx.Client) -> None:
    token = _form(client, "/schedules/new")
    response = client.post(
        "/schedules/new",
        data={
            "csrf_token": token,
            "intent": "preview",
            "mode": "cron",
            "command_text": "@maya review PRs",
            "cron_expression": "30 17 * * 5",
            "timezone": "Europe/Berlin",
        },
    )
    assert response.status_code == 200
    assert "At 17:30, only on Friday (Europe/Berlin)" in response.text
    assert response.text.count("<li><time") == 5


def test_form_problems_are_shown_by_their_fields(client: httpx.Client) -> None:
    response = _create(
        client, mode="cron", command_text="@bob summarise", cron_expression="*/2 * * * *"
    )
    assert response.status_code == 422
    errors = _errors(response.text)
    assert "5 minutes" in errors["cron_expression"]
    assert 'id="cron_expression" name="cron_expression" value="*/2 * * * *"' in response.text
    assert (
        'aria-describedby="cron_expression-help err-cron_expression" aria-invalid="true"'
        in response.text
    )

    response = _create(
        client,
        mode="interval",
        command_text="@nobody x",
        interval_value="ten",
        timezone="Mars/Olympus",
    )
    assert response.status_code == 422
    assert "not a whole number" in _errors(response.text)["interval_value"]

    response = _create(
        client,
        mode="interval",
        command_text="@alcie x",
        interval_value="10",
        interval_unit="minutes",
        timezone="Europe/Berln",
        timeout_s="0",
    )
    errors = _errors(response.text)
    assert "did you mean @alice" in response.text
    assert "agent_id" in errors and "timezone" in errors and "timeout_s" in errors
    assert "Europe/Berlin" in response.text  # the suggestion

    response = _create(client, mode="sentence", text="@alice do something sometime maybe")
    assert response.status_code == 422
    assert "text" in _errors(response.text)


def test_a_bad_zone_is_shown_under_the_time_zone_with_its_label(client: httpx.Client) -> None:
    response = _create(
        client,
        mode="sentence",
        text="@alice check models every day at 9am",
        timezone="Mars/Olympus",
    )

    assert response.status_code == 422
    errors = _errors(response.text)
    assert set(errors) == {"timezone"}
    assert errors["timezone"] == "unknown time zone 'Mars/Olympus'"
    assert '<a href="#timezone">Time zone</a>: unknown time zone' in response.text
    assert "text: timezone" not in response.text


def test_a_refused_sentence_links_to_the_examples(client: httpx.Client) -> None:
    response = _create(client, mode="sentence", text="@alice report every 2 minutes")
    preview = client.post(
        "/ui/preview",
        json={"mode": "sentence", "text": "@alice report every monday", "timezone": "UTC"},
        headers={"X-CSRF-Token": csrf_of(client.get("/schedules/new").text)},
    ).json()

    error = re.search(r'<p class="field-error" id="err-text">(.*?)</p>', response.text)
    assert error is not None
    assert error.group(1).startswith("<strong>every 2 minutes is more often")
    assert '<a href="/help/sentences">/help/sentences</a>' in error.group(1)
    assert "README" not in response.text
    [problem] = preview["problems"]
    assert problem["fix"].endswith("/help/sentences") and problem["label"] == ""


def test_the_sentence_examples_page_shows_what_each_becomes(client: httpx.Client) -> None:
    from agentcron.web.views.guide import KINDS

    page = client.get("/help/sentences")

    assert page.status_code == 200
    shown = re.findall(r'data-example-ok="(yes|no)"', page.text)
    expected = ["no" if kind.refused else "yes" for kind in KINDS for _ in kind.examples]
    assert shown == expected  # every example works today, and every refusal is refused
    assert "At 09:00, Monday through Friday (UTC)" in page.text
    assert "/schedules/new?text=%40alice+check+deprecated+models" in page.text
    new = client.get("/schedules/new?text=%40bob+summarise+the+logs+every+2+hours").text
    assert ">@bob summarise the logs every 2 hours</textarea>" in new


def test_the_sentence_examples_are_open_to_visitors(site: Site) -> None:
    with site.client() as anonymous:
        page = anonymous.get("/help/sentences")
    assert page.status_code == 200 and "every weekday at 9am" in page.text


def test_a_busy_calendar_page_stays_small_and_pages_by_week(
    site: Site, ann: Person, client: httpx.Client
) -> None:
    """50 five-minute schedules made a 2 MB calendar (issue #15, item 4)."""
    for n in range(50):
        site.schedule(ann, f"@{('alice', 'bob', 'maya')[n % 3]} check queue {n} every 5 minutes")

    week = client.get("/calendar")
    region = client.get("/calendar?fragment=calendar")
    later = client.get("/calendar?week=1&agent=bob")

    assert week.status_code == 200
    print(f"calendar of 50 five-minute schedules: {len(week.content):,} bytes")
    assert len(week.content) < 400_000, len(week.content)
    assert len(region.content) < 400_000
    assert 'data-refresh-on="schedule"' in week.text  # not on every execution
    assert "+47 more" in week.text and "every 5 min · 12×" in week.text
    assert later.status_code == 200
    assert set(re.findall(r'class="cal-agent">@(\w+)<', later.text)) == {"bob"}


def test_edit_keeps_what_was_not_changed(site: Site, ann: Person, client: httpx.Client) -> None:
    schedule_id = site.schedule(
        ann, "@alice check deprecated models every weekday at 9am", description="keep me"
    )
    page = client.get(f"/schedules/{schedule_id}/edit").text
    assert 'value="0 9 * * 1-5"' in page and 'id="mode-cron" value="cron" checked' in page
    response = client.post(
        f"/schedules/{schedule_id}/edit",
        data={
            "csrf_token": csrf_of(page),
            "mode": "cron",
            "command_text": "@alice check deprecated models",
            "cron_expression": "0 14 * * 1-4",
            "timezone": "UTC",
            "description": "keep me",
            "enabled": "on",
            "misfire_grace_s": "300",
            "overlap": "skip",
            "max_retries": "2",
            "timeout_s": "600",
        },
    )
    assert response.status_code == 303
    history = client.get(response.headers["location"]).text
    assert "At 14:00, Monday through Thursday (UTC)" in history
    row = site.schedules.get(ann.user, schedule_id).row
    assert (row.max_retries, row.description, row.agent_id) == (2, "keep me", "alice")


def test_toggle_run_now_and_history(site: Site, ann: Person, client: httpx.Client) -> None:
    schedule_id = site.schedule(ann, "@maya review open pull requests every day at 7am")
    token = _form(client, "/schedules")
    off = client.post(
        f"/schedules/{schedule_id}/enabled",
        data={"csrf_token": token, "enabled": "false", "next": "/schedules?enabled=off"},
    )
    assert off.status_code == 303 and off.headers["location"] == "/schedules?enabled=off"
    assert "review open pull requests" in client.get("/schedules?enabled=off").text
    assert "review open pull requests" not in client.get("/schedules?enabled=on").text
    on = client.post(
        f"/schedules/{schedule_id}/enabled",
        data={"csrf_token": token, "enabled": "true"},
        headers={"Accept": "application/json"},
    )
    assert on.json() == {"ok": True, "enabled": True}

    queued = client.post(
        f"/schedules/{schedule_id}/run",
        data={"csrf_token": token},
        headers={"Accept": "application/json"},
    )
    assert queued.status_code == 200 and queued.json()["ok"]
    site.settle()
    history = client.get(f"/schedules/{schedule_id}/history").text
    assert history.count('<tr id="execution-') == 1
    assert '<tr id="execution-' in history and 'data-status="success">' in history
    assert '<span class="tag">manual</span>' in history
    assert "<svg" in history and "<rect" in history  # the charts
    execution_id = queued.json()["execution_id"]
    detail = client.get(f"/executions/{execution_id}")
    assert detail.status_code == 200 and "review open pull requests" in detail.text
    fragment = client.get(f"/schedules/{schedule_id}/history?fragment=history")
    assert (
        fragment.status_code == 200
        and "<html" not in fragment.text
        and "execution-" in fragment.text
    )


def test_delete_has_a_confirmation_page_and_removes_the_schedule(
    site: Site, ann: Person, client: httpx.Client
) -> None:
    schedule_id = site.schedule(ann, "@bob summarise incidents every day at 8am")
    confirm = client.get(f"/schedules/{schedule_id}/delete")
    assert confirm.status_code == 200 and "cannot be undone" in confirm.text
    response = client.post(
        f"/schedules/{schedule_id}/delete", data={"csrf_token": csrf_of(confirm.text)}
    )
    assert response.status_code == 303 and response.headers["location"] == "/schedules"
    assert client.get(f"/schedules/{schedule_id}/history").status_code == 404


def test_filters_and_search(site: Site, ann: Person, client: httpx.Client) -> None:
    site.schedule(ann, "@alice check deprecated models every weekday at 9am")
    site.schedule(ann, "@bob summarise incidents every day at 8am")
    assert "summarise incidents" not in client.get("/schedules?agent=alice").text
    assert "check deprecated" in client.get("/schedules?agent=@Alice").text
    found = client.get("/schedules?q=INCIDENTS").text
    assert "summarise incidents" in found and "check deprecated" not in found
    assert "No schedule matches" in client.get("/schedules?q=nothing-like-this").text
    assert (
        client.get("/schedules?q=%00inc&agent=" + "x" * 300 + "&enabled=maybe").status_code == 200
    )


def test_another_users_schedule_does_not_exist(site: Site, ann: Person) -> None:
    schedule_id = site.schedule(ann, "@alice check deprecated models every weekday at 9am")
    bea = site.person("bea")
    with site.session(bea) as other:
        for path in ["/schedules", "/calendar", "/", "/status"]:
            assert schedule_id not in other.get(path).text, path
        assert "No schedules yet" in other.get("/schedules").text
        token = _form(other, "/")
        for path in [
            f"/schedules/{schedule_id}",
            f"/schedules/{schedule_id}/history",
            f"/schedules/{schedule_id}/edit",
            f"/schedules/{schedule_id}/delete",
            "/schedules/not-a-uuid/history",
            "/executions/not-a-uuid",
        ]:
            assert other.get(path).status_code == 404, path
        for path in [
            f"/schedules/{schedule_id}/run",
            f"/schedules/{schedule_id}/delete",
            f"/schedules/{schedule_id}/enabled",
            f"/schedules/{schedule_id}/edit",
        ]:
            assert (
                other.post(path, data={"csrf_token": token, "enabled": "false"}).status_code == 404
            ), path
    assert site.schedules.get(ann.user, schedule_id).row.enabled


def test_user_text_is_escaped_and_control_characters_are_shown(
    site: Site, ann: Person, client: httpx.Client
) -> None:
    evil = "@alice <script>alert(1)</script> \x1b[31mred\u202egnp.exe"
    site.schedules.create(ann.user, _draft(evil))
    for path in ["/schedules", "/", "/calendar"]:
        page = client.get(path).text
        assert "<script>alert(1)" not in page
        assert "\x1b" not in page and "\u202e" not in page
    listing = client.get("/schedules").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listing
    assert "\u241b[31mred" in listing  # ESC shown as its control picture
    assert "\u27e8U+202E\u27e9" in listing


def _draft(command: str):  # type: ignore[no-untyped-def]
    from agentcron.service import ScheduleDraft

    return ScheduleDraft(command_text=command, schedule_type="cron", cron_expression="0 9 * * *")


def test_preview_endpoint_answers_as_you_type(client: httpx.Client) -> None:
    token = _form(client, "/schedules/new")
    headers = {"X-CSRF-Token": token, "Accept": "application/json"}
    good = client.post(
        "/ui/preview",
        headers=headers,
        json={
            "mode": "sentence",
            "text": "@alice check deprecated models every weekday at 9am",
            "timezone": "UTC",
        },
    )
    data = good.json()
    assert data["ok"] and data["description"] == "At 09:00, Monday through Friday (UTC)"
    assert data["agent"] == "alice" and len(data["next_runs"]) == 5
    assert data["spec"]["cron_expression"] == "0 9 * * 1-5"
    bad = client.post(
        "/ui/preview",
        headers=headers,
        json={
            "mode": "cron",
            "command_text": "@bob x",
            "cron_expression": "*/2 * * * *",
            "timezone": "UTC",
        },
    ).json()
    assert not bad["ok"] and bad["problems"][0]["field"] == "cron_expression"
    interval = client.post(
        "/ui/preview",
        headers=headers,
        json={
            "mode": "interval",
            "command_text": "@bob x",
            "interval_value": "30",
            "interval_unit": "minutes",
        },
    ).json()
    assert interval["description"] == "Every 30 minutes"


def test_times_are_shown_in_the_users_zone(site: Site) -> None:
    ned = site.person("ned", "America/New_York")
    site.schedule(ned, "@alice check deprecated models every day at 9am")
    with site.session(ned) as client:
        page = client.get("/schedules").text
        assert "At 09:00 (America/New_York)" in page
        assert re.search(r'title="\w{3} \d+ \w{3} \d{4} 09:00:00 E[SD]T">', page)
        assert "times in America/New_York" in page


def test_calendar_and_status_pages(site: Site, ann: Person, client: httpx.Client) -> None:
    site.schedule(ann, "@alice check deprecated models every day at 9am")
    site.schedule(ann, "@maya review open pull requests every 6 hours")
    calendar = client.get("/calendar").text
    assert calendar.count("cal-chip") >= 7 + 7 * 3
    assert 'aria-current="date"' in calendar
    status = client.get("/status").text
    assert "Instances alive" in status and "Your recent failures" in status


# -- live updates -----------------------------------------------------------------------------


def test_events_stream_reports_a_run_from_start_to_finish(
    site: Site, ann: Person, client: httpx.Client
) -> None:
    schedule_id = site.schedule(ann, "@alice check deprecated models every weekday at 9am")
    seen: list[tuple[str, dict[str, object]]] = []
    with client.stream("GET", "/ui/events", timeout=15) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        assert stream.headers["content-security-policy"] == CSP
        lines = stream.iter_lines()
        kind = ""
        started = threading.Event()
        for line in lines:
            if line.startswith("event: "):
                kind = line.removeprefix("event: ")
            elif line.startswith("data: "):
                seen.append((kind, json.loads(line.removeprefix("data: "))))
                if kind == "hello" and not started.is_set():
                    started.set()
                    site.schedules.run_now(ann.user, schedule_id)
                if kind == "execution.finished":
                    break
    kinds = [k for k, _ in seen]
    assert kinds[0] == "hello"
    assert "execution.queued" in kinds and "execution.started" in kinds
    finished = seen[-1][1]
    assert finished["schedule_id"] == schedule_id and finished["status"] == "success"
    assert "summary" not in finished and "user_id" not in finished


@pytest.mark.parametrize("path", ["/static/app.js", "/static/editor.js", "/static/app.css"])
def test_assets_are_served(client: httpx.Client, path: str) -> None:
    assert client.get(path).status_code == 200
