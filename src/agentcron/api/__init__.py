"""The REST API: routers by noun, one mapping of errors to problem+json, and the request
middleware (body size cap, HTTP metrics). Every `/api` route requires a bearer token."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import Depends, FastAPI

from agentcron.api import agents, events, executions, operations, previews, schedules, users
from agentcron.api.bodylimit import BodyLimit
from agentcron.api.deps import Api
from agentcron.api.httpmetrics import HttpMetrics
from agentcron.api.openapi import install_openapi
from agentcron.api.problems import install_handlers
from agentcron.auth import BearerAuth, current_user

if TYPE_CHECKING:
    from agentcron.app import Runtime

PROTECTED = (
    schedules.router,
    previews.router,
    executions.router,
    agents.router,
    users.router,
    events.router,
)


def install(app: FastAPI, runtime: Runtime) -> None:
    app.state.api = Api.build(runtime)
    app.state.bearer_auth = BearerAuth(runtime.services)
    install_handlers(app)
    app.include_router(operations.router)
    for router in PROTECTED:
        # The routes ask for the user themselves; this makes forgetting it impossible.
        app.include_router(router, dependencies=[Depends(current_user)])
    app.add_middleware(
        BodyLimit,
        max_bytes=runtime.settings.max_body_bytes,
        body_timeout_s=runtime.settings.body_timeout_s,
    )
    app.add_middleware(HttpMetrics)
    install_openapi(app)
