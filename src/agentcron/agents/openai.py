"""An agent that is one chat completion on an OpenAI-compatible server.

Works with OpenAI itself and with local servers speaking the same protocol
(Ollama, llama.cpp, vLLM): `POST {base_url}/chat/completions`. The command,
without its `@handle`, is the user message; the reply's text is the output and
its `usage` the token count.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from agentcron.agents.base import AgentContext, AgentError, AgentResult
from agentcron.agents.deps import AgentDeps
from agentcron.agents.httpcall import Reply, post, request_timeout, secret_from_env, status_error
from agentcron.agents.results import bounded, shorten
from agentcron.agents.settings import OpenAISettings


class OpenAIAgent:
    kind: ClassVar[str] = "openai"

    def __init__(self, handle: str, settings: OpenAISettings, deps: AgentDeps) -> None:
        self.handle = handle
        self._settings = settings
        self._deps = deps
        self._url = str(settings.base_url).rstrip("/") + "/chat/completions"

    def _request(self, context: AgentContext) -> dict[str, Any]:
        settings = self._settings
        messages = []
        if settings.system_prompt:
            messages.append({"role": "system", "content": settings.system_prompt})
        messages.append({"role": "user", "content": context.instruction})
        request: dict[str, Any] = {"model": settings.model, "messages": messages}
        if settings.max_tokens is not None:
            request["max_tokens"] = settings.max_tokens
        if settings.temperature is not None:
            request["temperature"] = settings.temperature
        return request

    async def run(self, context: AgentContext) -> AgentResult:
        what = f"openai @{self.handle}"
        headers = {"Content-Type": "application/json", "User-Agent": "agentcron"}
        secrets: tuple[str, ...] = ()
        if self._settings.api_key_env:
            key = secret_from_env(self._settings.api_key_env, purpose=f"{what} API key")
            headers["Authorization"] = f"Bearer {key}"
            secrets = (key,)
        reply = await post(
            self._deps.http,
            self._url,
            content=json.dumps(self._request(context)).encode("utf-8"),
            headers=headers,
            timeout_s=request_timeout(self._settings.timeout_s, context),
            what=what,
            secrets=secrets,
        )
        if not 200 <= reply.status < 300:
            raise status_error(what, reply, _error_message(reply), secrets=secrets)
        try:
            return _completion(json.loads(reply.body))
        except (ValueError, LookupError, TypeError, AttributeError) as exc:
            raise AgentError(
                f"{what} sent a reply that is not a chat completion: {exc}", retryable=False
            ) from None


def _completion(data: Any) -> AgentResult:
    content = data["choices"][0]["message"].get("content") or ""
    if not isinstance(content, str):
        raise TypeError("message.content is not text")
    usage = data.get("usage") or {}
    tokens = usage.get("total_tokens")
    if tokens is None:
        tokens = (usage.get("prompt_tokens") or 0) + (usage.get("completion_tokens") or 0)
    return bounded(AgentResult(output=content, tokens_used=int(tokens), llm_calls=1))


def _error_message(reply: Reply) -> str:
    """The server's own complaint: `{"error": {"message": …}}`, `{"error": "…"}`, or the text."""
    try:
        error = json.loads(reply.body)["error"]
        message = error["message"] if isinstance(error, dict) else error
        if isinstance(message, str):
            return shorten(message, 500)
    except (ValueError, LookupError, TypeError, AttributeError):
        pass
    return shorten(" ".join(reply.text.split()), 300)
