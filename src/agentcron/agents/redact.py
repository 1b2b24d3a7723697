"""Masking secrets in text about agents: their errors, and every log line.

Agents fail in other people's words: a server's error page repeats the request path, a
proxy quotes the `Authorization` header, a traceback prints a URL. Whatever reaches the
history or a log passes through `redact`, which masks

- the secrets it is given (configured header values, keys read from the environment),
- the values of environment variables whose names say they are secret (`*_KEY`, `*TOKEN*`,
  `*SECRET*`, `*PASSWORD*`, …),
- in any URL, its credentials (`user:pass@`), query string and fragment,
- `Bearer …` and `Basic …` credentials, and `token=…`-like pairs (`api_key: …`, `"secret": …`).

`configured_secrets` finds what an agent's settings make secret, so the registry can mask
every backend's errors in one place (`RedactedAgent`), including backends added later.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from pydantic import AnyUrl, BaseModel

from agentcron.agents.base import Agent, AgentContext, AgentError, AgentResult

MASK = "***"
MIN_SECRET = 4
"""Shorter given secrets are not masked: blanking every `ab` would garble a message."""
MIN_ENV_SECRET = 8
"""Environment values found by name alone must be this long (`DEBUG_TOKEN=1` is no secret)."""
MIN_SEGMENT = 10
"""Path segments of configured URLs this long (and not a lowercase word) are masked on their
own, as capability tokens."""

_SECRET_NAME = re.compile(
    r"(KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIALS?|AUTH|SIGNATURE|COOKIE)",
    re.IGNORECASE,
)
_URL = re.compile(
    r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^\s/?#@\"'<>]*@)?"
    r"(?P<rest>[^\s?#\"'<>]*)(?P<query>\?[^\s#\"'<>]*)?(?P<fragment>#[^\s\"'<>]*)?"
)
_WORDISH = re.compile(r"[a-z_.-]+")
_WHOLE_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$")
_SCHEME_CREDENTIAL = re.compile(r"\b(Bearer|Basic)(\s+)[^\s\"',;]+", re.IGNORECASE)
_SECRET_PAIR = re.compile(
    r"(?P<name>(?:token|secret|password|passwd|api[_-]?key|apikey|access[_-]?key"
    r"|private[_-]?key|signature|auth|authorization|credentials?))"
    r"(?P<sep>[\"']?\s*[=:]\s*[\"']?)(?!(?:Bearer|Basic)\s)(?P<value>[^\s\"'&,;}]+)",
    re.IGNORECASE,
)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with every secret masked (see the module's docstring for what counts)."""
    if not text:
        return text
    known = {secret for secret in secrets if secret and len(secret) >= MIN_SECRET}
    known.update(_secret_env_values())
    for secret in sorted(known, key=len, reverse=True):
        text = text.replace(secret, MASK)
    text = _URL.sub(_mask_url, text)
    text = _SCHEME_CREDENTIAL.sub(lambda m: f"{m[1]}{m[2]}{MASK}", text)
    return _SECRET_PAIR.sub(lambda m: f"{m['name']}{m['sep']}{MASK}", text)


def _secret_env_values() -> Iterator[str]:
    """Read at each call (the environment may change); every log line passes here."""
    for name, value in os.environ.items():
        if len(value) >= MIN_ENV_SECRET and _secret_name(name):
            yield value


@lru_cache(maxsize=4096)
def _secret_name(name: str) -> bool:
    return _SECRET_NAME.search(name) is not None


def _mask_url(match: re.Match[str]) -> str:
    userinfo = f"{MASK}@" if match["userinfo"] else ""
    query = f"?{MASK}" if match["query"] else ""
    fragment = f"#{MASK}" if match["fragment"] else ""
    return f"{match['scheme']}{userinfo}{match['rest']}{query}{fragment}"


def url_secrets(url: str) -> list[str]:
    """What a configured URL holds that nobody should read back: its credentials, its query
    (whole and each value), and its path where a segment looks like a token, since webhook
    URLs are often capabilities (`/hooks/T0/B0/XyZ123…`); then the URL itself too. A plain
    URL (`http://127.0.0.1:11434/v1`, `/agent`) gives nothing: it stays readable in errors."""
    parts = urlsplit(url)
    found = [parts.query, parts.fragment]
    found += [part for part in (parts.username, parts.password) if part]
    found += [value for _, value in parse_qsl(parts.query, keep_blank_values=True)]
    tokens = [segment for segment in parts.path.split("/") if _looks_like_token(segment)]
    if tokens:
        found += [parts.path, *tokens]
    found = [secret for secret in found if secret]
    return [url, *found] if found else []


def _looks_like_token(segment: str) -> bool:
    """Long, and not a lowercase word such as `notifications` or `deploy-production`."""
    return len(segment) >= MIN_SEGMENT and not _WORDISH.fullmatch(segment)


def configured_secrets(settings: BaseModel) -> list[str]:
    """Secrets in a backend's settings, read now (environment values may change): URLs'
    parts, header values and their credentials, the values of every `*_env` setting, and
    those of a tool server's `env` mapping (nested settings are searched too)."""
    found: list[str] = []
    _collect(settings, found)
    return found


def _collect(model: BaseModel, found: list[str]) -> None:
    for name, value in model:
        if name.endswith("_env"):
            found += [os.environ.get(env, "") for env in _strings(value)]
        elif name == "env" and isinstance(value, dict):
            # A tool server's variables, read from ours: secrets unless too short to be one
            # (a shell agent's `env` is a list of names passed through, such as PATH).
            values = (os.environ.get(env, "") for env in _strings(value))
            found += [secret for secret in values if len(secret) >= MIN_ENV_SECRET]
        elif name == "headers" and isinstance(value, dict):
            for header in value.values():
                found += [header, *header.split()[1:]]  # "Bearer abc" and "abc"
        else:
            _collect_value(value, found)


def _collect_value(value: Any, found: list[str]) -> None:
    if isinstance(value, BaseModel):
        _collect(value, found)
    elif isinstance(value, AnyUrl) or (isinstance(value, str) and _WHOLE_URL.match(value)):
        found += url_secrets(str(value))
    elif isinstance(value, dict):
        for item in value.values():
            _collect_value(item, found)
    elif isinstance(value, list | tuple):
        for item in value:
            _collect_value(item, found)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [item for item in value.values() if isinstance(item, str)]
    if isinstance(value, list | tuple):
        return [item for item in value if isinstance(item, str)]
    return []


class RedactedAgent:
    """An agent whose failures are masked with its own settings' secrets before anyone sees
    them. The registry wraps every agent in one, so no backend can forget to."""

    def __init__(self, agent: Agent, settings: BaseModel) -> None:
        self.handle = agent.handle
        self.agent = agent
        self._settings = settings

    async def run(self, context: AgentContext) -> AgentResult:
        try:
            result = await self.agent.run(context)
        except AgentError as exc:
            secrets = self._secrets()
            exc.message = redact(exc.message, secrets)
            exc.args = (exc.message,)
            if exc.output:
                exc.output = redact(exc.output, secrets)
            raise
        except Exception as exc:  # a backend bug: its message may quote anything
            message = redact(f"agent raised {type(exc).__name__}: {exc}", self._secrets())
            raise AgentError(message, retryable=False) from exc
        if result.status == "failed":
            secrets = self._secrets()
            result = replace(
                result,
                summary=redact(result.summary, secrets),
                output=redact(result.output, secrets),
            )
        return result

    def _secrets(self) -> list[str]:
        return configured_secrets(self._settings)
