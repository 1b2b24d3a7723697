"""What every backend is built with besides its own settings: one object, so adding a shared
resource (a thread pool, a clock) never changes the constructors of every backend again.

The registry owns one `AgentDeps` for all its agents and closes it in `aclose()`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import httpx2

from agentcron.agents.threads import AgentThreads

CONNECT_TIMEOUT_S = 10.0
DEFAULT_SYNC_THREADS = 8
KEEPALIVE_CONNECTIONS = 500  # idle connections kept for the next calls (5 s each)


def default_http_client() -> httpx2.AsyncClient:
    """One client for every HTTP agent, model provider and MCP tool server.

    Each call sets its own timeout from the attempt's; what sets none (an MCP session, which
    times its requests itself) waits as long as the attempt lasts, so only connecting is capped
    here. httpx2, not httpx: the model SDKs and the MCP SDK take an httpx2 client.

    The pool is not capped: httpx's default of 100 connections would quietly hold a runner of
    2,000 slow webhook calls to 100 in flight. What bounds the calls is the engine's
    `runner_concurrency` and each agent's `max_concurrency`.
    """
    return httpx2.AsyncClient(
        follow_redirects=False,
        timeout=httpx2.Timeout(None, connect=CONNECT_TIMEOUT_S),
        limits=httpx2.Limits(max_connections=None, max_keepalive_connections=KEEPALIVE_CONNECTIONS),
    )


def system_now() -> datetime:
    return datetime.now(UTC)


class AgentDeps:
    """Shared by every agent of a registry.

    `http` is built on first use (an HTTP client costs a TLS context; echo-only set-ups never
    need one). A client passed in is the caller's to close; one made here is closed by
    `aclose()`. `now` is the engine's clock, so signatures and usage periods agree with it.
    `threads` runs synchronous agent code (at most `sync_threads` calls at once), never in the
    loop's default pool, which the engine's database work needs; `aclose()` refuses new calls.
    """

    def __init__(
        self,
        *,
        now: Callable[[], datetime] = system_now,
        http_client: httpx2.AsyncClient | None = None,
        http_client_factory: Callable[[], httpx2.AsyncClient] = default_http_client,
        sync_threads: int = DEFAULT_SYNC_THREADS,
    ) -> None:
        self.now = now
        self.threads = AgentThreads(sync_threads)
        self._http = http_client
        self._owns_http = http_client is None
        self._factory = http_client_factory

    @property
    def http(self) -> httpx2.AsyncClient:
        if self._http is None:
            self._http = self._factory()
        return self._http

    async def aclose(self) -> None:
        self.threads.close()
        if self._http is not None and self._owns_http:
            await self._http.aclose()
            self._http = None
