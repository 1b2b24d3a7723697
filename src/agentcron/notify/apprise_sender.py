"""Every channel that is not our own webhook goes through apprise, which knows some hundred
services by their URL schemes. Apprise is synchronous (requests underneath), so each send
runs in a thread, bounded by a timeout.

Apprise answers success or failure, not an HTTP status. Its plugins log the status they
got (`error=404.`), so that is where a permanent refusal is recognised: a 4xx other than
408, 425 or 429 disables the channel, as it does for webhooks; anything else is retried.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import threading
from collections.abc import Iterator
from typing import Any

from agentcron.notify.base import DeliveryError, Message, status_is_permanent

log = logging.getLogger(__name__)
_STATUS = re.compile(r"error=(\d{3})\b")
_TYPES = {"failure": "failure", "auto_paused": "warning", "missed": "warning"}


_local = threading.local()


class _Quiet(logging.Filter):
    """Drops apprise's records while this thread parses a URL: it logs a URL it cannot
    parse whole, and a channel URL is a credential."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(_local, "quiet", False)


def _apprise() -> Any:
    # Imported on first use: apprise loads its plugins at import, which costs a process
    # that never sends a notification (the CLI) a noticeable fraction of a second.
    import apprise

    logger = logging.getLogger("apprise")
    if not any(isinstance(f, _Quiet) for f in logger.filters):
        logger.addFilter(_Quiet())
    return apprise


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    _local.quiet = True
    try:
        yield
    finally:
        _local.quiet = False


def _plugin(url: str) -> Any:
    apprise = _apprise()
    with _quiet():
        return apprise.Apprise.instantiate(url, suppress_exceptions=True)


def understood(url: str) -> bool:
    return _plugin(url) is not None


def privacy_url(url: str) -> str | None:
    plugin = _plugin(url)
    if plugin is None:
        return None
    with _quiet():
        return str(plugin.url(privacy=True))


class AppriseSender:
    def __init__(self, *, timeout_s: float) -> None:
        self.timeout_s = timeout_s

    async def send(self, url: str, message: Message) -> None:
        try:
            await asyncio.wait_for(
                asyncio.to_thread(self._send, url, message), timeout=self.timeout_s + 1
            )
        except TimeoutError:
            raise DeliveryError(f"no answer within {self.timeout_s:g} s", permanent=False) from None

    def _send(self, url: str, message: Message) -> None:
        apprise = _apprise()
        notifier = apprise.Apprise()
        with _quiet():
            added = notifier.add(url)
        if not added:
            raise DeliveryError("apprise no longer understands this URL", permanent=True)
        result = notifier.notify(
            body=message.text,
            title=message.title,
            notify_type=_TYPES.get(message.event, "info"),
            timeout=self.timeout_s,
        )
        if bool(result):
            return
        lines = [entry_text(entry) for entry in _logs(result)]
        raise DeliveryError(_reason(lines), permanent=_permanent(lines))


def _logs(result: Any) -> list[Any]:
    try:
        return list(result.logs())
    except Exception:  # an older result without logs: the verdict alone
        return []


def entry_text(entry: Any) -> str:
    message = getattr(entry, "message", None)
    return str(message if message is not None else entry)


def _permanent(lines: list[str]) -> bool:
    for line in lines:
        match = _STATUS.search(line)
        if match and status_is_permanent(int(match.group(1))):
            return True
    return False


def _reason(lines: list[str]) -> str:
    """The plugin's own words on what failed (apprise keeps URLs out of its log lines)."""
    failed = [line for line in lines if "fail" in line.lower() or "error" in line.lower()]
    chosen = (failed or lines or ["the service refused the notification"])[-1]
    return " ".join(chosen.split())[:300]
