"""The composition root: settings → use cases (store, agents, events, engine; see
`service.usecases`) → the faces (API, web UI, MCP), in one ASGI app whose lifespan starts
and stops the engine and the MCP endpoint's session manager. Only this module knows every
face.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from fastapi import FastAPI

from agentcron import __version__
from agentcron.agents import AgentRegistry
from agentcron.config import Settings, ensure_secret_key
from agentcron.engine.clock import Clock
from agentcron.forwarded import TrustedProxies, parse_networks
from agentcron.logs import configure_logging
from agentcron.service.usecases import UseCases, build_use_cases
from agentcron.store.database import Store

if TYPE_CHECKING:
    from agentcron.mcp_server import McpEndpoint


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    store: Store | None = None,
    registry: AgentRegistry | None = None,
    run_engine: bool | None = None,
) -> FastAPI:
    settings = settings or Settings()
    configure_logging(settings)
    use_cases = build_use_cases(settings, clock=clock, store=store, registry=registry)
    engine_on = settings.engine_enabled if run_engine is None else run_engine

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await use_cases.start(run_engine=engine_on)
        use_cases.install_reload_signal()
        try:
            async with mcp.serving():
                yield
        finally:
            await use_cases.stop()

    app = FastAPI(
        title="agentcron",
        version=__version__,
        summary="Schedule natural-language commands to AI agents.",
        lifespan=lifespan,
        # The API face serves /docs from local assets (api/docs.py); FastAPI's own pages
        # would load Swagger UI and ReDoc from a CDN.
        docs_url=None,
        redoc_url=None,
    )
    # For tests and operators' scripts in this process; the faces never read it.
    app.state.runtime = use_cases.runtime
    mcp = install_faces(app, use_cases, ensure_secret_key(settings))
    app.add_middleware(TrustedProxies, networks=parse_networks(settings.trusted_proxies))
    return app


def install_faces(app: FastAPI, use_cases: UseCases, secret_key: str) -> McpEndpoint:
    """Every face on one app; the MCP endpoint is returned for the lifespan to run."""
    from agentcron.api import install as install_api
    from agentcron.mcp_server import install as install_mcp

    install_api(app, use_cases)
    with contextlib.suppress(ImportError):
        from agentcron.web import install as install_web

        install_web(app, use_cases, secret_key)
    return install_mcp(app, use_cases)
