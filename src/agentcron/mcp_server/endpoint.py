"""`/mcp`: streamable HTTP, stateless, behind the API's bearer tokens.

Stateless with JSON answers: every POST is served on its own (no session, no stream left
open), so any instance behind a load balancer can answer any request. The caller is
authenticated here, with the app's own `BearerAuth` (the same tokens, JWTs and per-address
failure limit as the API), before the SDK sees the request; the user travels in the ASGI
scope to the tools. The SDK checks Host and Origin against the public URL (DNS rebinding).

The SDK's session manager needs a task group, which it gets from `McpFace.running()` inside
the app's lifespan; a request that arrives without it is answered 503, not a crash.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import anyio.to_thread
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from agentcron.auth import BearerAuth, challenge
from agentcron.config import Settings
from agentcron.errors import AgentcronError, NotReady, RateLimited, Unauthorized

USER = "agentcron.user"  # the ASGI scope key the authenticated User travels under
LOOPBACK = ("127.0.0.1", "localhost", "[::1]")


def transport_security(settings: Settings) -> TransportSecuritySettings:
    """Loopback names on any port, and the public URL's host (any port) and origin."""
    hosts = [f"{name}{port}" for name in LOOPBACK for port in ("", ":*")]
    origins = [
        f"{scheme}://{name}{port}"
        for scheme in ("http", "https")
        for name in LOOPBACK
        for port in ("", ":*")
    ]
    public = urlsplit(settings.public_url.strip()) if settings.public_url.strip() else None
    if public is not None and public.hostname:
        name = f"[{public.hostname}]" if ":" in public.hostname else public.hostname
        hosts += [name, f"{name}:*"]
        origin = f"{public.scheme}://{name}" + (f":{public.port}" if public.port else "")
        origins.append(origin)
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True, allowed_hosts=hosts, allowed_origins=origins
    )


class McpEndpoint:
    """The ASGI app mounted at `/mcp` (a Starlette Route treats a class instance as ASGI)."""

    def __init__(self, manager: StreamableHTTPSessionManager, auth: BearerAuth) -> None:
        self.manager = manager
        self.auth = auth
        self.running = False

    @contextlib.asynccontextmanager
    async def serving(self) -> AsyncIterator[None]:
        """The session manager's task group, for the app's lifespan."""
        async with self.manager.run():
            self.running = True
            try:
                yield
            finally:
                self.running = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        if not self.running:
            error: AgentcronError = NotReady(
                "the MCP endpoint is not running: the app's lifespan has not started it"
            )
            await _problem(error, request, send)
            return
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        token = token.strip()
        try:
            if scheme.lower() != "bearer" or not token:
                raise Unauthorized("send Authorization: Bearer <token>")
            address = request.client.host if request.client else "unknown"
            caller = await anyio.to_thread.run_sync(self.auth.authenticate, token, address)
        except AgentcronError as exc:
            await _problem(exc, request, send)
            return
        scope[USER] = caller.user
        await self.manager.handle_request(scope, receive, send)


async def _problem(error: AgentcronError, request: Request, send: Send) -> None:
    """problem+json, as the API answers the same refusal."""
    body = {
        "type": f"urn:agentcron:problem:{error.slug}",
        "title": error.title,
        "status": error.status,
        "detail": error.detail,
        "instance": request.url.path,
    }
    headers = [(b"content-type", b"application/problem+json")]
    if isinstance(error, Unauthorized):
        value = challenge(request.headers.get("authorization"))
        headers.append((b"www-authenticate", value.encode()))
    retry_after = getattr(error, "retry_after_s", None)
    if isinstance(error, RateLimited | NotReady) and isinstance(retry_after, int):
        body["retry_after_s"] = retry_after
        headers.append((b"retry-after", str(retry_after).encode()))
    payload = json.dumps(body, ensure_ascii=True, separators=(",", ":")).encode()
    headers.append((b"content-length", str(len(payload)).encode()))
    await send({"type": "http.response.start", "status": error.status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
