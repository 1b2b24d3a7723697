"""The MCP face: the tool set of `mcptools` at `/mcp` (streamable HTTP, stateless), over the
same use cases as the API, as the user of the request's bearer token.

`install` mounts the endpoint and returns the face; the app's lifespan must run
`face.serving()` (the SDK's session manager) around serving requests.
"""

from __future__ import annotations

from fastapi import FastAPI
from mcp.server.mcpserver import Context, MCPServer
from starlette.routing import Route

from agentcron.auth import BearerAuth
from agentcron.mcp_server.endpoint import USER, McpEndpoint, transport_security
from agentcron.mcp_server.local import LocalOperations
from agentcron.mcptools import OperationError, Operations, build_server
from agentcron.service.models import User
from agentcron.service.usecases import UseCases

__all__ = ["PATH", "McpEndpoint", "install", "server_for_user"]

PATH = "/mcp"


def install(app: FastAPI, use_cases: UseCases) -> McpEndpoint:
    """Mount `/mcp`; the API's BearerAuth is shared, so failed guesses count once per address
    whichever face they hit."""
    auth = getattr(app.state, "bearer_auth", None)
    if not isinstance(auth, BearerAuth):
        auth = app.state.bearer_auth = BearerAuth(use_cases)

    def caller(ctx: Context) -> Operations:
        request = ctx.request_context.request
        user = getattr(request, "scope", {}).get(USER)
        if not isinstance(user, User):  # the endpoint authenticates every request first
            raise OperationError("not signed in", status=401)
        return LocalOperations(use_cases, user)

    server = build_server(caller)
    settings = use_cases.settings
    server.streamable_http_app(  # builds the session manager; its own Starlette app is unused
        stateless_http=True,
        json_response=True,
        transport_security=transport_security(settings),
        max_request_body_size=settings.max_body_bytes,
    )
    endpoint = McpEndpoint(server.session_manager, auth)
    app.router.routes.append(Route(PATH, endpoint, name="mcp", include_in_schema=False))
    return endpoint


def server_for_user(use_cases: UseCases, user: User) -> MCPServer:
    """The same tools bound to one user, for an in-process client (tests, scripts)."""
    return build_server(lambda ctx: LocalOperations(use_cases, user))
