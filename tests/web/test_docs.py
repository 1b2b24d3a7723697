"""`/docs` works offline: Swagger UI from assets agentcron serves itself, within the CSP."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from .conftest import Site, shoot


def test_the_docs_page_names_no_other_host(site: Site) -> None:
    with site.client() as anonymous:
        page = anonymous.get("/docs")
        assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        loaded = {path: anonymous.get(path) for path in assets}

    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert not re.search(r"https?://", page.text), page.text
    assert "<script>" not in page.text and "style=" not in page.text
    assert len(loaded) == 5  # icon, stylesheet, Swagger UI, our starter, the document
    assert all(r.status_code == 200 for r in loaded.values()), loaded
    assert not httpx.get(f"{site.url}/docs/assets/../../app.py").is_success


@pytest.mark.browser
def test_the_docs_render_with_the_network_blocked(page: Any, site: Site) -> None:
    outside: list[str] = []

    def only_this_server(route: Any) -> None:
        if route.request.url.startswith(site.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_this_server)
    page.goto("/docs")
    # The first render parses a 1.4 MB bundle and a 150 KB document: on a busy CI machine
    # with four test workers that alone has taken over five seconds.
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("agentcron", timeout=30_000)
    expect(page.locator(".opblock-tag-section").first).to_be_visible()
    expect(page.get_by_text("/api/scheduled-commands").first).to_be_visible()
    shoot(page, "docs", full_page=False)
    assert outside == []
