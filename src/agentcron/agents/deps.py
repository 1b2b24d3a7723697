"""What every backend is built with besides its own settings: one object, so adding a shared
resource (a thread pool, a clock) never changes the constructors of every backend again.

The registry owns one `AgentDeps` for all its agents and closes it in `aclose()`.
"""

from __future__ import annotations

import ssl
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache

import httpx2

from agentcron.agents.threads import AgentThreads

CONNECT_TIMEOUT_S = 10.0
DEFAULT_SYNC_THREADS = 8
KEEPALIVE_CONNECTIONS = 64  # idle connections each client keeps for the next calls (5 s)
# Webhook calls are spread over this many clients (`AgentDeps.http_for`): the connection
# pool's bookkeeping costs time in the number of connections it holds at each request and
# at each response's end, so one pool of 2,000 connections spends seconds of CPU where 32
# pools of ~60 spend a fraction (measured: 14.6 s → 3.5 s for 2,000 calls in flight).
HTTP_SHARDS = 32


@lru_cache(maxsize=1)
def _tls() -> ssl.SSLContext:
    """One TLS context for every client: building one (loading the CA bundle) is the
    expensive part of a client, and clients of the same process can share it."""
    return httpx2.create_ssl_context()


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
        verify=_tls(),
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
        self._shards: dict[int, httpx2.AsyncClient] = {}

    @property
    def http(self) -> httpx2.AsyncClient:
        if self._http is None:
            self._http = self._factory()
        return self._http

    def http_for(self, key: str) -> httpx2.AsyncClient:
        """A client for one call, chosen by `key` (the execution) among `HTTP_SHARDS`, so
        many calls in flight are spread over small pools (see HTTP_SHARDS). A client
        passed in is used for every call."""
        if not self._owns_http:
            return self.http
        index = zlib.crc32(key.encode()) % HTTP_SHARDS
        if index == 0:
            return self.http
        client = self._shards.get(index)
        if client is None:
            client = self._shards[index] = self._factory()
        return client

    async def aclose(self) -> None:
        self.threads.close()
        if self._http is not None and self._owns_http:
            await self._http.aclose()
            self._http = None
        shards, self._shards = list(self._shards.values()), {}
        for client in shards:
            await client.aclose()
