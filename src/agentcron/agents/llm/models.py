"""The model an llm agent talks to, built per attempt on agentcron's own HTTP client.

The SDK clients get `deps.http` (so the transport and the connection pool are
ours), the attempt's timeout, no retries of their own (the runner decides
retries, and a 429's `Retry-After` reaches it instead of being slept through)
and only the key named in the agents file: never one the SDK would find in the
environment or on disk by itself.

Prices come from genai-prices' data bundled with the installed package;
nothing here downloads prices. A cost the server reports itself
(`usage.cost`, as OpenRouter and LiteLLM send it) wins over the estimate.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from openai import AsyncOpenAI
from pydantic_ai.models import Model
from pydantic_ai.models.openai import OpenAIChatModel
from pydantic_ai.profiles import merge_profile
from pydantic_ai.profiles.openai import OpenAIModelProfile
from pydantic_ai.providers.openai import OpenAIProvider
from pydantic_ai.settings import ModelSettings
from pydantic_ai.usage import RequestUsage

from agentcron.agents.deps import AgentDeps
from agentcron.agents.settings import LLMSettings

DEFAULT_BASE_URLS = {
    "openai": "https://api.openai.com/v1",
    "anthropic": "https://api.anthropic.com",
}
NO_KEY = "unused"
"""Sent when the file names no key: local servers ignore it, and the SDKs would otherwise
go looking for one in the environment (`OPENAI_API_KEY`, Anthropic's profiles)."""


class _ChatModel(OpenAIChatModel):
    """OpenAI Chat Completions, taking a cost the server reports in `usage.cost` as the cost."""

    def _map_usage(self, response: Any) -> RequestUsage:
        usage = super()._map_usage(response)
        reported = reported_cost(getattr(response.usage, "model_extra", None))
        if reported is not None:
            usage.cost = reported
        return usage


def reported_cost(extra: dict[str, Any] | None) -> Decimal | None:
    value = (extra or {}).get("cost")
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        cost = Decimal(str(value))
    except ArithmeticError:
        return None
    return cost if cost.is_finite() and cost >= 0 else None


def base_url(settings: LLMSettings) -> str:
    return str(settings.base_url or DEFAULT_BASE_URLS[settings.provider])


def build_model(
    settings: LLMSettings, deps: AgentDeps, *, api_key: str | None, timeout_s: float
) -> Model:
    """A fresh model for one attempt; building it opens no connection."""
    key = api_key or NO_KEY
    if settings.provider == "anthropic":
        # Imported here: the Anthropic SDK takes seconds to import, and most set-ups never use it.
        from anthropic import AsyncAnthropic
        from pydantic_ai.models.anthropic import AnthropicModel
        from pydantic_ai.providers.anthropic import AnthropicProvider

        anthropic = AsyncAnthropic(
            base_url=base_url(settings),
            api_key=key,
            http_client=deps.http,
            max_retries=0,
            timeout=timeout_s,
        )
        return AnthropicModel(
            settings.model, provider=AnthropicProvider(anthropic_client=anthropic)
        )
    openai = AsyncOpenAI(
        base_url=base_url(settings),
        api_key=key,
        http_client=deps.http,
        max_retries=0,
        timeout=timeout_s,
    )
    profile = OpenAIProvider.model_profile(settings.model)
    if not base_url(settings).startswith(DEFAULT_BASE_URLS["openai"]):
        # OpenAI takes `max_completion_tokens`; the servers that copy its API all take the
        # older `max_tokens`, and not all of them the newer field.
        compatible = OpenAIModelProfile(openai_chat_supports_max_completion_tokens=False)
        profile = merge_profile(profile, compatible)
    return _ChatModel(
        settings.model, provider=OpenAIProvider(openai_client=openai), profile=profile
    )


def model_settings(settings: LLMSettings, *, timeout_s: float) -> ModelSettings:
    chosen = ModelSettings(timeout=timeout_s)
    if settings.max_output_tokens is not None:
        chosen["max_tokens"] = settings.max_output_tokens
    if settings.temperature is not None:
        chosen["temperature"] = settings.temperature
    return chosen


def usd(cost: Decimal | None) -> float | None:
    if cost is None:
        return None
    value = float(cost)
    return value if math.isfinite(value) else None
