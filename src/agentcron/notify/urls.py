"""Channel URLs: which sender takes one, whether it is usable, how it is shown.

`http://` and `https://` are agentcron's own signed JSON webhook; any other scheme is an
apprise URL (`slack://…`, `discord://…`, `mailto://…`, `ntfy://…`). A URL is a credential
(Slack's, Discord's and Telegram's carry their tokens in the path), so it is never shown
whole: `redact_url` keeps what tells channels apart and masks the rest.

Webhook targets on private, loopback or otherwise non-global addresses are refused unless
the operator allows them: a user must not make the server call into its own network. The
check resolves the host; the sender checks again and connects to the address it checked
(`resolve_public`), so a name that changes its answer in between gains nothing. Apprise
makes its own connections, so none of this can be enforced for apprise URLs.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

MASK = "***"
URL_MAX = 2000
_MIN_TOKEN = 6  # parts of a URL at least this long are masked if apprise left them showing


class ChannelKind(StrEnum):
    WEBHOOK = "webhook"
    APPRISE = "apprise"


@dataclass(frozen=True, slots=True)
class UrlProblem:
    message: str
    fix: str


def kind_of(url: str) -> ChannelKind:
    scheme = urlsplit(url.strip()).scheme.lower()
    return ChannelKind.WEBHOOK if scheme in ("http", "https") else ChannelKind.APPRISE


def check_url(url: str, *, allow_private: bool) -> UrlProblem | None:
    """Why this URL cannot be a channel, or None. Resolves webhook hosts (blocking)."""
    if not url or len(url) > URL_MAX or any(c.isspace() or ord(c) < 32 for c in url):
        return UrlProblem(
            "is not a URL", f"give one URL of at most {URL_MAX} characters, without spaces"
        )
    parts = urlsplit(url)
    if not parts.scheme or "://" not in url:
        return UrlProblem(
            "has no scheme",
            "start it with https:// (a JSON webhook) or a service's scheme, e.g. slack://",
        )
    if kind_of(url) is ChannelKind.APPRISE:
        from agentcron.notify.apprise_sender import understood

        if not understood(url):
            return UrlProblem(
                f"is not a URL apprise understands ({parts.scheme}://)",
                "check the service's URL format in the apprise documentation",
            )
        return None
    if not parts.hostname:
        return UrlProblem("has no host", "e.g. https://hooks.example.com/agentcron")
    try:
        _ = parts.port
    except ValueError:
        return UrlProblem("has an invalid port", "use a number from 1 to 65535")
    if allow_private:
        return None
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return UrlProblem(
            f"names a host that does not resolve ({parts.hostname})", "check the host name"
        )
    for info in infos:
        address = str(info[4][0])
        if not is_public(address):
            return UrlProblem(
                f"points at a private or loopback address ({address})",
                "use a public address, or ask the operator to set "
                "AGENTCRON_NOTIFY_ALLOW_PRIVATE=true",
            )
    return None


def is_public(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def redact_url(url: str) -> str:
    """The URL as it may be shown: webhooks keep scheme, host and port; apprise URLs are
    shown as apprise's privacy mode prints them, with any long part it left masked."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if kind_of(url) is ChannelKind.WEBHOOK:
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        try:
            port = f":{parts.port}" if parts.port else ""
        except ValueError:
            port = ""
        user = f"{MASK}@" if parts.username or parts.password else ""
        path = "/" + MASK if parts.path not in ("", "/") else parts.path
        query = "?" + MASK if parts.query else ""
        return f"{scheme}://{user}{host}{port}{path}{query}"
    from agentcron.notify.apprise_sender import privacy_url

    shown = privacy_url(url) or f"{scheme}://{MASK}"
    return _mask_leftovers(shown, url)


def _mask_leftovers(shown: str, url: str) -> str:
    """Mask every part of the original URL (path segments, credentials, query values) long
    enough to be a token that the shown form still contains whole."""
    rest = url.split("://", 1)[-1]
    pieces: set[str] = set()
    for chunk in rest.replace("?", "/").replace("&", "/").replace("@", "/").split("/"):
        for piece in (chunk, *chunk.split("=", 1)[1:], *chunk.split(":")):
            if len(piece) >= _MIN_TOKEN:
                pieces.add(piece)
    host = urlsplit(url).hostname or ""
    for piece in sorted(pieces, key=len, reverse=True):
        if piece != host and piece in shown:
            shown = shown.replace(piece, MASK)
    return shown


def mask_in(text: str, url: str, secret: str | None = None) -> str:
    """`text` (an error, a server's reply) with the URL, its token-like parts and the signing
    secret masked: a receiver's error page may quote the path it was called on."""
    for value in (url, secret):
        if value:
            text = text.replace(value, MASK)
    return _mask_leftovers(text, url)
