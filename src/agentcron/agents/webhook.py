"""An agent behind an HTTP endpoint: agentcron POSTs the command as signed JSON.

The request body:

    {"command": "check deprecated models", "agent": "hook", "schedule_id": "…",
     "execution_id": "…", "scheduled_for": "2025-01-06T09:00:00+00:00",
     "attempt": 1, "user_id": "…"}

With `secret_env` set, the call carries `X-Agentcron-Timestamp` and
`X-Agentcron-Signature` (see `agentcron.agents.signing`). A JSON object in the
reply may report what it did and spent (see `agentcron.agents.reports`: summary,
output, tokens, cost, model, steps, notify…); any other 2xx body is taken as
plain text. A 429 or 503 with `Retry-After` says how long to wait before retrying.
"""

from __future__ import annotations

import json
from typing import ClassVar

from agentcron.agents.base import AgentContext, AgentError, AgentResult
from agentcron.agents.deps import AgentDeps
from agentcron.agents.httpcall import post, request_timeout, secret_from_env, status_error
from agentcron.agents.reports import result_from_mapping, result_from_text
from agentcron.agents.results import shorten
from agentcron.agents.settings import WebhookSettings
from agentcron.agents.signing import EXECUTION_HEADER, signature_headers


class WebhookAgent:
    kind: ClassVar[str] = "webhook"

    def __init__(self, handle: str, settings: WebhookSettings, deps: AgentDeps) -> None:
        self.handle = handle
        self._settings = settings
        self._deps = deps

    async def run(self, context: AgentContext) -> AgentResult:
        what = f"webhook @{self.handle}"
        settings = self._settings
        body = json.dumps(
            {
                "command": context.instruction,
                "agent": self.handle,
                "schedule_id": context.schedule_id,
                "execution_id": context.execution_id,
                "scheduled_for": context.scheduled_for.isoformat(),
                "attempt": context.attempt,
                "user_id": context.user_id,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8")
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "agentcron",
            EXECUTION_HEADER: context.execution_id,
            **settings.headers,
        }
        secrets = list(settings.headers.values())
        for header, env_name in settings.headers_env.items():
            headers[header] = secret_from_env(env_name, purpose=f"{what} header {header}")
            secrets.append(headers[header])
        if settings.secret_env:
            secret = secret_from_env(settings.secret_env, purpose=f"{what} signing secret")
            secrets.append(secret)
            headers.update(signature_headers(secret, int(self._deps.now().timestamp()), body))

        reply = await post(
            self._deps.http_for(context.execution_id),
            str(settings.url),
            content=body,
            headers=headers,
            timeout_s=request_timeout(settings.timeout_s, context),
            what=what,
            secrets=tuple(secrets),
        )
        if not 200 <= reply.status < 300:
            detail = shorten(" ".join(reply.text.split()), 300)
            raise status_error(what, reply, detail, secrets=tuple(secrets), now=self._deps.now())
        if not reply.truncated:
            try:
                data = json.loads(reply.body)
            except ValueError:
                data = None
            if isinstance(data, dict):
                try:
                    return result_from_mapping(data, now=self._deps.now(), secrets=secrets)
                except ValueError as exc:
                    raise AgentError(f"{what}: {exc}", retryable=False) from None
        return result_from_text(reply.text)
