"""How the engine's notifications reach people: the channel senders it sends through, and
the address their links point to.
"""

from __future__ import annotations

from agentcron.agents.signing import signature_headers
from agentcron.config import Settings
from agentcron.engine.clock import Clock
from agentcron.notify import Dispatcher


def base_url_of(settings: Settings) -> str:
    """Where people reach this agentcron, for links in notifications."""
    return (settings.public_url or f"http://{settings.host}:{settings.port}").rstrip("/")


def build_dispatcher(settings: Settings, clock: Clock) -> Dispatcher:
    """The channel senders, signing webhooks exactly as webhook agents are signed."""
    return Dispatcher(
        sign=signature_headers,
        now=clock.now,
        allow_private=settings.notify_allow_private,
        timeout_s=settings.notify_timeout_s,
    )
