"""The `openai` backend: an `llm` agent on an OpenAI-compatible server, without tools.

Kept so agents files written before the `llm` backend keep working, with the
meaning their keys had: `max_tokens` caps one answer's length (it is sent to
the server), not a run's total. Works with OpenAI itself and with local servers
speaking the same protocol (Ollama, llama.cpp, vLLM). The command, without its
`@handle`, is the user message; the answer is the output.
"""

from __future__ import annotations

from typing import ClassVar

from agentcron.agents.deps import AgentDeps
from agentcron.agents.llm import LLMAgent
from agentcron.agents.settings import LLMSettings, OpenAISettings

MAX_LLM_CALLS = 3
"""One answer is one request; pydantic-ai asks again when an answer is empty or unusable."""


class OpenAIAgent(LLMAgent):
    kind: ClassVar[str] = "openai"
    offers_notify: ClassVar[bool] = False

    def __init__(self, handle: str, settings: OpenAISettings, deps: AgentDeps) -> None:
        super().__init__(handle, as_llm_settings(settings), deps)


def as_llm_settings(settings: OpenAISettings) -> LLMSettings:
    """The `llm` settings an `openai` agent means."""
    return LLMSettings(
        provider="openai",
        base_url=settings.base_url,
        model=settings.model,
        api_key_env=settings.api_key_env,
        system_prompt=settings.system_prompt,
        max_llm_calls=MAX_LLM_CALLS,
        max_output_tokens=settings.max_tokens,
        temperature=settings.temperature,
        timeout_s=settings.timeout_s,
    )
