"""One entry for the engine and the service: send a message to a channel of either kind.

The dispatcher owns the HTTP client for webhooks (httpx2, the client type the agents use,
made on first use and closed by `aclose`), so every outbound call of agentcron goes through
one HTTP stack with one set of timeouts and no redirects followed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import httpx2

from agentcron.notify.apprise_sender import AppriseSender
from agentcron.notify.base import Message
from agentcron.notify.urls import ChannelKind
from agentcron.notify.webhook import Sign, WebhookSender


class Dispatcher:
    def __init__(
        self,
        *,
        sign: Sign,
        now: Callable[[], datetime],
        allow_private: bool,
        timeout_s: float = 10.0,
    ) -> None:
        self._http: httpx2.AsyncClient | None = None
        self.timeout_s = timeout_s
        self.webhook = WebhookSender(
            self._client, sign=sign, now=now, allow_private=allow_private, timeout_s=timeout_s
        )
        self.apprise = AppriseSender(timeout_s=timeout_s)

    def _client(self) -> httpx2.AsyncClient:
        if self._http is None:
            self._http = httpx2.AsyncClient(follow_redirects=False)
        return self._http

    async def send(self, kind: str, url: str, secret: str | None, message: Message) -> None:
        """Return when the channel took the message; raise `DeliveryError` otherwise."""
        if kind == ChannelKind.WEBHOOK:
            await self.webhook.send(url, secret, message)
        else:
            await self.apprise.send(url, message)

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None
