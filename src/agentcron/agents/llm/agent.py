"""The `llm` backend: a model that may call tools until it has an answer.

    [agents.scout]
    backend = "llm"
    provider = "openai"                  # any OpenAI-compatible server, or "anthropic"
    base_url = "http://127.0.0.1:11434/v1"
    model = "llama3.2"
    max_llm_calls = 10                   # model requests per run
    max_tokens = 50000                   # input + output tokens per run
    [[agents.scout.tools]]
    command = ["python", "-m", "my_tools"]

The loop is pydantic-ai's. The command without its `@handle` is the user
message; the final text is the output, its first 500 characters the summary
(unless the answer is a JSON object with a `summary`). Every model request and
tool call becomes a `Step`, reported as it ends. Reaching `max_llm_calls`, or
`max_tokens` (or the smaller allowance the user's budget leaves, in
`context.max_tokens_allowance`), fails the run without a retry; tokens are
counted after each answer, so the last answer may go past the limit.
"""

from __future__ import annotations

import json
from contextlib import AsyncExitStack
from typing import Any, ClassVar

from pydantic_ai import Agent as PydanticAgent
from pydantic_ai.toolsets import AbstractToolset
from pydantic_ai.usage import UsageLimits

from agentcron.agents.base import AgentContext, AgentError, AgentResult
from agentcron.agents.deps import AgentDeps
from agentcron.agents.httpcall import request_timeout, secret_from_env
from agentcron.agents.llm.errors import Limits, describe, to_agent_error
from agentcron.agents.llm.models import build_model, model_settings
from agentcron.agents.llm.recorder import StepRecorder
from agentcron.agents.llm.toolsets import notify_toolset, open_tool_servers
from agentcron.agents.results import MESSAGE_LIMIT, bounded, opening, redact
from agentcron.agents.settings import LLMSettings


class LLMAgent:
    kind: ClassVar[str] = "llm"
    offers_notify: ClassVar[bool] = True
    """Whether the model gets the `notify_user` tool (not the plain `openai` backend)."""

    def __init__(self, handle: str, settings: LLMSettings, deps: AgentDeps) -> None:
        self.handle = handle
        self._settings = settings
        self._deps = deps
        self._what = f"{self.kind} @{handle}"
        self._agent: PydanticAgent[None, str] = PydanticAgent(
            None, instructions=settings.system_prompt, name=handle
        )

    async def run(self, context: AgentContext) -> AgentResult:
        settings, deps, what = self._settings, self._deps, self._what
        secrets: list[str] = []
        api_key = None
        if settings.api_key_env:
            api_key = secret_from_env(settings.api_key_env, purpose=f"{what} API key")
            secrets.append(api_key)
        limits = self._limits(context)
        timeout_s = request_timeout(settings.timeout_s, context)
        recorder = StepRecorder(
            context,
            now=deps.now,
            model=settings.model,
            secrets=secrets,
            describe_error=describe,
        )
        notes: list[str] = []
        try:
            async with AsyncExitStack() as stack:
                toolsets: list[AbstractToolset[Any]] = await open_tool_servers(
                    stack,
                    settings.tools,
                    deps=deps,
                    context=context,
                    what=what,
                    secrets=secrets,
                )
                if self.offers_notify:
                    toolsets.append(notify_toolset(notes))
                run = await self._agent.run(
                    context.instruction,
                    model=build_model(settings, deps, api_key=api_key, timeout_s=timeout_s),
                    model_settings=model_settings(settings, timeout_s=timeout_s),
                    usage_limits=UsageLimits(
                        request_limit=limits.max_llm_calls, total_tokens_limit=limits.max_tokens
                    ),
                    toolsets=toolsets,
                    capabilities=[recorder],
                )
        except Exception as exc:
            error = to_agent_error(
                exc, what=what, limits=limits, now=deps.now, secrets=tuple(secrets)
            )
            error.steps, error.usage = recorder.steps, recorder.usage()
            raise error from None
        output = redact(run.output, secrets)
        usage = recorder.usage()
        return bounded(
            AgentResult(
                summary=_reported_summary(output) or opening(output),
                output=output,
                tokens_used=usage.tokens_used,
                llm_calls=usage.llm_calls,
                cost_usd=usage.cost_usd,
                input_tokens=usage.input_tokens,
                output_tokens=usage.output_tokens,
                model=usage.model,
                steps=recorder.steps,
                notify=redact("\n".join(notes), secrets)[:MESSAGE_LIMIT] or None,
            )
        )

    def _limits(self, context: AgentContext) -> Limits:
        """This agent's limits, with `max_tokens` lowered to what the budget still allows."""
        own, allowance = self._settings.max_tokens, context.max_tokens_allowance
        if allowance is not None and allowance <= 0:
            raise AgentError(
                f"{self._what} did not start: the budget allows no more tokens",
                retryable=False,
                code="budget_exceeded",
            )
        if allowance is not None and (own is None or allowance < own):
            return Limits(self._settings.max_llm_calls, allowance, tokens_from_budget=True)
        return Limits(self._settings.max_llm_calls, own, tokens_from_budget=False)


def _reported_summary(output: str) -> str:
    """The `summary` of an answer that is a JSON object carrying one, else nothing."""
    text = output.strip()
    if not text.startswith("{"):
        return ""
    try:
        data = json.loads(text)
    except ValueError:
        return ""
    summary = data.get("summary") if isinstance(data, dict) else None
    return opening(summary) if isinstance(summary, str) else ""
