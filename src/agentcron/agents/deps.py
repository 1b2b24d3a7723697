"""What every backend is built with besides its own settings: one object, so adding a shared
resource (a thread pool, a clock) never changes the constructors of every backend again.

The registry owns one `AgentDeps` for all its agents and closes it in `aclose()`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import httpx


def default_http_client() -> httpx.AsyncClient:
    """One client for every HTTP agent; each call sets its own timeout from the attempt's."""
    return httpx.AsyncClient(follow_redirects=False)


def system_now() -> datetime:
    return datetime.now(UTC)


class AgentDeps:
    """Shared by every agent of a registry.

    `http` is built on first use (an HTTP client costs a TLS context; echo-only set-ups never
    need one). A client passed in is the caller's to close; one made here is closed by
    `aclose()`. `now` is the engine's clock, so signatures and usage periods agree with it.
    """

    def __init__(
        self,
        *,
        now: Callable[[], datetime] = system_now,
        http_client: httpx.AsyncClient | None = None,
        http_client_factory: Callable[[], httpx.AsyncClient] = default_http_client,
    ) -> None:
        self.now = now
        self._http = http_client
        self._owns_http = http_client is None
        self._factory = http_client_factory

    @property
    def http(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = self._factory()
        return self._http

    async def aclose(self) -> None:
        if self._http is not None and self._owns_http:
            await self._http.aclose()
            self._http = None
