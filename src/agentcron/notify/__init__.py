"""Senders for notification channels: agentcron's own signed JSON webhook, and apprise for
every other service (Slack, Discord, Teams, Telegram, ntfy, Matrix, email…).

Each sender takes a channel's URL (and, for webhooks, its signing secret) and a `Message`,
and either returns or raises `DeliveryError(permanent=…)`: the engine's sender loop decides
about retries and disabling channels. Nothing here reads the database or the clock of its
own accord; it imports only the standard library and the libraries it wraps.
"""

from agentcron.notify.base import DeliveryError, Message
from agentcron.notify.dispatch import Dispatcher
from agentcron.notify.urls import ChannelKind, UrlProblem, check_url, kind_of, redact_url

__all__ = [
    "ChannelKind",
    "DeliveryError",
    "Dispatcher",
    "Message",
    "UrlProblem",
    "check_url",
    "kind_of",
    "redact_url",
]
