"""Ending a session ends it: signing out, revoking the token that signed a browser in, or
signing a user out everywhere takes effect at the next request of every copy of the cookie,
and the live event streams opened under it close."""

from __future__ import annotations

import threading
import time

import httpx

from agentcron.service.sessions import SessionService

from .conftest import Person, Site, csrf_of, sign_in


def _signed_in(client: httpx.Client) -> bool:
    return client.get("/schedules").status_code == 200


def _copy(client: httpx.Client, site: Site) -> httpx.Client:
    """Another browser holding a copy of the same cookie (stolen, or a second device)."""
    copy = site.client()
    copy.cookies.update(client.cookies)
    return copy


def test_signing_out_ends_every_copy_of_the_cookie(site: Site, ann: Person) -> None:
    with site.session(ann) as client, _copy(client, site) as stolen:
        assert _signed_in(stolen)
        token = csrf_of(client.get("/schedules").text)
        assert client.post("/logout", data={"csrf_token": token}).status_code == 303
        assert not _signed_in(stolen)
        assert stolen.get("/schedules").headers["location"].startswith("/login")


def test_revoking_the_token_ends_the_sessions_it_signed_in(site: Site, ann: Person) -> None:
    other_token = site.users.issue_token(ann.user, "laptop").token
    with site.session(ann) as by_first, site.client() as by_second:
        sign_in(by_second, Person(ann.user, other_token))
        ended = site.users.revoke_token(ann.user, ann.token[:12])
        assert (ended.tokens, ended.sessions) == (1, 1)
        assert not _signed_in(by_first)
        assert _signed_in(by_second)  # signed in with the other token


def test_signing_a_user_out_everywhere(site: Site, ann: Person) -> None:
    link = site.login_link(ann)
    with site.session(ann) as by_token, site.client() as by_link:
        assert by_link.get(link.removeprefix(site.url)).status_code == 303
        sessions = SessionService(site.server.runtime.services)
        assert sessions.end_all(ann.user) == 2
        assert not _signed_in(by_token) and not _signed_in(by_link)


def _read_stream(client: httpx.Client, path: str, lines: list[str], done: threading.Event) -> None:
    with client.stream("GET", path, timeout=30) as response:
        for line in response.iter_lines():
            lines.append(line)
    done.set()


def test_revoking_a_token_closes_its_event_stream(site: Site, ann: Person) -> None:
    lines: list[str] = []
    done = threading.Event()
    headers = {"Authorization": f"Bearer {ann.token}"}
    with site.client() as client:
        client.headers.update(headers)
        reader = threading.Thread(target=_read_stream, args=(client, "/api/events", lines, done))
        reader.start()
        deadline = time.monotonic() + 10
        while ": connected" not in lines and time.monotonic() < deadline:
            time.sleep(0.02)
        site.users.revoke_token(ann.user, ann.token[:12])
        assert done.wait(10), "the stream stayed open after its token was revoked"
        reader.join(5)
    assert "event: auth.revoked" in lines


def test_a_page_stream_closes_when_its_session_ends_elsewhere(site: Site, ann: Person) -> None:
    lines: list[str] = []
    done = threading.Event()
    with site.session(ann) as client, _copy(client, site) as tab:
        reader = threading.Thread(target=_read_stream, args=(tab, "/ui/events", lines, done))
        reader.start()
        deadline = time.monotonic() + 10
        while "event: hello" not in lines and time.monotonic() < deadline:
            time.sleep(0.02)
        token = csrf_of(client.get("/schedules").text)
        client.post("/logout", data={"csrf_token": token})
        assert done.wait(10), "the page's stream stayed open after signing out"
        reader.join(5)
    assert "event: signed-out" in lines
