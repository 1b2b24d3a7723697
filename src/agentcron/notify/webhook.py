"""agentcron's own channel: a signed JSON POST.

    {"id": "…", "event": "failure", "title": "…", "message": "…",
     "schedule": {"id": "…", "command_text": "…", …}, "execution": {"id": "…", …},
     "suppressed": 0}

Signed exactly like the calls to webhook agents: `X-Agentcron-Timestamp` and
`X-Agentcron-Signature: sha256=HMAC(secret, "<ts>.<body>")`; the signing function is the
agents' own, handed in by the engine, so the two cannot drift apart. `id` stays the same
across retries: a receiver that has seen it may drop the copy.

Unless private targets are allowed, the host is resolved here and the request goes to the
public address that was checked (TLS still verifies the host name), so a name that changes
its answer after the check cannot turn the call inward.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

import httpx2

from agentcron.notify.base import DeliveryError, Message, status_is_permanent
from agentcron.notify.urls import is_public

Sign = Callable[[str, int, bytes], dict[str, str]]
REPLY_SHOWN = 200


def body_of(message: Message) -> bytes:
    return json.dumps(
        {
            "id": message.id,
            "event": message.event,
            "title": message.title,
            "message": message.text,
            "schedule": message.payload.get("schedule"),
            "execution": message.payload.get("execution"),
            "suppressed": message.suppressed,
        },
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    ).encode("utf-8")


class WebhookSender:
    def __init__(
        self,
        client: Callable[[], httpx2.AsyncClient],
        *,
        sign: Sign,
        now: Callable[[], datetime],
        allow_private: bool,
        timeout_s: float,
    ) -> None:
        self._client = client
        self._sign = sign
        self._now = now
        self.allow_private = allow_private
        self.timeout_s = timeout_s

    async def send(self, url: str, secret: str | None, message: Message) -> None:
        body = body_of(message)
        headers = {"Content-Type": "application/json", "User-Agent": "agentcron"}
        if secret:
            headers.update(self._sign(secret, int(self._now().timestamp()), body))
        target, extensions = url, {}
        if not self.allow_private:
            target, host_header, sni = await _pinned(url)
            headers["Host"] = host_header
            if sni:
                extensions["sni_hostname"] = sni
        client = self._client()
        try:
            request = client.build_request(
                "POST",
                target,
                content=body,
                headers=headers,
                timeout=self.timeout_s,
                extensions=extensions,
            )
            response = await client.send(request)
            await response.aread()
        except httpx2.TimeoutException:
            raise DeliveryError(f"no answer within {self.timeout_s:g} s", permanent=False) from None
        except httpx2.HTTPError as exc:
            # The exception's text may quote the URL; its type says enough.
            raise DeliveryError(
                f"could not connect ({type(exc).__name__})", permanent=False
            ) from None
        status = response.status_code
        if 200 <= status < 300:
            return
        if 300 <= status < 400:
            raise DeliveryError(
                f"answered HTTP {status} (a redirect; give the final URL)", permanent=True
            )
        reply = " ".join(response.text.split())[:REPLY_SHOWN]
        raise DeliveryError(
            f"answered HTTP {status}" + (f": {reply}" if reply else ""),
            permanent=status_is_permanent(status),
        )


async def _pinned(url: str) -> tuple[str, str, str | None]:
    """The URL with its host replaced by a checked public address, the Host header to send,
    and the name TLS must verify."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise DeliveryError(f"the host {host} does not resolve", permanent=False) from None
    addresses = [str(info[4][0]) for info in infos]
    private = [a for a in addresses if not is_public(a)]
    if private or not addresses:
        raise DeliveryError(
            f"the host now points at a private or loopback address ({(private or ['?'])[0]}); "
            "refused (AGENTCRON_NOTIFY_ALLOW_PRIVATE is off)",
            permanent=True,
        )
    address = addresses[0]
    shown = f"[{address}]" if ":" in address else address
    netloc = f"{shown}:{parts.port}" if parts.port else shown
    host_header = parts.netloc.rsplit("@", 1)[-1]
    pinned = urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
    return pinned, host_header, host if parts.scheme == "https" else None
