"""The web UI: server-rendered pages (Jinja2), small vanilla scripts, live updates over SSE.

Pages call the service layer only, sign people in with browser sessions (`auth.sessions`),
and send a strict Content-Security-Policy: no inline script or style anywhere.
"""

from __future__ import annotations

import os

from fastapi import FastAPI
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from agentcron.auth.sessions import SessionCookies
from agentcron.service.usecases import UseCases
from agentcron.web.routing import harden
from agentcron.web.state import WebState
from agentcron.web.templating import STATIC
from agentcron.web.views import (
    auth,
    channels,
    editor,
    guide,
    history,
    home,
    live,
    organise,
    overview,
    schedules,
    usage,
)
from agentcron.web.views import settings as settings_page

__all__ = ["install"]


class _Assets(StaticFiles):
    """Static files with the page's security headers; versioned URLs (`?v=`) cache for good."""

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        versioned = b"v=" in scope.get("query_string", b"")
        harden(response, cache="public, max-age=31536000, immutable" if versioned else "no-cache")
        return response


def install(app: FastAPI, use_cases: UseCases, secret_key: str) -> None:
    settings = use_cases.settings
    cookies = SessionCookies(
        secret_key, max_age_s=settings.session_max_age_s, secure=settings.cookie_secure
    )
    app.state.web = WebState(use_cases, cookies, secret_key)
    # The editor's /schedules/new must come before /schedules/{schedule_id}.
    for module in (
        auth,
        home,
        editor,
        organise,
        schedules,
        history,
        overview,
        live,
        guide,
        channels,
        usage,
        settings_page,
    ):
        app.include_router(module.router, include_in_schema=False)
    app.mount("/static", _Assets(directory=STATIC), name="static")
