"""How agentcron serves HTTP: uvicorn, with a guard against clients that are slow on purpose.

uvicorn times out idle keep-alive connections but not a connection that opens and then
trickles its request line and headers (a slow-loris): each such connection is held
forever. `GuardedHttpProtocol` closes any connection whose headers are not complete within
`AGENTCRON_HEADER_TIMEOUT_S` (default 10 s). Slow bodies are cut off by the API's body
middleware (`AGENTCRON_BODY_TIMEOUT_S`).
"""

from __future__ import annotations

import asyncio
import functools
from typing import TYPE_CHECKING, Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

if TYPE_CHECKING:
    from agentcron.config import Settings


@functools.cache
def header_timeout_s() -> float:
    from agentcron.config import Settings

    return Settings().header_timeout_s


class GuardedHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol plus a deadline for each request's headers."""

    header_timeout: float | None = None  # tests set it directly; else the setting

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._header_timer: asyncio.TimerHandle | None = None
        self._arm()

    def _arm(self) -> None:
        self._disarm()
        limit = self.header_timeout if self.header_timeout is not None else header_timeout_s()
        self._header_timer = self.loop.call_later(limit, self._too_slow)

    def _disarm(self) -> None:
        timer = getattr(self, "_header_timer", None)
        if timer is not None:
            timer.cancel()
            self._header_timer = None

    def _too_slow(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing():
            self.transport.close()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


def uvicorn_options(settings: Settings | None = None, **overrides: Any) -> dict[str, Any]:
    """The options every agentcron server runs with. Beyond `AGENTCRON_MAX_CONNECTIONS`
    connections uvicorn answers 503 to everything; live event streams are capped below it
    (`AGENTCRON_MAX_STREAMS`, see service/streams.py), so health checks and API calls keep a
    reserve however many streams are open."""
    from agentcron.config import Settings

    settings = settings or Settings()
    return {
        "http": GuardedHttpProtocol,
        "timeout_keep_alive": 5,
        "limit_concurrency": settings.max_connections,
        # X-Forwarded-For is judged by agentcron itself (forwarded.py), against the
        # operator's list of trusted proxies, not by uvicorn's default of trusting localhost.
        "proxy_headers": False,
    } | overrides
