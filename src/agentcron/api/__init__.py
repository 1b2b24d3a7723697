"""The REST API: routers by noun, one mapping of errors to problem+json, and the request
middleware (body size cap, HTTP metrics). Every `/api` route requires a bearer token."""

from __future__ import annotations

from fastapi import Depends, FastAPI

from agentcron.api import (
    agents,
    budgets,
    chains,
    channels,
    events,
    executions,
    notifications,
    operations,
    organise,
    previews,
    prices,
    schedules,
    usage,
    users,
)
from agentcron.api.bodylimit import BodyLimit
from agentcron.api.docs import install_docs
from agentcron.api.httpmetrics import HttpMetrics
from agentcron.api.openapi import install_openapi
from agentcron.api.problems import install_handlers
from agentcron.auth import BearerAuth, current_user
from agentcron.service.usecases import UseCases

PROTECTED = (
    schedules.router,
    previews.router,
    executions.router,
    agents.router,
    users.router,
    events.router,
    channels.router,
    notifications.router,
    chains.router,
    organise.router,
    usage.router,
    budgets.router,
    prices.router,
)


def install(app: FastAPI, use_cases: UseCases) -> None:
    app.state.use_cases = use_cases
    app.state.bearer_auth = BearerAuth(use_cases)
    install_handlers(app)
    app.include_router(operations.router)
    for router in PROTECTED:
        # The routes ask for the user themselves; this makes forgetting it impossible.
        app.include_router(router, dependencies=[Depends(current_user)])
    app.add_middleware(
        BodyLimit,
        max_bytes=use_cases.settings.max_body_bytes,
        body_timeout_s=use_cases.settings.body_timeout_s,
    )
    app.add_middleware(HttpMetrics)
    install_openapi(app)
    install_docs(app)
